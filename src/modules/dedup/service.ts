/**
 * Deduplication runs, the review queue, decisions and merges. Services take the request's
 * transaction; decisions, merges and their audit rows are written in it.
 *
 * Access: the queue and decisions need `dedup.review`, runs `dedup.run` (reading runs: either).
 * A pair is visible when both records are present and in households the user reaches with
 * `dedup.review` (and `people.read`); anything else answers 404. A duplicate decision also needs
 * `people.write` on both households (people/merge.ts).
 */
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { audit, auditRead, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, invalid, issueAt, notFound } from '../../server/errors';
import { getJobs, jobMessageParts, requestCancel, type JobRow } from '../../server/jobs';
import { msg } from '../../shared/messages';
import { decodeCursor, encodeCursor, keysetPage, type Page } from '../../server/pagination';
import { holds, scopesFor } from '../../server/permissions';
import { uuidv7 } from '../../shared/ids';
import {
  householdMemberIds,
  householdReferences,
  individualNames,
  mergedIntoOf,
  mergeIndividuals,
  personVisible,
  presentIndividuals,
  recordsForReview,
  suggestSurvivor,
  undoMerge,
  visibleHouseholdsSql,
  visiblePeopleSql,
  type ComparedRecord,
  type MergeUndo,
} from '../people/merge';
import { loadHousehold, type Touched } from '../people/service';
import { compareRecords } from './compare';
import type { DecisionBody, DecisionResult, HouseholdFlags, MergeView, PairDetail, PairsQuery, PairView, PersonBrief, RunView } from './contract';
import { activeRun, createRun } from './run';
import { dedupDecisions, dedupMerges, dedupPairs, dedupRuns, type MergeRow, type PairRow, type RunRow } from './schema';

export type { Page } from '../../server/pagination';

// ---------------------------------------------------------------------------------------------
// Access

/** The operation id (upper case) when the user holds one of the permissions there; 404 otherwise. */
function requireOp(auth: AuthContext, operationIn: string, ...perms: ('dedup.review' | 'dedup.run' | 'people.read')[]): string {
  const op = operationIn.toUpperCase();
  if (!perms.some((p) => holds(auth.grants, p, op))) throw notFound(`No operation ${operationIn}.`);
  return op;
}

const unrestricted = (auth: AuthContext, op: string) => scopesFor(auth.grants, 'dedup.review', op) === null || scopesFor(auth.grants, 'dedup.run', op) === null;

/** Both records of the pair are visible to the reviewer. */
const pairVisible = (auth: AuthContext, op: string): SQL =>
  sql`${personVisible(auth, ['dedup.review', 'people.read'], op, dedupPairs.idA)} and ${personVisible(auth, ['dedup.review', 'people.read'], op, dedupPairs.idB)}`;

const decided = sql`exists (select 1 from ${dedupDecisions} d where d.operation_id = ${dedupPairs.operationId} and d.id_a = ${dedupPairs.idA} and d.id_b = ${dedupPairs.idB})`;

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/** The operation's latest succeeded whole-registry run (import flags are not runs of the engine). */
export async function currentRun(tx: Tx, operationId: string): Promise<RunRow | null> {
  const [r] = await tx
    .select()
    .from(dedupRuns)
    .where(and(eq(dedupRuns.operationId, operationId), eq(dedupRuns.status, 'succeeded'), ne(dedupRuns.trigger, 'import')))
    .orderBy(desc(dedupRuns.finishedAt), desc(dedupRuns.id))
    .limit(1);
  return r ?? null;
}

/**
 * The runs whose pairs the review queue shows: the latest whole-registry run and the household
 * imports flagged since (their people were not there when it ran, so their pairs are new; a later
 * whole-registry run supersedes them).
 */
