/**
 * People registry use cases: households with their members, documents (with status history) and
 * consent. Every change bumps the household's version, stores a JSON snapshot of the whole
 * household as a new row of people_household_versions and writes one audit row, all in the
 * caller's transaction.
 */
import { fieldIssue, issueAt, isUniqueViolation } from '../../server/errors';
import { canonicalHash } from '../../imports/canonical';
import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, gte, inArray, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../db/client';
import { audit, auditRead, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, invalid, notFound, type FieldIssue } from '../../server/errors';
import { msg } from '../../shared/messages';
import { decodeCursor, takePage, type Page } from '../../server/pagination';
import { allows, holds, scopesFor, type Permission } from '../../server/permissions';
import { uuidv7 } from '../../shared/ids';
import type {
  BirthView,
  ConsentInput,
  ConsentView,
  DocumentAdd,
  DocumentInput,
  DocumentStatusChange,
  DocumentView,
  HouseholdCreate,
  HouseholdDetail,
  HouseholdUpdate,
  HouseholdView,
  IndividualView,
  MemberAdd,
  MemberInput,
  MemberRemove,
  MemberUpdate,
  VersionSnapshot,
  WashingtonGroup,
  householdsQuery,
} from './contract';
import { WG_DOMAINS, type WgLevel } from './kinds';
import { displayName, hasAnyName, matchKeysOf, normaliseBirthInput, searchKeysOf, type KeyInput } from './keys';
import { existingPcodes, operationExists, operationTimeZone, organisationExists, sitesOf } from './places-lookup';
import { peopleConsents, peopleDocuments, peopleDocumentStatuses, peopleHouseholds, peopleHouseholdVersions, peopleIndividuals, peopleSequences } from './schema';

export type HouseholdRow = typeof peopleHouseholds.$inferSelect;
type IndividualRow = typeof peopleIndividuals.$inferSelect;
type DocumentRow = typeof peopleDocuments.$inferSelect;
type StatusRow = typeof peopleDocumentStatuses.$inferSelect;
type ConsentRow = typeof peopleConsents.$inferSelect;

/** What a change touched: the lookup index refreshes these individuals after the commit. */
export interface Touched {
  operationId: string;
  individualIds: string[];
}

export type { Page } from '../../server/pagination';

const SENSITIVE_FIELDS = ['documents', 'phones', 'vulnerabilities', 'femaleHeaded'];

// ---------------------------------------------------------------------------------------------
// Access

export const targetOf = (h: Pick<HouseholdRow, 'operationId' | 'currentPcode' | 'organisationId'>) => ({
  operationId: h.operationId,
  areaPcode: h.currentPcode,
  organisationId: h.organisationId,
});

/** 404 unless the user holds `permission` somewhere in the operation. */
export function requireOperation(auth: AuthContext, permission: Permission, operationIn: string): string {
  const operationId = operationIn.toUpperCase();
  if (!holds(auth.grants, permission, operationId)) throw notFound(`No operation ${operationIn}.`);
  return operationId;
}

export const canSeeSensitive = (auth: AuthContext, h: Pick<HouseholdRow, 'operationId' | 'currentPcode' | 'organisationId'>) => allows(auth.grants, 'people.sensitive.read', targetOf(h));

/** The row filter on households for a permission in an operation (hidden rows never appear). */
export function scopeFilter(auth: AuthContext, permission: Permission, operationId: string): SQL | undefined {
  const scopes = scopesFor(auth.grants, permission, operationId);
  if (scopes === null) return undefined;
  if (!scopes.length) return sql`false`;
  const parts = scopes.map((s) => {
    const c: SQL[] = [];
    if (s.areaPcode) c.push(like(peopleHouseholds.currentPcode, `${s.areaPcode}%`));
    if (s.organisationId) c.push(eq(peopleHouseholds.organisationId, s.organisationId));
    return c.length ? and(...c)! : sql`true`;
  });
  return or(...parts);
}

const noHousehold = () => notFound('No such household.');

