/**
 * The people side of deduplication: reading the registry's match keys for a batch run, the
 * visible-people filter the review queue applies, the records shown side by side, and merging one
 * individual into another (a golden record) with an exact undo.
 *
 * A merge of B into A (the survivor), in the caller's transaction:
 * - A keeps its values; where A has none, it takes B's (names in either script, date of birth,
 *   Washington Group answers); phones and specific needs are the union; UASC if either.
 * - B's documents (with their status history) and the consents recorded for B move to A and A's
 *   household; B stays as a row, removed with reason `duplicate` and `merged_into = A`, so it is
 *   hidden from search, lookup and lists (they skip removed members) and its history stays.
 * - When B was the last present member of its household, that household is marked `merged`
 *   (`merged_into` = A's household, hidden from the household list) and its remaining
 *   household-level consents move too.
 * - Each household gets a new version (`merge.in` / `merge.out`, or `merge` when both are one).
 * The returned `undo` holds every changed row as it was; `undoMerge` writes them back, and
 * refuses (409) when either household changed after the merge.
 */
import { and, asc, eq, inArray, isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, notFound } from '../../server/errors';
import { msg, type Message } from '../../shared/messages';
import { allows, type Permission } from '../../server/permissions';
import { displayName, matchKeysOf } from './keys';
import { peopleConsents, peopleDocuments, peopleDocumentStatuses, peopleHouseholds, peopleIndividuals } from './schema';
import { sitesOf } from './places-lookup';
import { personColumns } from './search';
import { canSeeSensitive, loadHousehold, newVersion, refreshKeys, scopeFilter, type HouseholdRow, type Touched } from './service';

type IndividualRow = typeof peopleIndividuals.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Batch input

/** Present (not removed, not merged) individuals of an operation. */
export async function countActivePeople(db: Tx, operationId: string): Promise<number> {
  const [r] = await rows<{ n: number }>(db, sql`select count(*)::int as n from people_individuals where operation_id = ${operationId} and removed_at is null`);
  return Number(r?.n ?? 0);
}

/** A present individual as a whole-registry run reads it: id, stored match keys, household id. */
export type RegistryKeysRow = [id: string, keys: Record<string, unknown>, householdId: string];

/**
 * One keyset page (by id) of present individuals' match keys and household ids, as one JSON text
 * (fast on PGlite). The household id gives the engine its household context (co-members of two
 * households that share a match, pairs inside one household).
 */
export async function matchKeysPage(db: Tx, operationId: string, afterId: string | null, limit: number): Promise<RegistryKeysRow[]> {
  const after = afterId ? sql`and id > ${afterId}` : sql``;
  const [r] = await rows<{ j: string | null }>(
    db,
    sql`select json_agg(json_build_array(id, match_keys, household_id) order by id)::text as j from (select id, match_keys, household_id from people_individuals where operation_id = ${operationId} and removed_at is null ${after} order by id limit ${limit}) s`,
  );
  return r?.j ? (JSON.parse(r.j) as RegistryKeysRow[]) : [];
}

/** Operations that have present individuals (for the nightly schedule). */
export async function operationsWithPeople(db: Tx): Promise<string[]> {
  const list = await rows<{ op: string }>(db, sql`select distinct operation_id as op from people_individuals where removed_at is null`);
  return list.map((r) => r.op);
}

/**
 * A subquery of the ids of present individuals the user may use with `permission` in the
 * operation (area subtree and organisation of their household), for `id in (…)` filters.
 */
export function visiblePeopleSql(auth: AuthContext, permission: Permission, operationId: string): SQL {
  const scope = scopeFilter(auth, permission, operationId);
  return sql`(select ${peopleIndividuals.id} from ${peopleIndividuals} inner join ${peopleHouseholds} on ${peopleHouseholds.id} = ${peopleIndividuals.householdId} where ${peopleIndividuals.operationId} = ${operationId} and ${peopleIndividuals.removedAt} is null${scope ? sql` and ${scope}` : sql``})`;
}

/**
 * A condition: the individual whose id is `column` is present and the user may use it with every
 * one of `permissions` in the operation. A correlated EXISTS (one index probe per row), so a
 * paged list over a large registry stays cheap.
 */