export async function queueRunIds(tx: Tx, operationId: string): Promise<string[]> {
  const cur = await currentRun(tx, operationId);
  const imports = await tx
    .select({ id: dedupRuns.id })
    .from(dedupRuns)
    .where(and(eq(dedupRuns.operationId, operationId), eq(dedupRuns.status, 'succeeded'), eq(dedupRuns.trigger, 'import'), cur?.finishedAt ? gt(dedupRuns.finishedAt, cur.finishedAt) : undefined));
  return [...(cur ? [cur.id] : []), ...imports.map((r) => r.id)];
}

// ---------------------------------------------------------------------------------------------
// Runs

function presentRun(r: RunRow, job: JobRow | undefined, openPairs: number, full: boolean, current: boolean): RunView {
  return {
    id: r.id,
    operationId: r.operationId,
    trigger: r.trigger,
    status: r.status,
    stage: r.stage,
    progress: job ? { done: job.progressDone, total: job.progressTotal } : { done: r.status === 'succeeded' ? 1 : 0, total: r.status === 'succeeded' ? 1 : null },
    message: r.message ?? (job && r.status === 'running' ? job.message : null),
    // The failure or cancellation sentence by code (read from the text, as a job's message is).
    messageParts: jobMessageParts({ kind: 'dedup.run', message: r.message ?? (job && r.status === 'running' ? job.message : null) }),
    jobId: r.jobId,
    cancelRequested: job?.cancelRequested ?? false,
    records: full ? r.records : null,
    candidatePairs: full ? r.candidatePairs : null,
    matchPairs: full ? r.matchPairs : null,
    reviewPairs: full ? r.reviewPairs : null,
    stats: full ? (r.stats ?? null) : null,
    openPairs,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    current,
  };
}

async function openCounts(tx: Tx, auth: AuthContext, op: string, runIds: string[]): Promise<Map<string, number>> {
  if (!runIds.length || !holds(auth.grants, 'dedup.review', op)) return new Map();
  const list = await tx
    .select({ runId: dedupPairs.runId, n: count() })
    .from(dedupPairs)
    .where(and(inArray(dedupPairs.runId, runIds), sql`not ${decided}`, pairVisible(auth, op)))
    .groupBy(dedupPairs.runId);
  return new Map(list.map((r) => [r.runId, Number(r.n)]));
}

async function presentRuns(tx: Tx, auth: AuthContext, op: string, list: RunRow[]): Promise<RunView[]> {
  const jobsById = await getJobs(tx, list.map((r) => r.jobId).filter((x): x is string => !!x));
  const open = await openCounts(tx, auth, op, list.map((r) => r.id));
  const inQueue = new Set(await queueRunIds(tx, op));
  const full = unrestricted(auth, op);
  return list.map((r) => presentRun(r, r.jobId ? jobsById.get(r.jobId) : undefined, open.get(r.id) ?? 0, full, inQueue.has(r.id)));
}

export async function startRun(tx: Tx, auth: AuthContext, actor: Actor, operationIn: string): Promise<RunView> {
  const op = requireOp(auth, operationIn, 'dedup.run');
  const active = await activeRun(tx, op);
  if (active) throw conflict(msg('conflict.dedupRunActive', { operationId: op, status: active.status }), [issueAt('body.operationId', 'dedup.runActive', { run: active.id, status: active.status })]);
  const run = await createRun(tx, op, 'manual', actor.userId);
  await audit(tx, actor, { action: 'dedup.run.start', entityType: 'dedup_run', entityId: run.id, operationId: op, details: { trigger: 'manual' } });
  return (await presentRuns(tx, auth, op, [run]))[0];
}

async function loadRun(tx: Tx, auth: AuthContext, id: string, ...perms: ('dedup.review' | 'dedup.run')[]): Promise<RunRow> {
  const [r] = await tx.select().from(dedupRuns).where(eq(dedupRuns.id, id)).limit(1);
  if (!r || !perms.some((p) => holds(auth.grants, p, r.operationId))) throw notFound('No such run.');
  return r;
}

export async function getRun(tx: Tx, auth: AuthContext, id: string): Promise<RunView> {
  const r = await loadRun(tx, auth, id, 'dedup.review', 'dedup.run');
  return (await presentRuns(tx, auth, r.operationId, [r]))[0];
}

