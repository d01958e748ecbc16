/**
 * Deduplication runs over an operation's whole registry, as background jobs.
 *
 * `dedup.run` (payload `{ runId }`): reads the present individuals' stored match keys and
 * household ids in keyset pages of 20,000 (stage `read`), hands the batch to the engine's `dedupe()` (normalise, block,
 * score, cluster: one step, its per-stage timings are kept in the run's stats) and the compare step
 * below in a worker thread (engine-thread.ts), so the server keeps answering meanwhile,
 * computes the engine's per-field weights for each stored pair with a lookup index over the same
 * batch (`compare`), then, in one transaction, deletes whatever this run stored before and writes
 * its pairs (`store`). A retried job therefore replaces its own earlier results; people's
 * decisions live apart (dedup_decisions, keyed by the two individuals) and survive every run.
 *
 * Nightly: `dedup.nightly` is a job that re-queues itself for the next 00:30 UTC (05:00 in Kabul,
 * 05:30 in Peshawar); when it runs it queues a `nightly` run for every operation with people whose
 * last run is older than 23 hours and has none queued or running. `hamrah serve` makes sure one
 * such job is queued (`ensureNightlyDedup`).
 */
import { and, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Database, Tx } from '../../db/client';
import { audit } from '../../server/audit';
import { defineJob, enqueueJob, jobs, wakeJobs, type JobContext } from '../../server/jobs';
import { uuidv7 } from '../../shared/ids';
import { dedupe, thresholdsFor, type DedupStats, type PersonRecord } from './engine';
import { computeParts, orientPairs, type StoredPair } from './parts';
import { engineRecord } from '../people/keys';
import { dedupeInWorker, engineThreadAvailable } from './engine-thread';
import { countActivePeople, matchKeysPage, operationsWithPeople } from '../people/merge';
import { dedupPairs, dedupRuns, type RunRow } from './schema';

const PAGE = 20_000;

export interface RunHooks {
  progress(done: number, total: number | null, message: string): Promise<void>;
  throwIfCancelled(): void;
  stage(stage: string): Promise<void>;
  /**
   * Where the engine and compare steps run: `worker` (a worker thread, engine-thread.ts; the event
   * loop keeps serving requests) or `inline` (this thread: the demo seeding transaction). Default
   * `worker` where it can be started here, else `inline`.
   */
  engine?: 'worker' | 'inline';
  /** Threads the engine may use for scoring (default: the engine's own choice). */
  threads?: number;
}

export type { StoredPair };

/** Reads the registry, runs the engine and returns the pairs (nothing written). */
export async function computeRun(db: Tx, operationId: string, hooks: RunHooks): Promise<{ pairs: StoredPair[]; stats: Record<string, unknown> }> {
  await hooks.stage('read');
  const total = await countActivePeople(db, operationId);
  const year = new Date().getUTCFullYear();
  const inWorker = (hooks.engine ?? (engineThreadAvailable() ? 'worker' : 'inline')) === 'worker';
  // In-thread: the engine records, each with its household id (household context). For the
  // worker: the ids, each page's [id, keys] rows as UTF-8 JSON and its household column (numbers
  // in order of first sight), transferred (not cloned) to the thread, which builds the records.
  const records: PersonRecord[] = [];
  const ids: string[] = [];
  const chunks: Uint8Array[] = [];
  const households: Uint32Array[] = [];
  const householdNo = new Map<string, number>();
  const encoder = new TextEncoder();
  let after: string | null = null;
  for (;;) {
    const page = await matchKeysPage(db, operationId, after, PAGE);
    if (!page.length) break;
    if (inWorker) {
      const hh = new Uint32Array(page.length);
      const rows: [string, Record<string, unknown>][] = new Array(page.length);
      for (let i = 0; i < page.length; i++) {
        const [id, keys, householdId] = page[i];
        ids.push(id);
        rows[i] = [id, keys];
        if (!householdId) continue;
        let no = householdNo.get(householdId);
        if (no === undefined) householdNo.set(householdId, (no = householdNo.size + 1));
        hh[i] = no;
      }
      chunks.push(encoder.encode(JSON.stringify(rows)));
      households.push(hh);
    } else
      for (const [id, keys, householdId] of page) {
        const r = engineRecord(id, keys, year);
        if (householdId) r.householdId = householdId;
        records.push(r);
      }
    after = page[page.length - 1][0];
    const read = inWorker ? ids.length : records.length;
    await hooks.progress(read, Math.max(total, read), 'read');
    hooks.throwIfCancelled();
    // Let waiting requests in between pages (PGlite answers in this thread, its promises settle
    // without giving the event loop a turn).
    await new Promise((r) => setImmediate(r));
    if (page.length < PAGE) break;
  }
  const n = inWorker ? ids.length : records.length;
  await hooks.stage('score');
  await hooks.progress(0, null, 'normalise, block, score, cluster');
  const thresholds = thresholdsFor(n);
  let pairs: StoredPair[];
  let stats: DedupStats;
  if (inWorker) {
    householdNo.clear();
    const out = await dedupeInWorker({ chunks, households, year, matchThreshold: thresholds.match, reviewThreshold: thresholds.review, threads: hooks.threads }, ids, hooks);
    chunks.length = 0;
    households.length = 0;
    pairs = out.pairs;
    stats = out.stats;
  } else {
    const result = dedupe(records, { matchThreshold: thresholds.match, reviewThreshold: thresholds.review, threads: hooks.threads });
    hooks.throwIfCancelled();
    await hooks.stage('compare');
    pairs = orientPairs(result.pairs);
    stats = result.stats;
    await computeParts(records, pairs, thresholds, async (done, all) => {
      await hooks.progress(done, all, 'compare');
      hooks.throwIfCancelled();
    });
  }
  hooks.throwIfCancelled();
  return {
    pairs,
    stats: { ...stats, thresholds, partsComputed: pairs.filter((p) => p.parts).length },
  };
}