export function personVisible(auth: AuthContext, permissions: Permission[], operationId: string, column: SQL | AnyColumn): SQL {
  const scopes = permissions.map((p) => scopeFilter(auth, p, operationId)).filter((x): x is SQL => !!x);
  const extra = scopes.length ? sql` and ${sql.join(scopes, sql` and `)}` : sql``;
  return sql`exists (select 1 from ${peopleIndividuals} inner join ${peopleHouseholds} on ${peopleHouseholds.id} = ${peopleIndividuals.householdId} where ${peopleIndividuals.id} = ${column} and ${peopleIndividuals.operationId} = ${operationId} and ${peopleIndividuals.removedAt} is null${extra})`;
}

/** Which of these individuals are present (not removed or merged), for the duplicate flags. */
export async function presentIndividuals(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const list = await tx.select({ id: peopleIndividuals.id }).from(peopleIndividuals).where(and(inArray(peopleIndividuals.id, [...new Set(ids)]), isNull(peopleIndividuals.removedAt)));
  return new Set(list.map((r) => r.id));
}

// ---------------------------------------------------------------------------------------------
// Records side by side

export interface ComparedRecord {
  id: string;
  operationId: string;
  householdId: string;
  householdReference: string;
  householdStatus: string;
  householdSize: number;
  relationship: string;
  displayName: string | null;
  givenName: string | null;
  fatherName: string | null;
  familyName: string | null;
  givenNameAr: string | null;
  fatherNameAr: string | null;
  familyNameAr: string | null;
  sex: string;
  birth: { precision: string; input: string; date: string | null; yearFrom: number | null; yearTo: number | null } | null;
  /** Null unless the user may see sensitive data of this household. */
  documents: { type: string; number: string; issuingCountry: string; status: string }[] | null;
  phones: string[] | null;
  currentPcode: string | null;
  originPcode: string | null;
  destinationPcode: string | null;
  currentSiteId: string | null;
  crossingSiteId: string | null;
  /** The crossing point's code (e.g. BCP-TORKHAM). */
  crossingSite: string | null;
  crossingDate: string | null;
  registeredAt: string;
  /** The engine's normalised names (Latin or Arabic script), and of the Arabic-script names alone. */
  keys: { given: string | null; father: string | null; family: string | null; givenAr: string | null; fatherAr: string | null; familyAr: string | null };
  sensitive: boolean;
}

const reviewColumns = {
  ...personColumns,
  phones: peopleIndividuals.phones,
  matchKeys: peopleIndividuals.matchKeys,
};
const householdColumns = {
  id: peopleHouseholds.id,
  operationId: peopleHouseholds.operationId,
  reference: peopleHouseholds.reference,
  status: peopleHouseholds.status,
  organisationId: peopleHouseholds.organisationId,
  currentPcode: peopleHouseholds.currentPcode,
  originPcode: peopleHouseholds.originPcode,
  destinationPcode: peopleHouseholds.destinationPcode,
  currentSiteId: peopleHouseholds.currentSiteId,
  crossingSiteId: peopleHouseholds.crossingSiteId,
  crossingDate: peopleHouseholds.crossingDate,
  createdAt: peopleHouseholds.createdAt,
};

const arabicKeys = (m: Pick<IndividualRow, 'givenNameAr' | 'fatherNameAr' | 'familyNameAr' | 'sex'>) =>
  matchKeysOf({ givenName: null, fatherName: null, familyName: null, givenNameAr: m.givenNameAr, fatherNameAr: m.fatherNameAr, familyNameAr: m.familyNameAr, sex: m.sex, birth: null, phones: [], documents: [], locationPcode: null });

/**
 * The two (or more) records as the user may see them: present individuals in households the user
 * may read with `permission`; others are left out (the caller answers 404).
 */