export async function listRuns(tx: Tx, auth: AuthContext, q: { operation: string; limit: number; cursor?: string }): Promise<Page<RunView>> {
  const op = requireOp(auth, q.operation, 'dedup.review', 'dedup.run');
  const page = await keysetPage(tx, dedupRuns, eq(dedupRuns.operationId, op), [{ column: dedupRuns.createdAt, type: 'timestamptz' }, { column: dedupRuns.id, type: 'uuid' }], 'desc', q, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: await presentRuns(tx, auth, op, page.rows), total: page.total, nextCursor: page.nextCursor };
}

export async function cancelRun(tx: Tx, auth: AuthContext, actor: Actor, id: string): Promise<RunView> {
  const r = await loadRun(tx, auth, id, 'dedup.run');
  if (!r.jobId || (r.status !== 'queued' && r.status !== 'running')) throw conflict(msg(r.status === 'succeeded' ? 'conflict.dedupRunSucceeded' : 'conflict.dedupRunFinished'));
  // A queued run is ended by its job kind's onCancelledQueued (run.ts), a running one when it stops.
  await requestCancel(tx, r.jobId);
  await audit(tx, actor, { action: 'dedup.run.cancel', entityType: 'dedup_run', entityId: r.id, operationId: r.operationId });
  return getRun(tx, auth, id);
}

// ---------------------------------------------------------------------------------------------
// Pairs

const brief = (r: ComparedRecord): PersonBrief => ({
  id: r.id,
  displayName: r.displayName,
  householdId: r.householdId,
  householdReference: r.householdReference,
  relationship: r.relationship,
  sex: r.sex,
  birthInput: r.birth?.input ?? null,
  currentPcode: r.currentPcode,
  registeredAt: r.registeredAt,
});

async function decisionsFor(tx: Tx, op: string, pairs: { idA: string; idB: string }[]) {
  const out = new Map<string, typeof dedupDecisions.$inferSelect>();
  if (!pairs.length) return out;
  // Two IN lists (cheap to plan), then the exact pairs in JS.
  const wanted = new Set(pairs.map((p) => `${p.idA}:${p.idB}`));
  const list = await tx
    .select()
    .from(dedupDecisions)
    .where(and(eq(dedupDecisions.operationId, op), inArray(dedupDecisions.idA, [...new Set(pairs.map((p) => p.idA))]), inArray(dedupDecisions.idB, [...new Set(pairs.map((p) => p.idB))])));
  for (const d of list) if (wanted.has(`${d.idA}:${d.idB}`)) out.set(`${d.idA}:${d.idB}`, d);
  return out;
}

async function presentPairs(tx: Tx, auth: AuthContext, op: string, list: PairRow[]): Promise<PairView[]> {
  const records = await recordsForReview(tx, auth, 'dedup.review', list.flatMap((p) => [p.idA, p.idB]));
  const decisions = await decisionsFor(tx, op, list);
  const runIds = [...new Set(list.map((p) => p.runId))];
  const runs = new Map((runIds.length ? await tx.select({ id: dedupRuns.id, trigger: dedupRuns.trigger, stats: dedupRuns.stats }).from(dedupRuns).where(inArray(dedupRuns.id, runIds)) : []).map((r) => [r.id, r]));
  const out: PairView[] = [];
  for (const p of list) {
    const run = runs.get(p.runId);
    const fromImport = run?.trigger === 'import';
    const batch = fromImport ? (run!.stats as { importBatchId?: string; importBatchName?: string } | null) : null;
    const a = records.get(p.idA);
    const b = records.get(p.idB);
    if (!a || !b) continue;
    const d = decisions.get(`${p.idA}:${p.idB}`);
    out.push({ runId: p.runId, idA: p.idA, idB: p.idB, score: p.score, decision: p.decision, state: d ? d.decision : p.skippedAt ? 'skipped' : 'open', source: fromImport ? 'import' : 'run', importBatch: batch?.importBatchId ? { id: batch.importBatchId, name: batch.importBatchName ?? '' } : null, a: brief(a), b: brief(b) });
  }
  return out;
}