/** Replaces the run's stored pairs and marks it succeeded (one transaction). */
export async function storeRun(tx: Tx, runId: string, operationId: string, out: Awaited<ReturnType<typeof computeRun>>): Promise<void> {
  await tx.delete(dedupPairs).where(eq(dedupPairs.runId, runId));
  for (let i = 0; i < out.pairs.length; i += 1000) {
    await tx.insert(dedupPairs).values(out.pairs.slice(i, i + 1000).map((p) => ({ runId, operationId, idA: p.a, idB: p.b, score: p.score, decision: p.decision, parts: p.parts })));
  }
  // Fresh statistics for the queue's plans (PGlite has no autovacuum to gather them).
  await tx.execute(sql`analyze dedup_pairs`);
  const s = out.stats as { records: number; candidatePairs: number; matchPairs: number; reviewPairs: number };
  await tx
    .update(dedupRuns)
    .set({ status: 'succeeded', stage: null, records: s.records, candidatePairs: s.candidatePairs, matchPairs: s.matchPairs, reviewPairs: s.reviewPairs, stats: out.stats, finishedAt: new Date(), message: null })
    .where(eq(dedupRuns.id, runId));
}

export interface ImportFlag {
  individualId: string;
  candidateIndividualId: string;
  score: number;
  decision: 'match' | 'review';
}

/**
 * The possible duplicates a household import flagged before its commit, as review-queue pairs:
 * one succeeded run of trigger `import` per import batch (its id and file name in `stats`), its
 * pairs beside the latest whole-registry run's in the queue. Called in the import's write
 * transaction, once per write chunk; a pair flagged twice keeps its higher score.
 */