export async function recordsForReview(tx: Tx, auth: AuthContext, permission: Permission, ids: string[]): Promise<Map<string, ComparedRecord>> {
  const out = new Map<string, ComparedRecord>();
  if (!ids.length) return out;
  // Only the columns shown (PGlite decodes every field: search keys and snapshots are costly).
  const list = await tx
    .select({ m: reviewColumns, h: householdColumns })
    .from(peopleIndividuals)
    .innerJoin(peopleHouseholds, eq(peopleHouseholds.id, peopleIndividuals.householdId))
    .where(and(inArray(peopleIndividuals.id, [...new Set(ids)]), isNull(peopleIndividuals.removedAt)));
  const hh = [...new Set(list.map((r) => r.h.id))];
  const sizes = new Map<string, number>();
  if (hh.length) {
    const s = await rows<{ id: string; n: number }>(tx, sql`select household_id as id, count(*)::int as n from people_individuals where household_id in (${sql.join(hh.map((x) => sql`${x}`), sql`, `)}) and removed_at is null group by household_id`);
    for (const r of s) sizes.set(r.id, Number(r.n));
  }
  const visible = list.filter((r) => allows(auth.grants, permission, { operationId: r.h.operationId, areaPcode: r.h.currentPcode, organisationId: r.h.organisationId }) && allows(auth.grants, 'people.read', { operationId: r.h.operationId, areaPcode: r.h.currentPcode, organisationId: r.h.organisationId }));
  const sensitiveIds = visible.filter((r) => canSeeSensitive(auth, r.h)).map((r) => r.m.id);
  const docs = sensitiveIds.length
    ? await tx.select().from(peopleDocuments).where(inArray(peopleDocuments.individualId, sensitiveIds)).orderBy(asc(peopleDocuments.createdAt), asc(peopleDocuments.id))
    : [];
  const siteCodes = await sitesOf(tx, visible.map((r) => r.h.crossingSiteId ?? ''));
  for (const { m, h } of visible) {
    const sensitive = sensitiveIds.includes(m.id);
    const mk = m.matchKeys as Record<string, string | null>;
    const ar = arabicKeys(m);
    out.set(m.id, {
      id: m.id,
      operationId: m.operationId,
      householdId: h.id,
      householdReference: h.reference,
      householdStatus: h.status,
      householdSize: sizes.get(h.id) ?? 0,
      relationship: m.relationship,
      displayName: displayName(m),
      givenName: m.givenName,
      fatherName: m.fatherName,
      familyName: m.familyName,
      givenNameAr: m.givenNameAr,
      fatherNameAr: m.fatherNameAr,
      familyNameAr: m.familyNameAr,
      sex: m.sex,
      birth: m.birthPrecision && m.birthInput ? { precision: m.birthPrecision, input: m.birthInput, date: m.birthDate, yearFrom: m.birthYearFrom, yearTo: m.birthYearTo } : null,
      documents: sensitive ? docs.filter((d) => d.individualId === m.id).map((d) => ({ type: d.type, number: d.number, issuingCountry: d.issuingCountry, status: d.status })) : null,
      phones: sensitive ? m.phones.map((p) => p.number) : null,
      currentPcode: h.currentPcode,
      originPcode: h.originPcode,
      destinationPcode: h.destinationPcode,
      currentSiteId: h.currentSiteId,
      crossingSiteId: h.crossingSiteId,
      crossingSite: h.crossingSiteId ? siteCodes.get(h.crossingSiteId)?.code ?? null : null,
      crossingDate: h.crossingDate,
      registeredAt: h.createdAt.toISOString(),
      keys: {
        given: mk.given ?? null,
        father: mk.father ?? null,
        family: mk.family ?? null,
        givenAr: (ar.given as string | null) ?? null,
        fatherAr: (ar.father as string | null) ?? null,
        familyAr: (ar.family as string | null) ?? null,
      },
      sensitive,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Merge and undo

const NAME_COLUMNS = ['givenName', 'fatherName', 'familyName', 'givenNameAr', 'fatherNameAr', 'familyNameAr'] as const;
const BIRTH_COLUMNS = ['birthPrecision', 'birthInput', 'birthDate', 'birthYearFrom', 'birthYearTo'] as const;
const SURVIVOR_COLUMNS = [...NAME_COLUMNS, ...BIRTH_COLUMNS, 'phones', 'washingtonGroup', 'specificNeeds', 'uasc'] as const;

/** Everything a merge changed, as it was before (JSON). */
export interface MergeUndo {
  survivor: { id: string; householdId: string; columns: Record<string, unknown> };
  merged: { id: string; householdId: string; removedAt: string | null; removalReason: string | null; mergedInto: string | null };
  documents: { id: string; individualId: string; householdId: string }[];
  statuses: { id: string; householdId: string }[];
  consents: { id: string; individualId: string | null; householdId: string }[];
  /** The merged household's status before, when the merge marked it merged. */
  household: { id: string; status: string; mergedInto: string | null } | null;
}

export interface MergeOutcome {
  undo: MergeUndo;
  /** Household id → its version after the merge. */
  after: Record<string, number>;
  householdsMerged: boolean;
  survivorHouseholdId: string;
  mergedHouseholdId: string;
  touched: Touched;
}

export const mergeBlocked = (message: Message) => new AppError('MERGE_BLOCKED', message);

async function lockIndividual(tx: Tx, id: string): Promise<IndividualRow | null> {
  const [m] = await tx.select().from(peopleIndividuals).where(eq(peopleIndividuals.id, id)).limit(1).for('update');
  return m ?? null;
}

const presentOthers = async (tx: Tx, householdId: string, except: string[]) => {
  const list = await tx.select({ id: peopleIndividuals.id }).from(peopleIndividuals).where(and(eq(peopleIndividuals.householdId, householdId), isNull(peopleIndividuals.removedAt)));
  return list.filter((r) => !except.includes(r.id)).length;
};

/**
 * Which of the two records should survive: the one that can absorb the other (a head whose
 * household keeps other members cannot be merged away), then the one in the larger household,
 * then the earlier registration.
 */
export async function suggestSurvivor(tx: Tx, a: string, b: string): Promise<{ survivorId: string; mergedId: string }> {
  const list = await tx
    .select({ id: peopleIndividuals.id, householdId: peopleIndividuals.householdId, relationship: peopleIndividuals.relationship, createdAt: peopleHouseholds.createdAt })
    .from(peopleIndividuals)
    .innerJoin(peopleHouseholds, eq(peopleHouseholds.id, peopleIndividuals.householdId))
    .where(inArray(peopleIndividuals.id, [a, b]));
  const x = list.find((r) => r.id === a);
  const y = list.find((r) => r.id === b);
  if (!x || !y) return { survivorId: a, mergedId: b };
  const others = async (r: typeof x, other: typeof x) => (r.householdId === other.householdId ? 0 : await presentOthers(tx, r.householdId, [r.id]));
  const ox = await others(x, y);
  const oy = await others(y, x);
  const blockedX = x.relationship === 'head' && ox > 0;
  const blockedY = y.relationship === 'head' && oy > 0;
  let keepX: boolean;
  if (blockedX !== blockedY) keepX = blockedX;
  else if (ox !== oy) keepX = ox > oy;
  else if (x.createdAt.getTime() !== y.createdAt.getTime()) keepX = x.createdAt < y.createdAt;
  else keepX = x.id < y.id;
  return keepX ? { survivorId: a, mergedId: b } : { survivorId: b, mergedId: a };
}

const jsonValue = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

/** Merges `mergedId` into `survivorId` (see the file comment). 404 unless the user may write both households. */
export async function mergeIndividuals(tx: Tx, auth: AuthContext, actor: Actor, survivorId: string, mergedId: string): Promise<MergeOutcome> {
  if (survivorId === mergedId) throw mergeBlocked(msg('conflict.mergeSelf'));
  const s0 = await lockIndividual(tx, survivorId);
  const m0 = await lockIndividual(tx, mergedId);
  if (!s0 || !m0) throw notFound('No such person.');
  const hs = await loadHousehold(tx, auth, s0.householdId, 'people.write', true);
  const hm = s0.householdId === m0.householdId ? hs : await loadHousehold(tx, auth, m0.householdId, 'people.write', true);
  if (s0.removedAt || m0.removedAt) throw mergeBlocked(msg('conflict.mergeRemoved'));
  if (s0.operationId !== m0.operationId) throw mergeBlocked(msg('conflict.mergeOperations'));
  const sameHousehold = hs.id === hm.id;
  const othersLeft = sameHousehold ? 1 : await presentOthers(tx, hm.id, [m0.id]);
  if (m0.relationship === 'head' && othersLeft > 0 && !sameHousehold) {
    const name = displayName(m0);
    throw mergeBlocked(name ? msg('conflict.mergeHeadWithMembers', { name, household: hm.reference }) : msg('conflict.mergeHeadWithMembersUnnamed', { household: hm.reference }));
  }
  if (m0.relationship === 'head' && sameHousehold) throw mergeBlocked(msg('conflict.mergeKeepHead'));

  // The survivor's golden values.
  const before: Record<string, unknown> = {};
  for (const c of SURVIVOR_COLUMNS) before[c] = jsonValue(s0[c]);
  const set: Partial<IndividualRow> = {};
  for (const c of NAME_COLUMNS) if (!s0[c] && m0[c]) set[c] = m0[c];
  if (!s0.birthPrecision && m0.birthPrecision) for (const c of BIRTH_COLUMNS) (set as Record<string, unknown>)[c] = m0[c];
  const phones = [...s0.phones];
  for (const p of m0.phones) if (!phones.some((q) => q.number.replace(/\D/g, '') === p.number.replace(/\D/g, ''))) phones.push(p);
  if (phones.length !== s0.phones.length) set.phones = phones;
  if (!s0.washingtonGroup && m0.washingtonGroup) set.washingtonGroup = m0.washingtonGroup;
  const needs = [...new Set([...s0.specificNeeds, ...m0.specificNeeds])];
  if (needs.length !== s0.specificNeeds.length) set.specificNeeds = needs;
  if (!s0.uasc && m0.uasc) set.uasc = true;

  const docs = await tx.select({ id: peopleDocuments.id, individualId: peopleDocuments.individualId, householdId: peopleDocuments.householdId }).from(peopleDocuments).where(eq(peopleDocuments.individualId, m0.id));
  const statuses = docs.length
    ? await tx.select({ id: peopleDocumentStatuses.id, householdId: peopleDocumentStatuses.householdId }).from(peopleDocumentStatuses).where(inArray(peopleDocumentStatuses.documentId, docs.map((d) => d.id)))
    : [];
  const householdGone = !sameHousehold && othersLeft === 0;
  const consentWhere = householdGone ? eq(peopleConsents.householdId, hm.id) : eq(peopleConsents.individualId, m0.id);
  const consents = await tx.select({ id: peopleConsents.id, individualId: peopleConsents.individualId, householdId: peopleConsents.householdId }).from(peopleConsents).where(consentWhere);

  const now = new Date();
  if (Object.keys(set).length) await tx.update(peopleIndividuals).set({ ...set, updatedAt: now }).where(eq(peopleIndividuals.id, s0.id));
  await tx.update(peopleIndividuals).set({ removedAt: now, removalReason: 'duplicate', mergedInto: s0.id, updatedAt: now }).where(eq(peopleIndividuals.id, m0.id));
  if (docs.length) {
    await tx.update(peopleDocuments).set({ individualId: s0.id, householdId: hs.id }).where(inArray(peopleDocuments.id, docs.map((d) => d.id)));
    await tx.update(peopleDocumentStatuses).set({ householdId: hs.id }).where(inArray(peopleDocumentStatuses.id, statuses.map((d) => d.id)));
  }
  for (const c of consents)
    await tx.update(peopleConsents).set({ householdId: hs.id, individualId: c.individualId === m0.id || c.individualId === null ? s0.id : c.individualId }).where(eq(peopleConsents.id, c.id));

  await refreshKeys(tx, hs.id, [s0.id]);
  const after: Record<string, number> = {};
  if (sameHousehold) {
    const row = await newVersion(tx, hs, null, 'merge', actor);
    after[hs.id] = row.version;
  } else {
    const rs = await newVersion(tx, hs, null, 'merge.in', actor);
    const rm = await newVersion(tx, hm, null, 'merge.out', actor, householdGone ? { status: 'merged', mergedInto: hs.id } : {});
    after[hs.id] = rs.version;
    after[hm.id] = rm.version;
  }
  await audit(tx, actor, {
    action: 'individual.merge',
    entityType: 'individual',
    entityId: m0.id,
    operationId: hs.operationId,
    before: { mergedInto: null, removalReason: null },
    after: { mergedInto: s0.id, removalReason: 'duplicate' },
    details: { survivor: s0.id, survivorHousehold: hs.reference, mergedHousehold: hm.reference, householdsMerged: householdGone, documents: docs.length, consents: consents.length, filled: Object.keys(set) },
  });
  return {
    undo: {
      survivor: { id: s0.id, householdId: hs.id, columns: before },
      merged: { id: m0.id, householdId: hm.id, removedAt: null, removalReason: m0.removalReason, mergedInto: m0.mergedInto },
      documents: docs,
      statuses,
      consents,
      household: householdGone ? { id: hm.id, status: hm.status, mergedInto: hm.mergedInto } : null,
    },
    after,
    householdsMerged: householdGone,
    survivorHouseholdId: hs.id,
    mergedHouseholdId: hm.id,
    touched: { operationId: hs.operationId, individualIds: [s0.id, m0.id] },
  };
}

/** Restores both records exactly as they were before the merge. 409 (UNDO_NOT_POSSIBLE) when a household changed since. */
export async function undoMerge(tx: Tx, auth: AuthContext, actor: Actor, undo: MergeUndo, after: Record<string, number>): Promise<Touched> {
  const hs = await loadHousehold(tx, auth, undo.survivor.householdId, 'people.write', true);
  const hm: HouseholdRow = undo.merged.householdId === hs.id ? hs : await loadHousehold(tx, auth, undo.merged.householdId, 'people.write', true);
  for (const h of hs.id === hm.id ? [hs] : [hs, hm])
    if (after[h.id] !== h.version)
      throw new AppError('UNDO_NOT_POSSIBLE', msg('conflict.undoHouseholdChanged', { household: h.reference, version: after[h.id] ?? '?', current: h.version }));
  await tx.update(peopleIndividuals).set({ ...(undo.survivor.columns as Partial<IndividualRow>), updatedAt: new Date() }).where(eq(peopleIndividuals.id, undo.survivor.id));
  await tx
    .update(peopleIndividuals)
    .set({ removedAt: undo.merged.removedAt ? new Date(undo.merged.removedAt) : null, removalReason: undo.merged.removalReason as IndividualRow['removalReason'], mergedInto: undo.merged.mergedInto, updatedAt: new Date() })
    .where(eq(peopleIndividuals.id, undo.merged.id));
  for (const d of undo.documents) await tx.update(peopleDocuments).set({ individualId: d.individualId, householdId: d.householdId }).where(eq(peopleDocuments.id, d.id));
  for (const s of undo.statuses) await tx.update(peopleDocumentStatuses).set({ householdId: s.householdId }).where(eq(peopleDocumentStatuses.id, s.id));
  for (const c of undo.consents) await tx.update(peopleConsents).set({ individualId: c.individualId, householdId: c.householdId }).where(eq(peopleConsents.id, c.id));
  await refreshKeys(tx, hs.id, [undo.survivor.id]);
  await refreshKeys(tx, hm.id, [undo.merged.id]);
  if (hs.id === hm.id) await newVersion(tx, hs, null, 'merge.undo', actor);
  else {
    await newVersion(tx, hs, null, 'merge.undo', actor);
    await newVersion(tx, hm, null, 'merge.undo', actor, undo.household ? { status: undo.household.status as HouseholdRow['status'], mergedInto: undo.household.mergedInto } : {});
  }
  await audit(tx, actor, {
    action: 'individual.merge_undo',
    entityType: 'individual',
    entityId: undo.merged.id,
    operationId: hs.operationId,
    before: { mergedInto: undo.survivor.id, removalReason: 'duplicate' },
    after: { mergedInto: undo.merged.mergedInto, removalReason: undo.merged.removalReason },
    details: { survivor: undo.survivor.id, survivorHousehold: hs.reference, mergedHousehold: hm.reference },
  });
  return { operationId: hs.operationId, individualIds: [undo.survivor.id, undo.merged.id] };
}

/** References of households by id (for merge lists), whatever their status. */
export async function householdReferences(tx: Tx, ids: string[]): Promise<Map<string, { reference: string; status: string }>> {
  if (!ids.length) return new Map();
  const list = await tx.select({ id: peopleHouseholds.id, reference: peopleHouseholds.reference, status: peopleHouseholds.status }).from(peopleHouseholds).where(inArray(peopleHouseholds.id, [...new Set(ids)]));
  return new Map(list.map((r) => [r.id, { reference: r.reference, status: r.status }]));
}

/** Display names of individuals by id, present or not (for merge lists of visible households). */
export async function individualNames(tx: Tx, ids: string[]): Promise<Map<string, string | null>> {
  if (!ids.length) return new Map();
  const list = await tx.select().from(peopleIndividuals).where(inArray(peopleIndividuals.id, [...new Set(ids)]));
  return new Map(list.map((r) => [r.id, displayName(r)]));
}

/** Present members of a household (ids). */
export async function householdMemberIds(tx: Tx, householdId: string): Promise<string[]> {
  const list = await tx.select({ id: peopleIndividuals.id }).from(peopleIndividuals).where(and(eq(peopleIndividuals.householdId, householdId), isNull(peopleIndividuals.removedAt)));
  return list.map((r) => r.id);
}

/** A subquery of the ids of the operation's households (any status) the user may use with `permission`. */
export function visibleHouseholdsSql(auth: AuthContext, permission: Permission, operationId: string): SQL {
  const scope = scopeFilter(auth, permission, operationId);
  return sql`(select ${peopleHouseholds.id} from ${peopleHouseholds} where ${peopleHouseholds.operationId} = ${operationId}${scope ? sql` and ${scope}` : sql``})`;
}

/** The household a merged household was merged into (reference), or null. */
export async function mergedIntoOf(tx: Tx, h: HouseholdRow): Promise<{ id: string; reference: string } | null> {
  if (!h.mergedInto) return null;
  const [r] = await tx.select({ id: peopleHouseholds.id, reference: peopleHouseholds.reference }).from(peopleHouseholds).where(eq(peopleHouseholds.id, h.mergedInto)).limit(1);
  return r ?? null;
}