export async function listPairs(tx: Tx, auth: AuthContext, q: PairsQuery): Promise<Page<PairView>> {
  const op = requireOp(auth, q.operation, 'dedup.review');
  let runIds: string[];
  if (q.run) {
    const r = await loadRun(tx, auth, q.run, 'dedup.review');
    if (r.operationId !== op) throw notFound('No such run.');
    runIds = [r.id];
  } else runIds = await queueRunIds(tx, op);
  if (!runIds.length) return { items: [], total: 0, nextCursor: null };
  const conds: (SQL | undefined)[] = [runIds.length === 1 ? eq(dedupPairs.runId, runIds[0]) : inArray(dedupPairs.runId, runIds), pairVisible(auth, op)];
  if (q.status === 'open') conds.push(sql`not ${decided}`, isNull(dedupPairs.skippedAt));
  else if (q.status === 'skipped') conds.push(sql`not ${decided}`, isNotNull(dedupPairs.skippedAt));
  else if (q.status === 'decided') conds.push(decided);
  if (q.decision) conds.push(eq(dedupPairs.decision, q.decision));
  if (q.minScore !== undefined) conds.push(gte(dedupPairs.score, q.minScore));
  if (q.maxScore !== undefined) conds.push(lte(dedupPairs.score, q.maxScore));
  if (q.household) {
    const ids = await householdMemberIds(tx, q.household);
    if (!ids.length) return { items: [], total: 0, nextCursor: null };
    conds.push(or(inArray(dedupPairs.idA, ids), inArray(dedupPairs.idB, ids)));
  }
  const where = and(...conds)!;
  const [{ n }] = await tx.select({ n: count() }).from(dedupPairs).where(where);
  const desc_ = q.sort === 'score_desc';
  const cursor = decodeCursor(q.cursor, 3) as [number, string, string] | null;
  const after = cursor
    ? sql`(${dedupPairs.score}, ${dedupPairs.idA}, ${dedupPairs.idB}) ${sql.raw(desc_ ? '<' : '>')} (${cursor[0]}::real, ${cursor[1]}::uuid, ${cursor[2]}::uuid)`
    : undefined;
  const by = desc_ ? desc : asc;
  const list = await tx
    .select()
    .from(dedupPairs)
    .where(after ? and(where, after) : where)
    .orderBy(by(dedupPairs.score), by(dedupPairs.idA), by(dedupPairs.idB))
    .limit(q.limit + 1);
  const more = list.length > q.limit;
  const rows = list.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return { items: await presentPairs(tx, auth, op, rows), total: Number(n), nextCursor: more && last ? encodeCursor([last.score, last.idA, last.idB]) : null };
}

/** The pair's row in the latest succeeded run that holds it, with both records; 404 when hidden. */
async function loadPair(tx: Tx, auth: AuthContext, a: string, b: string) {
  const [idA, idB] = ordered(a, b);
  const [row] = await tx
    .select({ p: dedupPairs })
    .from(dedupPairs)
    .innerJoin(dedupRuns, eq(dedupRuns.id, dedupPairs.runId))
    .where(and(eq(dedupPairs.idA, idA), eq(dedupPairs.idB, idB), eq(dedupRuns.status, 'succeeded')))
    .orderBy(desc(dedupRuns.finishedAt))
    .limit(1);
  const none = () => notFound('No such pair.');
  if (!row || !holds(auth.grants, 'dedup.review', row.p.operationId)) throw none();
  const records = await recordsForReview(tx, auth, 'dedup.review', [idA, idB]);
  const ra = records.get(idA);
  const rb = records.get(idB);
  if (!ra || !rb) throw none();
  return { pair: row.p, a: ra, b: rb };
}

const recordView = (r: ComparedRecord) => ({
  id: r.id,
  householdId: r.householdId,
  householdReference: r.householdReference,
  householdStatus: r.householdStatus,
  householdSize: r.householdSize,
  relationship: r.relationship,
  displayName: r.displayName,
  sensitive: r.sensitive,
  birth: r.birth,
  documents: r.documents,
});