/** The household if the user may use it with `permission`; 404 otherwise (existence does not leak). */
export async function loadHousehold(tx: Tx, auth: AuthContext, id: string, permission: Permission, lock = false): Promise<HouseholdRow> {
  const q = tx.select().from(peopleHouseholds).where(eq(peopleHouseholds.id, id)).limit(1);
  const [h] = lock ? await q.for('update') : await q;
  if (!h) throw noHousehold();
  if (!allows(auth.grants, permission, targetOf(h))) throw noHousehold();
  return h;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const hashOf = canonicalHash;

import { todayIn } from '../../shared/calendar';
export { todayIn };

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** A value for the audit log that shows that a sensitive field changed without copying it. */
const masked = (v: unknown) => (v === null || v === undefined ? null : `[sensitive ${hashOf(v).slice(0, 8)}]`);

export async function nextReferences(tx: Tx, operationId: string, n: number): Promise<string[]> {
  const [row] = await tx
    .insert(peopleSequences)
    .values({ operationId, lastHousehold: n })
    .onConflictDoUpdate({ target: peopleSequences.operationId, set: { lastHousehold: sql`${peopleSequences.lastHousehold} + ${n}` } })
    .returning({ last: peopleSequences.lastHousehold });
  const first = row.last - n + 1;
  return Array.from({ length: n }, (_, i) => `${operationId}-HH-${String(first + i).padStart(6, '0')}`);
}

export const newQrToken = () => randomBytes(18).toString('base64url');

// ---------------------------------------------------------------------------------------------
// Presenting

function birthOf(r: IndividualRow): BirthView | null {
  if (!r.birthPrecision || !r.birthInput) return null;
  return { precision: r.birthPrecision, input: r.birthInput, date: r.birthDate, yearFrom: r.birthYearFrom, yearTo: r.birthYearTo };
}

function disability(wg: Record<string, string | null> | null): boolean {
  if (!wg) return false;
  return WG_DOMAINS.some((d) => wg[d] === 'a_lot_of_difficulty' || wg[d] === 'cannot_do_at_all');
}

export function presentDocument(d: DocumentRow, history: StatusRow[]): DocumentView {
  return {
    id: d.id,
    individualId: d.individualId,
    type: d.type,
    number: d.number,
    issuingCountry: d.issuingCountry,
    validFrom: d.validFrom,
    validTo: d.validTo,
    status: d.status,
    history: history.map((s) => ({ status: s.status, on: s.on, validTo: s.validTo, note: s.note, at: s.createdAt.toISOString(), by: s.createdBy })),
  };
}

export function presentIndividual(r: IndividualRow, docs: DocumentView[] | null, sensitive: boolean): IndividualView {
  return {
    id: r.id,
    householdId: r.householdId,
    relationship: r.relationship,
    givenName: r.givenName,
    fatherName: r.fatherName,
    familyName: r.familyName,
    givenNameAr: r.givenNameAr,
    fatherNameAr: r.fatherNameAr,
    familyNameAr: r.familyNameAr,
    displayName: displayName(r),
    sex: r.sex,
    birth: birthOf(r),
    elsewhereOperationId: r.elsewhereOperationId,
    removedAt: iso(r.removedAt),
    removalReason: r.removalReason,
    phones: sensitive ? r.phones.map((p) => ({ number: p.number, label: p.label ?? null })) : null,
    documents: sensitive ? docs ?? [] : null,
    vulnerabilities: sensitive
      ? {
          washingtonGroup: (r.washingtonGroup as WashingtonGroup | null) ?? null,
          disability: disability(r.washingtonGroup),
          specificNeeds: r.specificNeeds as NonNullable<IndividualView['vulnerabilities']>['specificNeeds'],
          uasc: r.uasc,
        }
      : null,
  };
}

export function presentConsent(c: ConsentRow): ConsentView {
  return {
    id: c.id,
    individualId: c.individualId,
    purpose: c.purpose,
    givenOn: c.givenOn,
    notes: c.notes,
    recordedAt: c.recordedAt.toISOString(),
    recordedBy: c.recordedBy,
    withdrawnAt: iso(c.withdrawnAt),
    withdrawnBy: c.withdrawnBy,
    withdrawalReason: c.withdrawalReason,
  };
}

export function presentHousehold(h: HouseholdRow, sensitive: boolean, head: { name: string | null; size: number }): HouseholdView {
  return {
    id: h.id,
    operationId: h.operationId,
    reference: h.reference,
    status: h.status,
    populationGroup: h.populationGroup,
    organisationId: h.organisationId,
    currentPcode: h.currentPcode,
    currentSiteId: h.currentSiteId,
    originPcode: h.originPcode,
    destinationPcode: h.destinationPcode,
    destinationSiteId: h.destinationSiteId,
    crossingSiteId: h.crossingSiteId,
    crossingDate: h.crossingDate,
    notes: h.notes,
    femaleHeaded: sensitive ? h.femaleHeaded : null,
    headName: head.name,
    size: head.size,
    version: h.version,
    registeredAt: h.createdAt.toISOString(),
    registeredBy: h.createdBy,
    updatedAt: h.updatedAt.toISOString(),
  };
}

/** The whole household as the user may see it (without versions). */
async function assemble(tx: Tx, h: HouseholdRow, sensitive: boolean): Promise<Omit<HouseholdDetail, 'versions'>> {
  const members = await tx
    .select()
    .from(peopleIndividuals)
    .where(eq(peopleIndividuals.householdId, h.id))
    .orderBy(sql`${peopleIndividuals.removedAt} is not null`, asc(peopleIndividuals.position), asc(peopleIndividuals.id));
  let docsByPerson = new Map<string, DocumentView[]>();
  if (sensitive) {
    const docs = await tx.select().from(peopleDocuments).where(eq(peopleDocuments.householdId, h.id)).orderBy(asc(peopleDocuments.createdAt), asc(peopleDocuments.id));
    const statuses = await tx.select().from(peopleDocumentStatuses).where(eq(peopleDocumentStatuses.householdId, h.id)).orderBy(asc(peopleDocumentStatuses.createdAt), asc(peopleDocumentStatuses.id));
    const hist = new Map<string, StatusRow[]>();
    for (const s of statuses) (hist.get(s.documentId) ?? hist.set(s.documentId, []).get(s.documentId)!).push(s);
    docsByPerson = new Map();
    for (const d of docs) (docsByPerson.get(d.individualId) ?? docsByPerson.set(d.individualId, []).get(d.individualId)!).push(presentDocument(d, hist.get(d.id) ?? []));
  }
  const consents = await tx.select().from(peopleConsents).where(eq(peopleConsents.householdId, h.id)).orderBy(asc(peopleConsents.recordedAt), asc(peopleConsents.id));
  const present = members.filter((m) => !m.removedAt);
  const head = present.find((m) => m.relationship === 'head') ?? present[0];
  return {
    ...presentHousehold(h, sensitive, { name: head ? displayName(head) : null, size: present.length }),
    sensitive,
    qrToken: h.qrToken,
    members: members.map((m) => presentIndividual(m, docsByPerson.get(m.id) ?? [], sensitive)),
    consents: consents.map(presentConsent),
  };
}

async function versionsOf(tx: Tx, householdId: string) {
  const list = await tx
    .select({ version: peopleHouseholdVersions.version, action: peopleHouseholdVersions.action, at: peopleHouseholdVersions.createdAt, by: peopleHouseholdVersions.createdBy })
    .from(peopleHouseholdVersions)
    .where(eq(peopleHouseholdVersions.householdId, householdId))
    .orderBy(desc(peopleHouseholdVersions.version));
  return list.map((v) => ({ version: v.version, action: v.action, at: v.at.toISOString(), by: v.by }));
}

/** The household as the user may see it; a sensitive view is audited as a sensitive read. */
export async function detail(tx: Tx, auth: AuthContext, actor: Actor, h: HouseholdRow, auditSensitive = true): Promise<HouseholdDetail> {
  const sensitive = canSeeSensitive(auth, h);
  const body = await assemble(tx, h, sensitive);
  if (sensitive && auditSensitive)
    await auditRead(tx, actor, { entityType: 'household', entityId: h.id, operationId: h.operationId, details: { fields: SENSITIVE_FIELDS, members: body.members.length } });
  return { ...body, versions: await versionsOf(tx, h.id) };
}

export async function getHousehold(tx: Tx, auth: AuthContext, actor: Actor, id: string): Promise<HouseholdDetail> {
  const h = await loadHousehold(tx, auth, id, 'people.read');
  return detail(tx, auth, actor, h);
}

/** Strips what a non-sensitive reader may not see from a stored snapshot. */
function redact(s: Omit<HouseholdDetail, 'versions'>): Omit<HouseholdDetail, 'versions'> {
  return {
    ...s,
    sensitive: false,
    femaleHeaded: null,
    members: s.members.map((m) => ({ ...m, phones: null, documents: null, vulnerabilities: null })),
  };
}

export async function getVersion(tx: Tx, auth: AuthContext, actor: Actor, id: string, version: number): Promise<VersionSnapshot> {
  const h = await loadHousehold(tx, auth, id, 'people.read');
  const [v] = await tx
    .select()
    .from(peopleHouseholdVersions)
    .where(and(eq(peopleHouseholdVersions.householdId, id), eq(peopleHouseholdVersions.version, version)))
    .limit(1);
  if (!v) throw notFound(`Household ${h.reference} has no version ${version}.`);
  const sensitive = canSeeSensitive(auth, h);
  const snap = v.snapshot as Omit<HouseholdDetail, 'versions'>;
  if (sensitive) await auditRead(tx, actor, { entityType: 'household', entityId: h.id, operationId: h.operationId, details: { fields: SENSITIVE_FIELDS, version } });
  return { version: v.version, action: v.action, at: v.createdAt.toISOString(), by: v.createdBy, snapshot: sensitive ? snap : redact(snap) };
}

// ---------------------------------------------------------------------------------------------
// Validation and row building

export interface Ctx {
  operationId: string;
  today: string;
  issues: FieldIssue[];
}

export function personKeyInput(m: Pick<IndividualRow, 'givenName' | 'fatherName' | 'familyName' | 'givenNameAr' | 'fatherNameAr' | 'familyNameAr' | 'sex' | 'phones'>, birth: BirthView | null, docs: { number: string }[], locationPcode: string | null): KeyInput {
  return {
    givenName: m.givenName,
    fatherName: m.fatherName,
    familyName: m.familyName,
    givenNameAr: m.givenNameAr,
    fatherNameAr: m.fatherNameAr,
    familyNameAr: m.familyNameAr,
    sex: m.sex,
    birth,
    phones: m.phones,
    documents: docs,
    locationPcode,
  };
}

function cleanWg(wg: MemberInput['washingtonGroup']): Record<string, WgLevel | null> | null {
  if (!wg) return null;
  const out: Record<string, WgLevel | null> = {};
  let any = false;
  for (const d of WG_DOMAINS) {
    out[d] = wg[d] ?? null;
    if (out[d]) any = true;
  }
  return any ? out : null;
}

export function checkDocument(d: DocumentInput, path: string, issues: FieldIssue[]) {
  if (d.validFrom && d.validTo && d.validTo < d.validFrom) issues.push(issueAt(`${path}.validTo`, 'validity.endsBeforeStart'));
}

async function checkElsewhere(tx: Tx, ctx: Ctx, value: string | null | undefined, path: string) {
  if (!value) return null;
  const op = value.toUpperCase();
  if (op === ctx.operationId) ctx.issues.push(issueAt(path, 'people.memberSameOperation'));
  else if (!(await operationExists(tx, op))) ctx.issues.push(issueAt(path, 'place.noOperation', { operationId: value }));
  return op;
}

/** Names, birth, vulnerabilities of a member as columns; problems go to ctx.issues. */
export function memberColumns(m: Partial<MemberInput>, ctx: Ctx, path: string) {
  const cols: Partial<typeof peopleIndividuals.$inferInsert> = {};
  for (const k of ['givenName', 'fatherName', 'familyName', 'givenNameAr', 'fatherNameAr', 'familyNameAr'] as const) if (m[k] !== undefined) cols[k] = m[k]?.trim() || null;
  if (m.relationship !== undefined) cols.relationship = m.relationship;
  if (m.sex !== undefined) cols.sex = m.sex;
  if (m.birth !== undefined) {
    if (m.birth === null) Object.assign(cols, { birthPrecision: null, birthInput: null, birthDate: null, birthYearFrom: null, birthYearTo: null });
    else {
      const r = normaliseBirthInput(m.birth, ctx.today);
      if ('error' in r) ctx.issues.push(fieldIssue(`${path}.birth.value`, r.error));
      else Object.assign(cols, { birthPrecision: r.birth.precision, birthInput: r.birth.input, birthDate: r.birth.date, birthYearFrom: r.birth.yearFrom, birthYearTo: r.birth.yearTo });
    }
  }
  if (m.phones !== undefined) cols.phones = m.phones.map((p) => ({ number: p.number, label: p.label ?? null }));
  if (m.washingtonGroup !== undefined) cols.washingtonGroup = cleanWg(m.washingtonGroup);
  if (m.specificNeeds !== undefined) cols.specificNeeds = [...new Set(m.specificNeeds)];
  if (m.uasc !== undefined) cols.uasc = m.uasc;
  return cols;
}

function birthFromCols(c: Partial<IndividualRow>): BirthView | null {
  if (!c.birthPrecision || !c.birthInput) return null;
  return { precision: c.birthPrecision, input: c.birthInput, date: c.birthDate ?? null, yearFrom: c.birthYearFrom ?? null, yearTo: c.birthYearTo ?? null };
}

type SiteFacts = Awaited<ReturnType<typeof sitesOf>>;

/** Household place fields checked against the operation's gazetteer and sites. */
async function placeColumns(tx: Tx, ctx: Ctx, b: Partial<HouseholdCreate>) {
  const pc = ['currentPcode', 'destinationPcode'] as const;
  const known = await existingPcodes(tx, ctx.operationId, pc.map((k) => b[k] ?? '').filter(Boolean));
  const sk = ['currentSiteId', 'destinationSiteId', 'crossingSiteId'] as const;
  const sites = await sitesOf(tx, sk.map((k) => b[k] ?? '').filter(Boolean));
  return placeColumnsFrom(ctx, b, known, sites);
}

/** placeColumns with the P-codes and sites already read (bulk import reads them once per file). */
export function placeColumnsFrom(ctx: Ctx, b: Partial<HouseholdCreate>, known: ReadonlySet<string>, sites: SiteFacts) {
  const cols: Partial<typeof peopleHouseholds.$inferInsert> = {};
  const pc = ['currentPcode', 'destinationPcode'] as const;
  for (const k of pc) {
    if (b[k] === undefined) continue;
    if (b[k] && !known.has(b[k]!)) ctx.issues.push(issueAt(`body.${k}`, 'place.notPcodeOf', { pcode: b[k]!, operationId: ctx.operationId }));
    cols[k] = b[k] ?? null;
  }
  if (b.originPcode !== undefined) {
    if (b.originPcode && !/^[A-Z]{2}[0-9A-Z]*$/.test(b.originPcode)) ctx.issues.push(issueAt('body.originPcode', 'place.pcodeFormat'));
    cols.originPcode = b.originPcode ?? null;
  }
  const sk = ['currentSiteId', 'destinationSiteId', 'crossingSiteId'] as const;
  for (const k of sk) {
    if (b[k] === undefined) continue;
    const s = b[k] ? sites.get(b[k]!) : null;
    if (b[k] && (!s || s.operationId !== ctx.operationId)) ctx.issues.push(issueAt(`body.${k}`, 'place.noSite', { site: b[k]!, operationId: ctx.operationId }));
    else if (k === 'crossingSiteId' && s && s.kind !== 'border_crossing_point') ctx.issues.push(issueAt(`body.${k}`, 'place.notBorderCrossing', { site: s.code }));
    cols[k] = b[k] ?? null;
  }
  // A site without a P-code given places the household in the site's area.
  if (b.currentSiteId && !b.currentPcode && b.currentPcode !== null) {
    const s = sites.get(b.currentSiteId);
    if (s?.areaPcode) cols.currentPcode = s.areaPcode;
  }
  if (b.crossingDate !== undefined) {
    if (b.crossingDate && b.crossingDate > ctx.today) ctx.issues.push(issueAt('body.crossingDate', 'date.future', { date: b.crossingDate }));
    cols.crossingDate = b.crossingDate ?? null;
  }
  return cols;
}

export function ensureWritable(auth: AuthContext, target: { operationId: string; areaPcode: string | null; organisationId: string | null }, issues: FieldIssue[]) {
  if (!allows(auth.grants, 'people.write', target))
    issues.push(issueAt(target.areaPcode ? 'body.currentPcode' : 'body.organisationId', 'people.notAllowedHere'));
}

export function documentRows(d: DocumentInput, person: { id: string; householdId: string; operationId: string }, actor: Actor, on: string) {
  return {
    doc: {
      id: d.id,
      individualId: person.id,
      householdId: person.householdId,
      operationId: person.operationId,
      type: d.type,
      number: d.number.trim(),
      issuingCountry: d.issuingCountry,
      validFrom: d.validFrom ?? null,
      validTo: d.validTo ?? null,
      status: d.status,
      createdBy: actor.userId,
    },
    status: { id: uuidv7(), documentId: d.id, householdId: person.householdId, status: d.status, on: d.validFrom && d.status === 'issued' ? d.validFrom : on, validTo: d.validTo ?? null, note: null, createdBy: actor.userId },
  };
}

/** Recomputes and stores the search and match keys of these individuals (after any change). */
export async function refreshKeys(tx: Tx, householdId: string, only?: string[]): Promise<string[]> {
  const [h] = await tx.select({ currentPcode: peopleHouseholds.currentPcode }).from(peopleHouseholds).where(eq(peopleHouseholds.id, householdId));
  const members = await tx
    .select()
    .from(peopleIndividuals)
    .where(only ? and(eq(peopleIndividuals.householdId, householdId), inArray(peopleIndividuals.id, only)) : eq(peopleIndividuals.householdId, householdId));
  if (!members.length) return [];
  const docs = await tx.select({ individualId: peopleDocuments.individualId, number: peopleDocuments.number }).from(peopleDocuments).where(eq(peopleDocuments.householdId, householdId)).orderBy(asc(peopleDocuments.createdAt), asc(peopleDocuments.id));
  for (const m of members) {
    const input = personKeyInput(m, birthOf(m), docs.filter((d) => d.individualId === m.id), h.currentPcode);
    await tx.update(peopleIndividuals).set({ searchKeys: searchKeysOf(input), matchKeys: matchKeysOf(input), updatedAt: new Date() }).where(eq(peopleIndividuals.id, m.id));
  }
  return members.map((m) => m.id);
}

/** 409 when the change was based on another version than the current one. */
function checkBase(h: HouseholdRow, baseVersion: number | null) {
  if (baseVersion !== null && baseVersion !== h.version)
    throw conflict(msg('conflict.householdVersion', { household: h.reference, version: h.version, baseVersion }), [issueAt('body.baseVersion', 'version.current', { version: h.version })]);
}

/** Bumps the version (409 when `baseVersion` is not the current one) and stores the new snapshot. */
export async function newVersion(tx: Tx, h: HouseholdRow, baseVersion: number | null, action: string, actor: Actor, set: Partial<typeof peopleHouseholds.$inferInsert> = {}): Promise<HouseholdRow> {
  checkBase(h, baseVersion);
  const [row] = await tx
    .update(peopleHouseholds)
    .set({ ...set, version: sql`${peopleHouseholds.version} + 1`, updatedAt: new Date() })
    .where(and(eq(peopleHouseholds.id, h.id), eq(peopleHouseholds.version, h.version)))
    .returning();
  if (!row) throw conflict(msg('conflict.householdChanged', { household: h.reference }));
  await storeSnapshot(tx, row, action, actor);
  return row;
}

async function storeSnapshot(tx: Tx, h: HouseholdRow, action: string, actor: Actor) {
  const snapshot = await assemble(tx, h, true);
  await tx.insert(peopleHouseholdVersions).values({ householdId: h.id, version: h.version, action, snapshot, createdBy: actor.userId });
}

// ---------------------------------------------------------------------------------------------
// Create

export function headCheck(members: { relationship: string; removedAt?: Date | null }[], path: string, issues: FieldIssue[]) {
  const heads = members.filter((m) => m.relationship === 'head' && !m.removedAt).length;
  if (heads !== 1) issues.push(issueAt(path, heads ? 'people.oneHead' : 'people.headMissing'));
}

export async function createHousehold(tx: Tx, auth: AuthContext, actor: Actor, body: HouseholdCreate): Promise<{ created: boolean; detail: HouseholdDetail; touched: Touched }> {
  const operationId = requireOperation(auth, 'people.write', body.operationId);
  const bodyHash = hashOf({ ...body, operationId });
  const [existing] = await tx.select().from(peopleHouseholds).where(eq(peopleHouseholds.id, body.id)).limit(1);
  if (existing) {
    if (existing.bodyHash !== bodyHash || !allows(auth.grants, 'people.read', targetOf(existing)))
      throw conflict(msg('conflict.householdIdOtherContent'), [issueAt('body.id', 'value.used')]);
    return { created: false, detail: await detail(tx, auth, actor, existing), touched: { operationId, individualIds: [] } };
  }
  const today = todayIn(await operationTimeZone(tx, operationId));
  const ctx: Ctx = { operationId, today, issues: [] };
  const places = await placeColumns(tx, ctx, body);
  let organisationId = body.organisationId ?? null;
  if (!organisationId) organisationId = defaultOrganisation(auth, operationId);
  else if (!(await organisationExists(tx, organisationId))) ctx.issues.push(issueAt('body.organisationId', 'place.noOrganisation'));
  ensureWritable(auth, { operationId, areaPcode: places.currentPcode ?? null, organisationId }, ctx.issues);
  headCheck(body.members, 'body.members', ctx.issues);
  const ids = new Set<string>();
  const memberRows: (typeof peopleIndividuals.$inferInsert)[] = [];
  const docRows: ReturnType<typeof documentRows>[] = [];
  for (const [i, m] of body.members.entries()) {
    const path = `body.members.${i}`;
    if (ids.has(m.id)) ctx.issues.push(issueAt(`${path}.id`, 'value.usedTwice'));
    ids.add(m.id);
    if (!hasAnyName(m)) ctx.issues.push(issueAt(`${path}.givenName`, 'people.nameRequired'));
    const cols = memberColumns(m, ctx, path);
    const elsewhere = await checkElsewhere(tx, ctx, m.elsewhereOperationId, `${path}.elsewhereOperationId`);
    memberRows.push({ ...(cols as typeof peopleIndividuals.$inferInsert), id: m.id, householdId: body.id, operationId, position: m.relationship === 'head' ? 0 : i + 1, elsewhereOperationId: elsewhere, matchKeys: {} });
    for (const [j, d] of m.documents.entries()) {
      if (ids.has(d.id)) ctx.issues.push(issueAt(`${path}.documents.${j}.id`, 'value.usedTwice'));
      ids.add(d.id);
      checkDocument(d, `${path}.documents.${j}`, ctx.issues);
      docRows.push(documentRows(d, { id: m.id, householdId: body.id, operationId }, actor, today));
    }
  }
  const head = body.members.find((m) => m.relationship === 'head');
  for (const [i, c] of body.consents.entries()) {
    if (c.individualId && !body.members.some((m) => m.id === c.individualId)) ctx.issues.push(issueAt(`body.consents.${i}.individualId`, 'people.notMember'));
    if (c.givenOn > today) ctx.issues.push(issueAt(`body.consents.${i}.givenOn`, 'date.future', { date: c.givenOn }));
  }
  if (ctx.issues.length) throw invalid(ctx.issues);

  const [reference] = await nextReferences(tx, operationId, 1);
  try {
    await tx.insert(peopleHouseholds).values({
      id: body.id,
      operationId,
      reference,
      qrToken: newQrToken(),
      status: body.status,
      populationGroup: body.populationGroup,
      organisationId,
      ...places,
      femaleHeaded: body.femaleHeaded,
      notes: body.notes ?? null,
      version: 1,
      bodyHash,
      createdBy: actor.userId,
    });
    await tx.insert(peopleIndividuals).values(memberRows);
    if (docRows.length) {
      await tx.insert(peopleDocuments).values(docRows.map((d) => d.doc));
      await tx.insert(peopleDocumentStatuses).values(docRows.map((d) => d.status));
    }
    if (body.consents.length) await tx.insert(peopleConsents).values(body.consents.map((c) => consentRow(c, body.id, head?.id ?? null, actor)));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(msg('conflict.householdIdsUsed'));
    throw err;
  }
  const touchedIds = await refreshKeys(tx, body.id);
  const [h] = await tx.select().from(peopleHouseholds).where(eq(peopleHouseholds.id, body.id));
  await storeSnapshot(tx, h, 'household.create', actor);
  await audit(tx, actor, {
    action: 'household.create',
    entityType: 'household',
    entityId: h.id,
    operationId,
    after: { reference, populationGroup: h.populationGroup, currentPcode: h.currentPcode, organisationId, members: memberRows.length, documents: docRows.length, consents: body.consents.length },
  });
  return { created: true, detail: await detail(tx, auth, actor, h, false), touched: { operationId, individualIds: touchedIds } };
}

/** Organisation-limited writers register for their organisation (when none is given). */
export function defaultOrganisation(auth: AuthContext, operationId: string): string | null {
  const limited = auth.grants.find((g) => g.operationId === operationId && g.permissions.has('people.write') && g.organisationId);
  if (limited && !auth.grants.some((g) => g.operationId === operationId && g.permissions.has('people.write') && !g.organisationId)) return limited.organisationId ?? null;
  return null;
}

export function consentRow(c: ConsentInput, householdId: string, headId: string | null, actor: Actor) {
  return { id: c.id, householdId, individualId: c.individualId ?? headId, purpose: c.purpose, givenOn: c.givenOn, notes: c.notes ?? null, recordedBy: actor.userId };
}

// ---------------------------------------------------------------------------------------------
// Edits

const HOUSEHOLD_AUDIT_FIELDS = ['status', 'populationGroup', 'organisationId', 'currentPcode', 'currentSiteId', 'originPcode', 'destinationPcode', 'destinationSiteId', 'crossingSiteId', 'crossingDate', 'notes'] as const;

function householdAudit(h: HouseholdRow) {
  const out: Record<string, unknown> = { version: h.version };
  for (const k of HOUSEHOLD_AUDIT_FIELDS) out[k] = h[k];
  out.femaleHeaded = masked(h.femaleHeaded);
  return out;
}

async function writable(tx: Tx, auth: AuthContext, id: string): Promise<{ h: HouseholdRow; ctx: Ctx }> {
  const h = await loadHousehold(tx, auth, id, 'people.write', true);
  if (h.status === 'merged' || h.mergedInto) throw await householdMerged(tx, auth, h);
  const today = todayIn(await operationTimeZone(tx, h.operationId));
  return { h, ctx: { operationId: h.operationId, today, issues: [] } };
}

/**
 * A merged household is kept for its history but no longer edited: HOUSEHOLD_MERGED names the
 * household that survives (following merges of merges), with `Location` pointing at it when the
 * user may read it.
 */
async function householdMerged(tx: Tx, auth: AuthContext, h: HouseholdRow): Promise<AppError> {
  let target: HouseholdRow | undefined;
  let next = h.mergedInto;
  for (let hops = 0; next && hops < 20; hops++) {
    [target] = await tx.select().from(peopleHouseholds).where(eq(peopleHouseholds.id, next)).limit(1);
    next = target?.mergedInto ?? null;
  }
  if (target && allows(auth.grants, 'people.read', targetOf(target)))
    return new AppError('HOUSEHOLD_MERGED', msg('conflict.householdMergedInto', { household: h.reference, target: target.reference }), undefined, { location: `/api/v1/people/households/${target.id}` });
  return new AppError('HOUSEHOLD_MERGED', msg('conflict.householdMerged', { household: h.reference }));
}

async function finish(tx: Tx, auth: AuthContext, actor: Actor, h: HouseholdRow, touched: string[]): Promise<{ detail: HouseholdDetail; touched: Touched }> {
  return { detail: await detail(tx, auth, actor, h, false), touched: { operationId: h.operationId, individualIds: touched } };
}

export async function updateHousehold(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: HouseholdUpdate) {
  const { h, ctx } = await writable(tx, auth, id);
  const { baseVersion, ...patch } = body;
  const set: Partial<typeof peopleHouseholds.$inferInsert> = await placeColumns(tx, ctx, patch);
  if (patch.populationGroup !== undefined) set.populationGroup = patch.populationGroup;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.femaleHeaded !== undefined) set.femaleHeaded = patch.femaleHeaded;
  if (patch.notes !== undefined) set.notes = patch.notes ?? null;
  if (patch.organisationId !== undefined) {
    if (patch.organisationId && !(await organisationExists(tx, patch.organisationId))) ctx.issues.push(issueAt('body.organisationId', 'place.noOrganisation'));
    set.organisationId = patch.organisationId ?? null;
  }
  const after = { ...h, ...set } as HouseholdRow;
  ensureWritable(auth, targetOf(after), ctx.issues);
  if (ctx.issues.length) throw invalid(ctx.issues);
  checkBase(h, baseVersion);
  const changed = Object.keys(set).filter((k) => JSON.stringify((h as Record<string, unknown>)[k]) !== JSON.stringify((set as Record<string, unknown>)[k]));
  if (!changed.length) return finish(tx, auth, actor, h, []);
  const row = await newVersion(tx, h, baseVersion, 'household.update', actor, set);
  const touched = set.currentPcode !== undefined && set.currentPcode !== h.currentPcode ? await refreshKeys(tx, h.id) : [];
  await audit(tx, actor, { action: 'household.update', entityType: 'household', entityId: h.id, operationId: h.operationId, before: householdAudit(h), after: householdAudit(row) });
  return finish(tx, auth, actor, row, touched);
}

