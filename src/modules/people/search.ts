/**
 * Registry search: names in any spelling or script, phonetic keys, document numbers (one typo
 * tolerated), phones and household references. One indexed SQL query over `search_keys` (a
 * text[] with a GIN index, see keys.ts): every query term must match one of its keys; rows are
 * ranked by how well (exact name key 3, phonetic only 1, exact document 10, one typo 6, phone 8).
 * A four-digit year (19xx/20xx) filters on the birth year (± 1).
 */
import { performance } from 'node:perf_hooks';
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { auditRead, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { holds } from '../../server/permissions';
import { hasArabicScript, nameTokenKeys, nameTokens, normaliseDocument, normalisePhone, skeleton } from '../dedup/engine/normalise';
import type { MatchReason, PersonSummary, SearchResult } from './contract';
import { deletions, displayName } from './keys';
import { peopleHouseholds, peopleIndividuals } from './schema';
import { requireOperation, scopeFilter } from './service';

const arr = (keys: string[]) => sql`ARRAY[${sql.join(keys.map((k) => sql`${k}`), sql`, `)}]::text[]`;

interface Term {
  kind: 'name' | 'number' | 'reference' | 'year';
  /** Keys any of which admit a row. */
  keys: string[];
  /** Rank contribution: [keys, weight] pairs, the first that matches counts. */
  rank: [string[], number][];
  arabic?: boolean;
}

/** The query split into terms. Numbers are searched only for readers of sensitive data. */
export function parseQuery(q: string, sensitive: boolean): { terms: Term[]; usedNumbers: boolean } {
  const terms: Term[] = [];
  let usedNumbers = false;
  // Digit groups typed with spaces or dashes are one number: "+93 700 111 222", "1400-0101-55555".
  const joined = q.replace(/(?<=[\d+])[\s-]+(?=\d)/g, '');
  for (const raw of joined.split(/\s+/).filter(Boolean)) {
    if (/^[A-Za-z]{3}-HH-\d{1,9}$/i.test(raw)) {
      terms.push({ kind: 'reference', keys: [raw.toUpperCase()], rank: [] });
      continue;
    }
    if (/^(19|20)\d\d$/.test(raw)) {
      // A birth year (± 1, the precision of most stated years and ages).
      terms.push({ kind: 'year', keys: [raw], rank: [] });
      continue;
    }
    const latinDigits = raw.replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660));
    const digits = latinDigits.replace(/\D/g, '').length;
    if (digits >= 4) {
      if (!sensitive) continue;
      usedNumbers = true;
      const doc = normaliseDocument(raw);
      const phone = normalisePhone(raw);
      const docKeys = doc.length >= 5 ? [`d:${doc}`, `e:${doc}`, ...deletions(doc).flatMap((d) => [`e:${d}`, `d:${d}`])] : doc ? [`d:${doc}`] : [];
      const keys = [...docKeys, ...(phone ? [`p:${phone}`] : [])];
      if (keys.length) terms.push({ kind: 'number', keys, rank: [[[`d:${doc}`], 10], ...(phone ? ([[[`p:${phone}`], 8]] as [string[], number][]) : []), [docKeys, 6]] });
      continue;
    }
    for (const t of nameTokens(raw))
      for (const k of nameTokenKeys(t)) {
        if (!k) continue;
        const s = skeleton(k);
        terms.push({ kind: 'name', keys: s ? [`n:${k}`, `s:${s}`] : [`n:${k}`], rank: [[[`n:${k}`], 3], ...(s ? ([[[`s:${s}`], 1]] as [string[], number][]) : [])], arabic: hasArabicScript(t) });
      }
  }
  return { terms, usedNumbers };
}