export async function storeImportFlags(tx: Tx, operationId: string, batch: { id: string; name: string } | null, createdBy: string | null, flags: readonly ImportFlag[]): Promise<void> {
  if (!flags.length) return;
  const batchId = batch?.id ?? null;
  const [found] = await tx
    .select({ id: dedupRuns.id })
    .from(dedupRuns)
    .where(and(eq(dedupRuns.operationId, operationId), eq(dedupRuns.trigger, 'import'), batchId ? sql`${dedupRuns.stats}->>'importBatchId' = ${batchId}` : sql`false`))
    .limit(1);
  let runId = found?.id;
  if (!runId) {
    runId = uuidv7();
    const now = new Date();
    await tx.insert(dedupRuns).values({ id: runId, operationId, jobId: null, trigger: 'import', status: 'succeeded', createdBy, startedAt: now, finishedAt: now, stats: { importBatchId: batchId, importBatchName: batch?.name ?? null } });
  }
  const best = new Map<string, ImportFlag & { a: string; b: string }>();
  for (const f of flags) {
    const [a, b] = f.individualId < f.candidateIndividualId ? [f.individualId, f.candidateIndividualId] : [f.candidateIndividualId, f.individualId];
    const k = `${a}:${b}`;
    const was = best.get(k);
    if (!was || f.score > was.score) best.set(k, { ...f, a, b });
  }
  const list = [...best.values()];
  for (let i = 0; i < list.length; i += 1000) {
    await tx
      .insert(dedupPairs)
      .values(list.slice(i, i + 1000).map((p) => ({ runId: runId!, operationId, idA: p.a, idB: p.b, score: p.score, decision: p.decision, parts: null })))
      .onConflictDoUpdate({ target: [dedupPairs.runId, dedupPairs.idA, dedupPairs.idB], set: { score: sql`greatest(${dedupPairs.score}, excluded.score)`, decision: sql`case when ${dedupPairs.decision} = 'match' or excluded.decision = 'match' then 'match' else 'review' end` } });
  }
  await tx.execute(sql`update dedup_runs r set
      match_pairs = (select count(*) from dedup_pairs p where p.run_id = r.id and p.decision = 'match'),
      review_pairs = (select count(*) from dedup_pairs p where p.run_id = r.id and p.decision = 'review'),
      records = (select count(distinct x) from (select id_a as x from dedup_pairs where run_id = r.id union select id_b from dedup_pairs where run_id = r.id) s)
    where r.id = ${runId}`);
}

/** Removes the import pairs of these households' people (an import rolled back). */
export async function removeImportFlags(tx: Tx, householdIds: readonly string[]): Promise<void> {
  if (!householdIds.length) return;
  const ids = sql.join(householdIds.map((i) => sql`${i}::uuid`), sql`, `);
  await tx.execute(sql`delete from dedup_pairs p using dedup_runs r
    where r.id = p.run_id and r.trigger = 'import'
      and (p.id_a in (select id from people_individuals where household_id in (${ids})) or p.id_b in (select id from people_individuals where household_id in (${ids})))`);
}

/** A new run row (and, unless `noJob`, its queued job) inside the caller's transaction. */
export async function createRun(tx: Tx, operationId: string, trigger: RunRow['trigger'], createdBy: string | null, noJob = false): Promise<RunRow> {
  const id = uuidv7();
  let jobId: string | null = null;
  if (!noJob) {
    const job = await enqueueJob(tx, { kind: 'dedup.run', operationId, payload: { runId: id }, createdBy, maxAttempts: 3 });
    jobId = job.id;
  }
  const [row] = await tx.insert(dedupRuns).values({ id, operationId, jobId, trigger, status: 'queued', createdBy }).returning();
  return row;
}

/** The queued or running run of an operation, if any. */
export async function activeRun(tx: Tx, operationId: string): Promise<RunRow | null> {
  const [r] = await tx
    .select()
    .from(dedupRuns)
    .where(and(eq(dedupRuns.operationId, operationId), inArray(dedupRuns.status, ['queued', 'running'])))
    .orderBy(desc(dedupRuns.createdAt))
    .limit(1);
  return r ?? null;
}

async function runJob(ctx: JobContext): Promise<unknown> {
  const db = ctx.database.db;
  const runId = String(ctx.job.payload.runId);
  const [run] = await db.select().from(dedupRuns).where(eq(dedupRuns.id, runId)).limit(1);
  if (!run) throw new Error(`No dedup run ${runId}.`);
  await db.update(dedupRuns).set({ status: 'running', startedAt: run.startedAt ?? new Date(), message: null }).where(eq(dedupRuns.id, runId));
  const out = await computeRun(db, run.operationId, {
    progress: (done, total, message) => ctx.progress(done, total, message),
    throwIfCancelled: () => ctx.throwIfCancelled(),
    stage: async (stage) => {
      await db.update(dedupRuns).set({ stage }).where(eq(dedupRuns.id, runId));
    },
  });
  ctx.throwIfCancelled();
  await db.update(dedupRuns).set({ stage: 'store' }).where(eq(dedupRuns.id, runId));
  await ctx.progress(0, out.pairs.length, 'store', true);
  await db.transaction((tx) => storeRun(tx, runId, run.operationId, out));
  return { runId, pairs: out.pairs.length, records: out.stats.records };
}