export async function getPair(tx: Tx, auth: AuthContext, actor: Actor, a: string, b: string): Promise<PairDetail & { records: [ComparedRecord, ComparedRecord] }> {
  const { pair, a: ra, b: rb } = await loadPair(tx, auth, a, b);
  const op = pair.operationId;
  if (ra.sensitive || rb.sensitive)
    await auditRead(tx, actor, { entityType: 'dedup_pair', entityId: `${pair.idA}:${pair.idB}`, operationId: op, details: { fields: ['documents', 'phones'], individuals: [pair.idA, pair.idB] } });
  const [view] = await presentPairs(tx, auth, op, [pair]);
  const d = (await decisionsFor(tx, op, [pair])).get(`${pair.idA}:${pair.idB}`);
  const suggested = await suggestSurvivor(tx, pair.idA, pair.idB);
  // Other open pairs of the same run between the two households.
  const members = [...new Set([...(await householdMemberIds(tx, ra.householdId)), ...(await householdMemberIds(tx, rb.householdId))])];
  const others = await tx
    .select()
    .from(dedupPairs)
    .where(and(eq(dedupPairs.runId, pair.runId), inArray(dedupPairs.idA, members), inArray(dedupPairs.idB, members), sql`not ${decided}`, sql`not (${dedupPairs.idA} = ${pair.idA} and ${dedupPairs.idB} = ${pair.idB})`))
    .orderBy(desc(dedupPairs.score))
    .limit(20);
  return {
    pair: view,
    a: recordView(ra),
    b: recordView(rb),
    fields: compareRecords(ra, rb),
    parts: pair.parts ?? null,
    suggestedSurvivorId: suggested.survivorId,
    related: await presentPairs(tx, auth, op, others),
    decidedBy: d?.decidedBy ?? null,
    decidedAt: d?.decidedAt.toISOString() ?? null,
    mergeId: d?.mergeId ?? null,
    records: [ra, rb],
  };
}

async function presentMerges(tx: Tx, list: MergeRow[]): Promise<MergeView[]> {
  const refs = await householdReferences(tx, list.flatMap((m) => [m.survivorHouseholdId, m.mergedHouseholdId]));
  const names = await individualNames(tx, list.flatMap((m) => [m.survivorId, m.mergedId]));
  return list.map((m) => ({
    id: m.id,
    operationId: m.operationId,
    survivorId: m.survivorId,
    mergedId: m.mergedId,
    survivorName: names.get(m.survivorId) ?? null,
    mergedName: names.get(m.mergedId) ?? null,
    survivorHouseholdId: m.survivorHouseholdId,
    survivorHouseholdReference: refs.get(m.survivorHouseholdId)?.reference ?? '',
    mergedHouseholdId: m.mergedHouseholdId,
    mergedHouseholdReference: refs.get(m.mergedHouseholdId)?.reference ?? '',
    householdsMerged: m.householdsMerged,
    score: m.score,
    createdBy: m.createdBy,
    createdAt: m.createdAt.toISOString(),
    undoneAt: m.undoneAt?.toISOString() ?? null,
    undoneBy: m.undoneBy,
  }));
}

/** Merges `mergedId` into `survivorId` and records the merge (the caller records the decision). */
async function mergePair(tx: Tx, auth: AuthContext, actor: Actor, pair: PairRow, survivorId: string): Promise<{ merge: MergeRow; touched: Touched }> {
  const mergedId = survivorId === pair.idA ? pair.idB : pair.idA;
  const outcome = await mergeIndividuals(tx, auth, actor, survivorId, mergedId);
  const [merge] = await tx
    .insert(dedupMerges)
    .values({
      id: uuidv7(),
      operationId: pair.operationId,
      survivorId,
      mergedId,
      survivorHouseholdId: outcome.survivorHouseholdId,
      mergedHouseholdId: outcome.mergedHouseholdId,
      householdsMerged: outcome.householdsMerged,
      undo: outcome.undo as unknown as Record<string, unknown>,
      after: outcome.after,
      runId: pair.runId,
      score: pair.score,
      createdBy: actor.userId,
    })
    .returning();
  return { merge, touched: outcome.touched };
}