function reasonsOf(terms: Term[], keys: Set<string>, reference: boolean): MatchReason[] {
  const out = new Set<MatchReason>();
  if (reference) out.add('reference');
  for (const t of terms) {
    if (t.kind === 'name') {
      if (keys.has(t.keys[0])) out.add(t.arabic ? 'arabic' : 'name');
      else out.add('phonetic');
    } else if (t.kind === 'number') {
      if (t.keys.some((k) => k.startsWith('p:') && keys.has(k))) out.add('phone');
      if (t.keys.some((k) => !k.startsWith('p:') && keys.has(k))) out.add('document');
    }
  }
  return [...out];
}

type SummaryRow = {
  id: string;
  householdId: string;
  operationId: string;
  relationship: PersonSummary['relationship'];
  givenName: string | null;
  fatherName: string | null;
  familyName: string | null;
  givenNameAr: string | null;
  fatherNameAr: string | null;
  familyNameAr: string | null;
  sex: PersonSummary['sex'];
  birthPrecision: string | null;
  birthInput: string | null;
  birthDate: string | null;
  birthYearFrom: number | null;
  birthYearTo: number | null;
  reference: string;
  currentPcode: string | null;
  status: PersonSummary['householdStatus'];
  registeredAt: Date;
};

/**
 * An individual's columns that every view of a person shows: names in both scripts, sex, birth as
 * typed and normalised. Summaries (here) and the records side by side (merge.ts) add their own.
 */
export const personColumns = {
  id: peopleIndividuals.id,
  operationId: peopleIndividuals.operationId,
  relationship: peopleIndividuals.relationship,
  givenName: peopleIndividuals.givenName,
  fatherName: peopleIndividuals.fatherName,
  familyName: peopleIndividuals.familyName,
  givenNameAr: peopleIndividuals.givenNameAr,
  fatherNameAr: peopleIndividuals.fatherNameAr,
  familyNameAr: peopleIndividuals.familyNameAr,
  sex: peopleIndividuals.sex,
  birthPrecision: peopleIndividuals.birthPrecision,
  birthInput: peopleIndividuals.birthInput,
  birthDate: peopleIndividuals.birthDate,
  birthYearFrom: peopleIndividuals.birthYearFrom,
  birthYearTo: peopleIndividuals.birthYearTo,
};

const summaryColumns = {
  ...personColumns,
  householdId: peopleIndividuals.householdId,
  reference: peopleHouseholds.reference,
  currentPcode: peopleHouseholds.currentPcode,
  status: peopleHouseholds.status,
  registeredAt: peopleHouseholds.createdAt,
};

function presentSummary(r: SummaryRow): PersonSummary {
  return {
    id: r.id,
    operationId: r.operationId,
    householdId: r.householdId,
    householdReference: r.reference,
    relationship: r.relationship,
    displayName: displayName(r),
    givenName: r.givenName,
    fatherName: r.fatherName,
    familyName: r.familyName,
    givenNameAr: r.givenNameAr,
    fatherNameAr: r.fatherNameAr,
    familyNameAr: r.familyNameAr,
    sex: r.sex,
    birth: r.birthPrecision && r.birthInput ? { precision: r.birthPrecision as NonNullable<PersonSummary['birth']>['precision'], input: r.birthInput, date: r.birthDate, yearFrom: r.birthYearFrom, yearTo: r.birthYearTo } : null,
    currentPcode: r.currentPcode,
    householdStatus: r.status,
    registeredAt: r.registeredAt.toISOString(),
  };
}