function memberAudit(m: Partial<IndividualRow>) {
  return {
    relationship: m.relationship,
    givenName: m.givenName,
    fatherName: m.fatherName,
    familyName: m.familyName,
    givenNameAr: m.givenNameAr,
    fatherNameAr: m.fatherNameAr,
    familyNameAr: m.familyNameAr,
    sex: m.sex,
    birthInput: m.birthInput,
    birthPrecision: m.birthPrecision,
    elsewhereOperationId: m.elsewhereOperationId,
    removalReason: m.removalReason,
    phones: masked(m.phones),
    washingtonGroup: masked(m.washingtonGroup),
    specificNeeds: masked(m.specificNeeds),
    uasc: masked(m.uasc),
  };
}

async function member(tx: Tx, h: HouseholdRow, individualId: string): Promise<IndividualRow> {
  const [m] = await tx.select().from(peopleIndividuals).where(and(eq(peopleIndividuals.id, individualId), eq(peopleIndividuals.householdId, h.id))).limit(1);
  if (!m) throw notFound('No such member in this household.');
  return m;
}

export async function addMember(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: MemberAdd) {
  const { h, ctx } = await writable(tx, auth, id);
  const m = body.member;
  if (!hasAnyName(m)) ctx.issues.push(issueAt('body.member.givenName', 'people.nameRequired'));
  const cols = memberColumns(m, ctx, 'body.member');
  const elsewhere = await checkElsewhere(tx, ctx, m.elsewhereOperationId, 'body.member.elsewhereOperationId');
  const current = await tx.select({ relationship: peopleIndividuals.relationship, removedAt: peopleIndividuals.removedAt, position: peopleIndividuals.position }).from(peopleIndividuals).where(eq(peopleIndividuals.householdId, h.id));
  if (m.relationship === 'head') headCheck([...current, { relationship: 'head' }], 'body.member.relationship', ctx.issues);
  m.documents.forEach((d, j) => checkDocument(d, `body.member.documents.${j}`, ctx.issues));
  if (ctx.issues.length) throw invalid(ctx.issues);
  checkBase(h, body.baseVersion);
  const position = Math.max(0, ...current.map((c) => c.position)) + 1;
  const docs = m.documents.map((d) => documentRows(d, { id: m.id, householdId: h.id, operationId: h.operationId }, actor, ctx.today));
  try {
    await tx.insert(peopleIndividuals).values({ ...(cols as typeof peopleIndividuals.$inferInsert), id: m.id, householdId: h.id, operationId: h.operationId, position, elsewhereOperationId: elsewhere, matchKeys: {} });
    if (docs.length) {
      await tx.insert(peopleDocuments).values(docs.map((d) => d.doc));
      await tx.insert(peopleDocumentStatuses).values(docs.map((d) => d.status));
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(msg('conflict.memberOrDocumentIdUsed'));
    throw err;
  }
  const touched = await refreshKeys(tx, h.id, [m.id]);
  const row = await newVersion(tx, h, body.baseVersion, 'member.add', actor);
  await audit(tx, actor, { action: 'member.add', entityType: 'individual', entityId: m.id, operationId: h.operationId, after: { ...memberAudit(cols), household: h.reference, documents: docs.length } });
  return finish(tx, auth, actor, row, touched);
}

export async function updateMember(tx: Tx, auth: AuthContext, actor: Actor, id: string, individualId: string, body: MemberUpdate) {
  const { h, ctx } = await writable(tx, auth, id);
  const before = await member(tx, h, individualId);
  if (before.removedAt) throw conflict(msg('conflict.memberRemoved'));
  const { baseVersion, ...patch } = body;
  const cols = memberColumns(patch, ctx, 'body');
  if (patch.elsewhereOperationId !== undefined) cols.elsewhereOperationId = await checkElsewhere(tx, ctx, patch.elsewhereOperationId, 'body.elsewhereOperationId');
  const after = { ...before, ...cols } as IndividualRow;
  if (!hasAnyName(after)) ctx.issues.push(issueAt('body.givenName', 'people.nameRequired'));
  if (patch.relationship !== undefined && (patch.relationship === 'head') !== (before.relationship === 'head')) {
    const current = await tx.select({ id: peopleIndividuals.id, relationship: peopleIndividuals.relationship, removedAt: peopleIndividuals.removedAt }).from(peopleIndividuals).where(eq(peopleIndividuals.householdId, h.id));
    headCheck(current.map((c) => (c.id === individualId ? { ...c, relationship: patch.relationship! } : c)), 'body.relationship', ctx.issues);
  }
  if (ctx.issues.length) throw invalid(ctx.issues);
  checkBase(h, baseVersion);
  const changed = Object.keys(cols).filter((k) => JSON.stringify((before as Record<string, unknown>)[k]) !== JSON.stringify((cols as Record<string, unknown>)[k]));
  if (!changed.length) return finish(tx, auth, actor, h, []);
  if (cols.relationship === 'head') cols.position = 0;
  await tx.update(peopleIndividuals).set({ ...cols, updatedAt: new Date() }).where(eq(peopleIndividuals.id, individualId));
  const touched = await refreshKeys(tx, h.id, [individualId]);
  const row = await newVersion(tx, h, baseVersion, 'member.update', actor);
  await audit(tx, actor, { action: 'member.update', entityType: 'individual', entityId: individualId, operationId: h.operationId, before: memberAudit(before), after: memberAudit(after) });
  return finish(tx, auth, actor, row, touched);
}

export async function removeMember(tx: Tx, auth: AuthContext, actor: Actor, id: string, individualId: string, body: MemberRemove) {
  const { h } = await writable(tx, auth, id);
  const m = await member(tx, h, individualId);
  if (m.removedAt) throw conflict(msg('conflict.memberAlreadyRemoved'));
  if (m.relationship === 'head') throw invalid([issueAt('params.individualId', 'people.headRemoval')]);
  checkBase(h, body.baseVersion);
  await tx.update(peopleIndividuals).set({ removedAt: new Date(), removalReason: body.reason, updatedAt: new Date() }).where(eq(peopleIndividuals.id, individualId));
  const row = await newVersion(tx, h, body.baseVersion, 'member.remove', actor);
  await audit(tx, actor, { action: 'member.remove', entityType: 'individual', entityId: individualId, operationId: h.operationId, before: { removalReason: null }, after: { removalReason: body.reason, household: h.reference }, details: body.note ? { note: body.note } : undefined });
  return finish(tx, auth, actor, row, [individualId]);
}

export async function addDocument(tx: Tx, auth: AuthContext, actor: Actor, id: string, individualId: string, body: DocumentAdd) {
  const { h, ctx } = await writable(tx, auth, id);
  const m = await member(tx, h, individualId);
  checkDocument(body.document, 'body.document', ctx.issues);
  if (ctx.issues.length) throw invalid(ctx.issues);
  checkBase(h, body.baseVersion);
  const d = documentRows(body.document, { id: m.id, householdId: h.id, operationId: h.operationId }, actor, ctx.today);
  try {
    await tx.insert(peopleDocuments).values(d.doc);
    await tx.insert(peopleDocumentStatuses).values(d.status);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(msg('conflict.documentIdUsed'));
    throw err;
  }
  const touched = await refreshKeys(tx, h.id, [m.id]);
  const row = await newVersion(tx, h, body.baseVersion, 'document.add', actor);
  await audit(tx, actor, { action: 'document.add', entityType: 'document', entityId: d.doc.id, operationId: h.operationId, after: { individualId: m.id, type: d.doc.type, number: masked(d.doc.number), issuingCountry: d.doc.issuingCountry, status: d.doc.status } });
  return finish(tx, auth, actor, row, touched);
}

export async function changeDocumentStatus(tx: Tx, auth: AuthContext, actor: Actor, documentId: string, body: DocumentStatusChange) {
  const [doc] = await tx.select().from(peopleDocuments).where(eq(peopleDocuments.id, documentId)).limit(1);
  if (!doc) throw notFound('No such document.');
  let loaded;
  try {
    loaded = await writable(tx, auth, doc.householdId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'HOUSEHOLD_MERGED') throw err;
    throw notFound('No such document.');
  }
  const { h, ctx } = loaded;
  const on = body.on ?? ctx.today;
  if (on > ctx.today) throw invalid([issueAt('body.on', 'date.future', { date: on })]);
  if (body.validTo && doc.validFrom && body.validTo < doc.validFrom) throw invalid([issueAt('body.validTo', 'validity.endsBeforeStart')]);
  await tx.insert(peopleDocumentStatuses).values({ id: uuidv7(), documentId, householdId: h.id, status: body.status, on, validTo: body.validTo ?? null, note: body.note ?? null, createdBy: actor.userId });
  const set: Partial<DocumentRow> = { status: body.status };
  if (body.validTo) set.validTo = body.validTo;
  await tx.update(peopleDocuments).set(set).where(eq(peopleDocuments.id, documentId));
  const row = await newVersion(tx, h, null, 'document.status', actor);
  await audit(tx, actor, { action: 'document.status', entityType: 'document', entityId: documentId, operationId: h.operationId, before: { status: doc.status, validTo: doc.validTo }, after: { status: body.status, validTo: set.validTo ?? doc.validTo, on } });
  return finish(tx, auth, actor, row, []);
}

export async function addConsent(tx: Tx, auth: AuthContext, actor: Actor, id: string, c: ConsentInput) {
  const { h, ctx } = await writable(tx, auth, id);
  const members = await tx.select({ id: peopleIndividuals.id, relationship: peopleIndividuals.relationship, removedAt: peopleIndividuals.removedAt }).from(peopleIndividuals).where(eq(peopleIndividuals.householdId, h.id));
  if (c.individualId && !members.some((m) => m.id === c.individualId)) ctx.issues.push(issueAt('body.consent.individualId', 'people.notMember'));
  if (c.givenOn > ctx.today) ctx.issues.push(issueAt('body.consent.givenOn', 'date.future', { date: c.givenOn }));
  if (ctx.issues.length) throw invalid(ctx.issues);
  const head = members.find((m) => m.relationship === 'head' && !m.removedAt);
  try {
    await tx.insert(peopleConsents).values(consentRow(c, h.id, head?.id ?? null, actor));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(msg('conflict.consentIdUsed'));
    throw err;
  }
  const row = await newVersion(tx, h, null, 'consent.give', actor);
  await audit(tx, actor, { action: 'consent.give', entityType: 'consent', entityId: c.id, operationId: h.operationId, after: { purpose: c.purpose, givenOn: c.givenOn, household: h.reference } });
  return finish(tx, auth, actor, row, []);
}

export async function withdrawConsent(tx: Tx, auth: AuthContext, actor: Actor, consentId: string, reason: string | null | undefined) {
  const [c] = await tx.select().from(peopleConsents).where(eq(peopleConsents.id, consentId)).limit(1);
  if (!c) throw notFound('No such consent.');
  let loaded;
  try {
    loaded = await writable(tx, auth, c.householdId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'HOUSEHOLD_MERGED') throw err;
    throw notFound('No such consent.');
  }
  const { h } = loaded;
  if (c.withdrawnAt) throw conflict(msg('conflict.consentWithdrawn'));
  await tx.update(peopleConsents).set({ withdrawnAt: new Date(), withdrawnBy: actor.userId, withdrawalReason: reason ?? null }).where(eq(peopleConsents.id, consentId));
  const row = await newVersion(tx, h, null, 'consent.withdraw', actor);
  await audit(tx, actor, { action: 'consent.withdraw', entityType: 'consent', entityId: consentId, operationId: h.operationId, before: { withdrawn: false }, after: { withdrawn: true, purpose: c.purpose } });
  return finish(tx, auth, actor, row, []);
}

// ---------------------------------------------------------------------------------------------
// Lists

/** Head name and size of each household, for list rows. */
export async function headsOf(tx: Tx, ids: string[]): Promise<Map<string, { name: string | null; size: number }>> {
  const out = new Map<string, { name: string | null; size: number }>();
  if (!ids.length) return out;
  const rows = await tx
    .select({
      householdId: peopleIndividuals.householdId,
      relationship: peopleIndividuals.relationship,
      givenName: peopleIndividuals.givenName,
      familyName: peopleIndividuals.familyName,
      givenNameAr: peopleIndividuals.givenNameAr,
      familyNameAr: peopleIndividuals.familyNameAr,
      fatherName: peopleIndividuals.fatherName,
      fatherNameAr: peopleIndividuals.fatherNameAr,
    })
    .from(peopleIndividuals)
    .where(and(inArray(peopleIndividuals.householdId, ids), sql`${peopleIndividuals.removedAt} is null`));
  for (const r of rows) {
    const e = out.get(r.householdId) ?? { name: null, size: 0 };
    e.size++;
    if (r.relationship === 'head') e.name = displayName(r);
    out.set(r.householdId, e);
  }
  return out;
}

export async function listHouseholds(tx: Tx, auth: AuthContext, q: z.infer<typeof householdsQuery>): Promise<Page<HouseholdView>> {
  const operationId = requireOperation(auth, 'people.read', q.operation);
  const conds: (SQL | undefined)[] = [eq(peopleHouseholds.operationId, operationId), scopeFilter(auth, 'people.read', operationId)];
  // Households merged into another (people/merge.ts) are listed only when asked for by status.
  conds.push(q.status ? eq(peopleHouseholds.status, q.status) : sql`${peopleHouseholds.status} <> 'merged'`);
  if (q.populationGroup) conds.push(eq(peopleHouseholds.populationGroup, q.populationGroup));
  if (q.pcode) conds.push(like(peopleHouseholds.currentPcode, `${q.pcode}%`));
  if (q.site) conds.push(eq(peopleHouseholds.currentSiteId, q.site));
  if (q.organisation) conds.push(eq(peopleHouseholds.organisationId, q.organisation));
  if (q.from) conds.push(gte(peopleHouseholds.createdAt, new Date(`${q.from}T00:00:00Z`)));
  if (q.to) conds.push(lt(peopleHouseholds.createdAt, new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000)));
  const where = and(...conds);
  const [{ n }] = await tx.select({ n: count() }).from(peopleHouseholds).where(where);
  const cursor = decodeCursor(q.cursor, 2) as [string, string] | null;
  const pageWhere = cursor
    ? and(where, or(lt(peopleHouseholds.createdAt, new Date(cursor[0])), and(eq(peopleHouseholds.createdAt, new Date(cursor[0])), lt(peopleHouseholds.id, cursor[1]))))
    : where;
  const list = await tx.select().from(peopleHouseholds).where(pageWhere).orderBy(desc(peopleHouseholds.createdAt), desc(peopleHouseholds.id)).limit(q.limit + 1);
  const page = takePage(list, q.limit, (h) => [h.createdAt.toISOString(), h.id]);
  const heads = await headsOf(tx, page.rows.map((h) => h.id));
  return {
    items: page.rows.map((h) => presentHousehold(h, canSeeSensitive(auth, h), heads.get(h.id) ?? { name: null, size: 0 })),
    total: Number(n),
    nextCursor: page.nextCursor,
  };
}

export async function householdByToken(tx: Tx, auth: AuthContext, token: string): Promise<HouseholdView> {
  const [h] = await tx.select().from(peopleHouseholds).where(eq(peopleHouseholds.qrToken, token)).limit(1);
  if (!h || !allows(auth.grants, 'people.read', targetOf(h))) throw notFound('No household has this card.');
  const heads = await headsOf(tx, [h.id]);
  return presentHousehold(h, canSeeSensitive(auth, h), heads.get(h.id) ?? { name: null, size: 0 });
}