export async function decide(tx: Tx, auth: AuthContext, actor: Actor, a: string, b: string, body: DecisionBody): Promise<{ result: DecisionResult; touched: Touched | null }> {
  const { pair } = await loadPair(tx, auth, a, b);
  const op = pair.operationId;
  const existing = (await decisionsFor(tx, op, [pair])).get(`${pair.idA}:${pair.idB}`);
  if (existing) throw conflict(msg('conflict.pairDecided', { decision: existing.decision }));
  const key = `${pair.idA}:${pair.idB}`;
  if (body.decision === 'skip') {
    await tx.update(dedupPairs).set({ skippedAt: new Date(), skippedBy: actor.userId }).where(and(eq(dedupPairs.runId, pair.runId), eq(dedupPairs.idA, pair.idA), eq(dedupPairs.idB, pair.idB)));
    await audit(tx, actor, { action: 'dedup.pair.skip', entityType: 'dedup_pair', entityId: key, operationId: op, details: { runId: pair.runId, score: pair.score } });
    return { result: { state: 'skipped', merge: null }, touched: null };
  }
  let merge: MergeRow | null = null;
  let touched: Touched | null = null;
  if (body.decision === 'duplicate') {
    if (body.survivorId && body.survivorId !== pair.idA && body.survivorId !== pair.idB) throw invalid([issueAt('body.survivorId', 'dedup.survivorOfPair')]);
    const survivorId = body.survivorId ?? (await suggestSurvivor(tx, pair.idA, pair.idB)).survivorId;
    ({ merge, touched } = await mergePair(tx, auth, actor, pair, survivorId));
  }
  await tx.insert(dedupDecisions).values({ operationId: op, idA: pair.idA, idB: pair.idB, decision: body.decision, runId: pair.runId, score: pair.score, mergeId: merge?.id ?? null, note: body.note ?? null, decidedBy: actor.userId });
  await audit(tx, actor, {
    action: 'dedup.pair.decide',
    entityType: 'dedup_pair',
    entityId: key,
    operationId: op,
    before: { decision: null },
    after: { decision: body.decision },
    details: { runId: pair.runId, score: pair.score, engine: pair.decision, mergeId: merge?.id ?? null, survivorId: merge?.survivorId ?? null, note: body.note ?? null },
  });
  return { result: { state: body.decision, merge: merge ? (await presentMerges(tx, [merge]))[0] : null }, touched };
}

/**
 * "Confirm all matches" of a run: merges its open match pairs the user may see, best first, up
 * to `limit` per request; a pair that cannot be merged (a head with members, a record merged
 * meanwhile) is left open and listed. Every merge is decided and audited like a single one.
 */