/** A run whose job failed or was cancelled (running, or still queued: then inside the cancelling transaction). */
const endRun = async (db: Tx, runId: unknown, status: 'failed' | 'cancelled', message: string) => {
  if (typeof runId !== 'string') return;
  await db.update(dedupRuns).set({ status, message, finishedAt: new Date(), stage: null }).where(and(eq(dedupRuns.id, runId), inArray(dedupRuns.status, ['queued', 'running'])));
};

defineJob('dedup.run', runJob, {
  onFailed: (database, job, message, cancelled) => endRun(database.db, job.payload.runId, cancelled ? 'cancelled' : 'failed', message),
  onAbandoned: (database, job, message) => endRun(database.db, job.payload.runId, job.cancelRequested ? 'cancelled' : 'failed', message),
  onCancelledQueued: (tx, job, message) => endRun(tx, job.payload.runId, 'cancelled', message),
});

// ---------------------------------------------------------------------------------------------
// Nightly

/** The next 00:30 UTC after `now`. */
export function nextNight(now = new Date()): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, 30));
  if (d <= now) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

/** Queues a nightly run for each operation with people whose last run is older than 23 h (none queued or running). */
export async function queueNightlyRuns(database: Database, now = new Date()): Promise<string[]> {
  const ops = await operationsWithPeople(database.db);
  const queued: string[] = [];
  for (const op of ops) {
    const made = await database.db.transaction(async (tx) => {
      if (await activeRun(tx, op)) return false;
      const [recent] = await tx.select({ id: dedupRuns.id }).from(dedupRuns).where(and(eq(dedupRuns.operationId, op), ne(dedupRuns.trigger, 'import'), gt(dedupRuns.createdAt, new Date(now.getTime() - 23 * 3600_000)))).limit(1);
      if (recent) return false;
      const run = await createRun(tx, op, 'nightly', null);
      await audit(tx, { userId: null, requestId: null }, { action: 'dedup.run.start', entityType: 'dedup_run', entityId: run.id, operationId: op, details: { trigger: 'nightly' } });
      return true;
    });
    if (made) queued.push(op);
  }
  if (queued.length) wakeJobs(database);
  return queued;
}

/** Makes sure one `dedup.nightly` job is queued (called when the server starts its job runner). */
export async function ensureNightlyDedup(database: Database): Promise<void> {
  const [any] = await database.db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.kind, 'dedup.nightly'), inArray(jobs.status, ['queued', 'running']))).limit(1);
  if (any) return;
  await database.db.transaction((tx) => enqueueJob(tx, { kind: 'dedup.nightly', runAfter: nextNight(), maxAttempts: 3 }));
}

defineJob('dedup.nightly', async (ctx) => {
  const queued = await queueNightlyRuns(ctx.database);
  await ctx.database.db.transaction((tx) => enqueueJob(tx, { kind: 'dedup.nightly', runAfter: nextNight(new Date(Date.now() + 60_000)), maxAttempts: 3 }));
  return { queued };
});

// ---------------------------------------------------------------------------------------------
// Demo

/**
 * The demo's first run, computed inside the seeding transaction (no job): after `hamrah demo`
 * the review queue of each operation with people already holds the planted duplicates.
 */
export async function seedDedupDemo(tx: Tx): Promise<{ operationId: string; pairs: number }[]> {
  const out: { operationId: string; pairs: number }[] = [];
  const [any] = await tx.select({ id: dedupRuns.id }).from(dedupRuns).limit(1);
  if (any) return out;
  const ops = await operationsWithPeople(tx);
  for (const op of ops.sort()) {
    const run = await createRun(tx, op, 'demo', null, true);
    await tx.update(dedupRuns).set({ status: 'running', startedAt: new Date() }).where(eq(dedupRuns.id, run.id));
    const res = await computeRun(tx, op, { progress: async () => {}, throwIfCancelled: () => {}, stage: async () => {}, engine: 'inline' });
    await storeRun(tx, run.id, op, res);
    out.push({ operationId: op, pairs: res.pairs.length });
  }
  if (out.length) await audit(tx, { userId: null, requestId: null }, { action: 'dedup.demo_seed', entityType: 'dedup_run', details: { runs: out } });
  return out;
}