/** Summaries of the individuals the user may read (others are left out), by id. */
export async function summaries(tx: Tx, auth: AuthContext, ids: string[]): Promise<Map<string, PersonSummary>> {
  const out = new Map<string, PersonSummary>();
  if (!ids.length) return out;
  const list = (await tx
    .select(summaryColumns)
    .from(peopleIndividuals)
    .innerJoin(peopleHouseholds, eq(peopleHouseholds.id, peopleIndividuals.householdId))
    .where(and(inArray(peopleIndividuals.id, [...new Set(ids)]), isNull(peopleIndividuals.removedAt)))) as SummaryRow[];
  const ops = [...new Set(list.map((r) => r.operationId))];
  const allowedOps = new Set(ops.filter((op) => holds(auth.grants, 'people.read', op)));
  // Apply the same scope as lists, per operation, with one more query each (few operations).
  for (const op of allowedOps) {
    const inOp = list.filter((r) => r.operationId === op).map((r) => r.householdId);
    const filter = scopeFilter(auth, 'people.read', op);
    let visible: Set<string>;
    if (!filter) visible = new Set(inOp);
    else {
      const rows = await tx.select({ id: peopleHouseholds.id }).from(peopleHouseholds).where(and(inArray(peopleHouseholds.id, [...new Set(inOp)]), filter));
      visible = new Set(rows.map((r) => r.id));
    }
    for (const r of list) if (r.operationId === op && visible.has(r.householdId)) out.set(r.id, presentSummary(r));
  }
  return out;
}

export async function search(tx: Tx, auth: AuthContext, actor: Actor, q: { operation: string; q: string; limit: number }): Promise<SearchResult> {
  const t0 = performance.now();
  const operationId = requireOperation(auth, 'people.read', q.operation);
  // Searching by number links a document or phone to a person: only for sensitive readers.
  const sensitive = holds(auth.grants, 'people.sensitive.read', operationId);
  const { terms, usedNumbers } = parseQuery(q.q, sensitive);
  if (!terms.length) return { items: [], more: false, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
  const conds: (SQL | undefined)[] = [eq(peopleIndividuals.operationId, operationId), isNull(peopleIndividuals.removedAt), scopeFilter(auth, 'people.read', operationId)];
  const refs = terms.filter((t) => t.kind === 'reference').map((t) => t.keys[0]);
  for (const r of refs) conds.push(eq(peopleHouseholds.reference, r));
  const rankParts: SQL[] = [sql`case when ${peopleIndividuals.relationship} = 'head' then 0.5 else 0 end`];
  for (const t of terms) {
    if (t.kind === 'reference') continue;
    if (t.kind === 'year') {
      const y = Number(t.keys[0]);
      conds.push(sql`${peopleIndividuals.birthYearFrom} <= ${y + 1} and ${peopleIndividuals.birthYearTo} >= ${y - 1}`);
      continue;
    }
    conds.push(sql`${peopleIndividuals.searchKeys} && ${arr(t.keys)}`);
    const whens = t.rank.map(([keys, w]) => sql`when ${peopleIndividuals.searchKeys} && ${arr(keys)} then ${sql.raw(String(w))}`);
    rankParts.push(sql`case ${sql.join(whens, sql` `)} else 0 end`);
  }
  const rank = sql<number>`(${sql.join(rankParts, sql` + `)})`;
  // The planner over-estimates how many rows a many-key `&&` admits (a document number brings ~25
  // keys) and scans the table; the GIN index is always the better plan here.
  await tx.execute(sql`set local enable_seqscan = off`);
  const list = await tx
    .select({ ...summaryColumns, keys: peopleIndividuals.searchKeys, rank })
    .from(peopleIndividuals)
    .innerJoin(peopleHouseholds, eq(peopleHouseholds.id, peopleIndividuals.householdId))
    .where(and(...conds))
    .orderBy(sql`${rank} desc`, sql`${peopleHouseholds.createdAt} desc`, peopleIndividuals.id)
    .limit(q.limit + 1);
  if (usedNumbers) await auditRead(tx, actor, { entityType: 'person_search', operationId, details: { by: 'document_or_phone', results: Math.min(list.length, q.limit) } });
  const items = list.slice(0, q.limit).map((r) => ({
    person: presentSummary(r as SummaryRow),
    score: Number(r.rank),
    matched: reasonsOf(terms, new Set(r.keys), refs.length > 0),
  }));
  return { items, more: list.length > q.limit, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
}