export async function confirmMatches(tx: Tx, auth: AuthContext, actor: Actor, runId: string, limit = 200) {
  const run = await loadRun(tx, auth, runId, 'dedup.review');
  if (run.status !== 'succeeded') throw conflict(msg('conflict.runNotFinished'));
  const op = run.operationId;
  const where = and(eq(dedupPairs.runId, runId), eq(dedupPairs.decision, 'match'), sql`not ${decided}`, pairVisible(auth, op))!;
  const list = await tx.select().from(dedupPairs).where(where).orderBy(desc(dedupPairs.score), asc(dedupPairs.idA)).limit(limit);
  const blocked: { idA: string; idB: string; reason: string }[] = [];
  const touched: string[] = [];
  let merged = 0;
  for (const p of list) {
    const present = await presentIndividuals(tx, [p.idA, p.idB]);
    if (present.size < 2) {
      blocked.push({ idA: p.idA, idB: p.idB, reason: 'A record was merged meanwhile; the next run scores the survivor.' });
      continue;
    }
    try {
      await tx.transaction(async (sp) => {
        const survivorId = (await suggestSurvivor(sp, p.idA, p.idB)).survivorId;
        const { merge, touched: t } = await mergePair(sp, auth, actor, p, survivorId);
        await sp.insert(dedupDecisions).values({ operationId: op, idA: p.idA, idB: p.idB, decision: 'duplicate', runId, score: p.score, mergeId: merge.id, decidedBy: actor.userId });
        await audit(sp, actor, {
          action: 'dedup.pair.decide',
          entityType: 'dedup_pair',
          entityId: `${p.idA}:${p.idB}`,
          operationId: op,
          before: { decision: null },
          after: { decision: 'duplicate' },
          details: { runId, score: p.score, engine: 'match', mergeId: merge.id, survivorId, bulk: true },
        });
        touched.push(...t.individualIds);
      });
      merged++;
    } catch (err) {
      if (err instanceof AppError && (err.code === 'MERGE_BLOCKED' || err.code === 'NOT_FOUND')) blocked.push({ idA: p.idA, idB: p.idB, reason: err.message });
      else throw err;
    }
  }
  const [{ n }] = await tx.select({ n: count() }).from(dedupPairs).where(where);
  await audit(tx, actor, { action: 'dedup.run.confirm_matches', entityType: 'dedup_run', entityId: runId, operationId: op, details: { merged, blocked: blocked.length, left: Number(n) } });
  return { result: { merged, left: Number(n), blocked }, touched: { operationId: op, individualIds: touched } };
}

// ---------------------------------------------------------------------------------------------
// Merges

export async function listMerges(tx: Tx, auth: AuthContext, q: { operation: string; household?: string; limit: number; cursor?: string }): Promise<Page<MergeView>> {
  const op = requireOp(auth, q.operation, 'dedup.review');
  const visible = visibleHouseholdsSql(auth, 'dedup.review', op);
  const conds: SQL[] = [eq(dedupMerges.operationId, op), sql`${dedupMerges.survivorHouseholdId} in ${visible}`, sql`${dedupMerges.mergedHouseholdId} in ${visible}`];
  if (q.household) conds.push(or(eq(dedupMerges.survivorHouseholdId, q.household), eq(dedupMerges.mergedHouseholdId, q.household))!);
  const page = await keysetPage(tx, dedupMerges, and(...conds)!, [{ column: dedupMerges.createdAt, type: 'timestamptz' }, { column: dedupMerges.id, type: 'uuid' }], 'desc', q, (m) => [m.createdAt.toISOString(), m.id]);
  return { items: await presentMerges(tx, page.rows), total: page.total, nextCursor: page.nextCursor };
}

/** Undoes a merge: both records as they were; the pair goes back to the queue (its decision is removed, the audit log keeps it). */
export async function undo(tx: Tx, auth: AuthContext, actor: Actor, mergeId: string): Promise<{ merge: MergeView; touched: Touched }> {
  const [m] = await tx.select().from(dedupMerges).where(eq(dedupMerges.id, mergeId)).limit(1).for('update');
  if (!m || !holds(auth.grants, 'dedup.review', m.operationId)) throw notFound('No such merge.');
  // Both households must be visible to the reviewer (404 otherwise, before anything else).
  await loadHousehold(tx, auth, m.survivorHouseholdId, 'dedup.review');
  await loadHousehold(tx, auth, m.mergedHouseholdId, 'dedup.review');
  if (m.undoneAt) throw new AppError('UNDO_NOT_POSSIBLE', msg('conflict.mergeUndone'));
  const touched = await undoMerge(tx, auth, actor, m.undo as unknown as MergeUndo, m.after);
  const [row] = await tx.update(dedupMerges).set({ undoneAt: new Date(), undoneBy: actor.userId }).where(eq(dedupMerges.id, m.id)).returning();
  const [idA, idB] = ordered(m.survivorId, m.mergedId);
  await tx.delete(dedupDecisions).where(and(eq(dedupDecisions.operationId, m.operationId), eq(dedupDecisions.idA, idA), eq(dedupDecisions.idB, idB)));
  await audit(tx, actor, { action: 'dedup.merge.undo', entityType: 'dedup_merge', entityId: m.id, operationId: m.operationId, before: { decision: 'duplicate' }, after: { decision: null }, details: { survivorId: m.survivorId, mergedId: m.mergedId } });
  return { merge: (await presentMerges(tx, [row]))[0], touched };
}

// ---------------------------------------------------------------------------------------------
// Unresolved duplicates (for the household page and for other modules, e.g. payments)

export interface DuplicateFlag {
  /** Open match/review pairs of the latest run this person is in. */
  pairs: number;
  maxScore: number;
  /** At least one of them is an engine match. */
  match: boolean;
}

/**
 * Which of these individuals have unresolved possible duplicates: open (undecided, skipped
 * included) pairs of the operation's latest succeeded run whose two records are both still
 * present. Not scoped to a user: callers apply their own access to the ids they pass.
 */
export async function unresolvedDuplicates(tx: Tx, operationId: string, individualIds: string[]): Promise<Map<string, DuplicateFlag>> {
  const out = new Map<string, DuplicateFlag>();
  const ids = [...new Set(individualIds)];
  if (!ids.length) return out;
  const runIds = await queueRunIds(tx, operationId);
  if (!runIds.length) return out;
  const list = await tx
    .select({ idA: dedupPairs.idA, idB: dedupPairs.idB, score: dedupPairs.score, decision: dedupPairs.decision })
    .from(dedupPairs)
    .where(and(inArray(dedupPairs.runId, runIds), or(inArray(dedupPairs.idA, ids), inArray(dedupPairs.idB, ids)), sql`not ${decided}`));
  const present = await presentIndividuals(tx, list.flatMap((p) => [p.idA, p.idB]));
  const wanted = new Set(ids);
  for (const p of list) {
    if (!present.has(p.idA) || !present.has(p.idB)) continue;
    for (const id of [p.idA, p.idB]) {
      if (!wanted.has(id)) continue;
      const f = out.get(id) ?? { pairs: 0, maxScore: -Infinity, match: false };
      f.pairs++;
      f.maxScore = Math.max(f.maxScore, p.score);
      f.match ||= p.decision === 'match';
      out.set(id, f);
    }
  }
  return out;
}

export async function householdFlags(tx: Tx, auth: AuthContext, householdId: string): Promise<HouseholdFlags> {
  const h = await loadHousehold(tx, auth, householdId, 'people.read');
  const members = await householdMemberIds(tx, h.id);
  const flags = await unresolvedDuplicates(tx, h.operationId, members);
  const canReview = holds(auth.grants, 'dedup.review', h.operationId);
  const merges = canReview
    ? await tx
        .select()
        .from(dedupMerges)
        .where(and(eq(dedupMerges.operationId, h.operationId), or(eq(dedupMerges.survivorHouseholdId, h.id), eq(dedupMerges.mergedHouseholdId, h.id))))
        .orderBy(desc(dedupMerges.createdAt))
        .limit(50)
    : [];
  return {
    members: Object.fromEntries([...flags].map(([id, f]) => [id, f])),
    merges: await presentMerges(tx, merges),
    mergedInto: await mergedIntoOf(tx, h),
    canReview,
  };
}

/** The flag check for API clients: only the ids the user may read count. */
export async function flagsFor(tx: Tx, auth: AuthContext, operationIn: string, ids: string[]) {
  const op = requireOp(auth, operationIn, 'people.read');
  const visible = await tx.execute(sql`select id from ${visiblePeopleSql(auth, 'people.read', op)} v where v.id in (${sql.join([...new Set(ids)].map((i) => sql`${i}::uuid`), sql`, `)})`);
  const allowed = ((visible as unknown as { rows: { id: string }[] }).rows ?? []).map((r) => r.id);
  const flags = await unresolvedDuplicates(tx, op, allowed);
  return { flagged: [...flags].map(([id, f]) => ({ id, ...f })) };
}
