/**
 * Background jobs: a table (src/server/jobs-schema.ts) and a runner inside the server process.
 *
 * - A module defines a kind once: `defineJob('import.commit', handler, options)`.
 * - A route (or anything holding a transaction) queues one: `enqueueJob(tx, { kind, payload, … })`,
 *   then, once its transaction committed, calls `wakeJobs(database)` so the runner looks now
 *   instead of at its next poll.
 * - The runner claims one queued job at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
 *   server processes share one queue; a plain claim on PGlite, whose folder only one process can
 *   open), runs the handler outside any transaction, refreshes `heartbeat_at` while it runs, and
 *   stores the result or the error message.
 * - Handlers report progress with `ctx.progress(done, total, message)` (throttled writes) and call
 *   `ctx.throwIfCancelled()` between steps; `requestCancel` sets the flag the next progress write
 *   reads back.
 * - Restarts: on start, a job left `running` by a dead process (on PGlite: any; on PostgreSQL:
 *   one whose heartbeat is older than `staleAfterMs`, checked again every minute) is queued again
 *   while it has attempts left and its kind allows it, otherwise failed, and the kind's
 *   `onAbandoned` hook lets its module tidy up (e.g. mark an import batch failed). A job cancelled
 *   while still queued never runs: its kind's `onCancelledQueued` tidies up instead.
 * - Jobs bound to a process: a job that needs something only the process that queued it holds in
 *   memory (a linkage secret, never stored) is queued with `holder: PROCESS_HOLDER`. Only a runner
 *   of that process claims it (`runner.holder`); each started runner keeps a row in job_runners
 *   with a heartbeat, and recovery fails a bound queued job whose process is gone (PostgreSQL: no
 *   fresh heartbeat of its holder; PGlite: any holder but this process) and calls `onAbandoned`.
 */
import os from 'node:os';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client';
import { uuidv7 } from '../shared/ids';
import { englishOf, messagesOf, msg, type Message, type MessageCode } from '../shared/messages';
import { AppError } from './errors';
import { jobRunners, jobs, type JobRow, type JobStatus } from './jobs-schema';

export { jobs, type JobRow, type JobStatus };

/** This process, as the holder of jobs bound to it (see the file comment). */
export const PROCESS_HOLDER = `${os.hostname()}:${process.pid}:${uuidv7().slice(-8)}`;

/** Why a bound job was given up: its process stopped before a runner there claimed it. */
export const HOLDER_GONE_MESSAGE = englishOf(msg('job.holderGone'));

/** The runner's own status sentences (message codes `job.*`); a kind adds its own (`messages` of defineJob). */
const CANCELLED = englishOf(msg('job.cancelled'));
const CANCELLED_BEFORE_START = englishOf(msg('job.cancelledBeforeStart'));
const REQUEUED = englishOf(msg('job.requeued'));
const INTERRUPTED = englishOf(msg('job.interrupted'));
const RUNNER_CODES: MessageCode[] = ['job.cancelled', 'job.cancelledBeforeStart', 'job.requeued', 'job.interrupted', 'job.holderGone'];

export interface JobContext {
  job: JobRow;
  database: Database;
  /** Records progress; writes at most every `progressEveryMs` unless `force` (or done = total). */
  progress(done: number, total?: number | null, message?: string | null, force?: boolean): Promise<void>;
  /** True once someone asked to cancel (read back with each progress write). */
  isCancelled(): boolean;
  /** Throws JobCancelled when cancellation was requested: call it between steps. */
  throwIfCancelled(): void;
  /** Aborted when the runner stops (server shutdown): stop soon; the job is re-queued on restart. */
  signal: AbortSignal;
}

export type JobHandler = (ctx: JobContext) => Promise<unknown>;

export interface JobKindOptions {
  /** Run again after a restart interrupted it (default true). Handlers must then be idempotent. */
  retryOnRestart?: boolean;
  /** Called after the runner gave a job up (failed after a restart, or a bound job whose process is gone). */
  onAbandoned?: (database: Database, job: JobRow, message: string) => Promise<void>;
  /**
   * Called by `requestCancel` inside the cancelling transaction when the job was still queued (it
   * never ran, so neither onFailed nor onAbandoned is called): put the record the job holds busy
   * (an import batch validating, a run queued) in the state a cancelled run leaves. `message` is
   * the job's own sentence (`job.cancelledBeforeStart`).
   */
  onCancelledQueued?: (tx: Tx, job: JobRow, message: string) => Promise<void>;
  /** Called when a handler throws (after the job row was marked failed or cancelled). */
  onFailed?: (database: Database, job: JobRow, message: string, cancelled: boolean) => Promise<void>;
  /**
   * The message codes of the sentences this kind's jobs store as their message (progress steps,
   * the final sentence, the AppErrors its handler throws): a job view names them in
   * `messageParts` so the web shows them in the user's language.
   */
  messages?: readonly MessageCode[];
}

export class JobCancelled extends Error {
  constructor() {
    super(CANCELLED);
    this.name = 'JobCancelled';
  }
}

const kinds = new Map<string, { handler: JobHandler; options: JobKindOptions }>();

/** Registers the handler of a job kind (once per process; a second definition replaces the first). */
export function defineJob(kind: string, handler: JobHandler, options: JobKindOptions = {}): void {
  kinds.set(kind, { handler, options });
}

export function jobKinds(): string[] {
  return [...kinds.keys()];
}

export interface NewJob {
  kind: string;
  operationId?: string | null;
  payload?: Record<string, unknown>;
  createdBy?: string | null;
  maxAttempts?: number;
  progressTotal?: number | null;
  runAfter?: Date;
  id?: string;
  /** Only a runner of this process may claim it (`PROCESS_HOLDER`; see the file comment). */
  holder?: string | null;
}

/** Queues a job inside the caller's transaction: it exists only if that transaction commits. */
export async function enqueueJob(tx: Tx, input: NewJob): Promise<JobRow> {
  const [row] = await tx
    .insert(jobs)
    .values({
      id: input.id ?? uuidv7(),
      kind: input.kind,
      operationId: input.operationId ?? null,
      payload: input.payload ?? {},
      createdBy: input.createdBy ?? null,
      maxAttempts: input.maxAttempts ?? 3,
      progressTotal: input.progressTotal ?? null,
      holder: input.holder ?? null,
      ...(input.runAfter ? { runAfter: input.runAfter } : {}),
    })
    .returning();
  return row;
}

export async function getJob(tx: Tx, id: string): Promise<JobRow | null> {
  const [row] = await tx.select().from(jobs).where(eq(jobs.id, id)).limit(1);
  return row ?? null;
}

/** Several jobs by id, in one query. */
export async function getJobs(tx: Tx, ids: string[]): Promise<Map<string, JobRow>> {
  if (!ids.length) return new Map();
  const list = await tx.select().from(jobs).where(inArray(jobs.id, [...new Set(ids)]));
  return new Map(list.map((j) => [j.id, j]));
}

export const isFinished = (s: JobStatus) => s === 'succeeded' || s === 'failed' || s === 'cancelled';

/**
 * Asks a job to stop: a queued one is cancelled at once (and its kind's `onCancelledQueued` tidies
 * the record it held, in the same transaction), a running one at its next check.
 * Returns the job as it is now; 409 when it had already finished.
 */
export async function requestCancel(tx: Tx, id: string): Promise<JobRow> {
  const [queued] = await tx
    .update(jobs)
    .set({ status: 'cancelled', finishedAt: new Date(), message: CANCELLED_BEFORE_START, cancelRequested: true })
    .where(and(eq(jobs.id, id), eq(jobs.status, 'queued')))
    .returning();
  if (queued) {
    await kinds.get(queued.kind)?.options.onCancelledQueued?.(tx, queued, CANCELLED_BEFORE_START);
    return queued;
  }
  const [running] = await tx.update(jobs).set({ cancelRequested: true }).where(and(eq(jobs.id, id), eq(jobs.status, 'running'))).returning();
  if (running) return running;
  const job = await getJob(tx, id);
  if (!job) throw new AppError('NOT_FOUND', 'No such job.');
  throw new AppError('CONFLICT', msg(job.status === 'succeeded' ? 'conflict.jobSucceeded' : job.status === 'cancelled' ? 'conflict.jobCancelled' : 'conflict.jobFailed'));
}

/**
 * The sentence(s) of a job's stored message as message codes, or null when the message is not
 * one of the runner's or the kind's (see `messages` of defineJob). Read from the text, so jobs
 * stored before codes existed are named too.
 */
export function jobMessageParts(j: Pick<JobRow, 'kind' | 'message'>): Message[] | null {
  if (!j.message) return null;
  const own = kinds.get(j.kind)?.options.messages ?? [];
  // A handler's error that is none of the kind's own sentences: "Failed: <its English text>".
  return messagesOf(j.message, [...RUNNER_CODES, ...own]) ?? messagesOf(j.message, ['job.failed']);
}

/** The public picture of a job (what the UI and CLI show). */
export function presentJob(j: JobRow) {
  return {
    id: j.id,
    kind: j.kind,
    operationId: j.operationId,
    status: j.status,
    progress: { done: j.progressDone, total: j.progressTotal },
    message: j.message,
    messageParts: jobMessageParts(j),
    result: j.result ?? null,
    attempts: j.attempts,
    cancelRequested: j.cancelRequested,
    createdBy: j.createdBy,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}
export type JobView = ReturnType<typeof presentJob>;

export interface RunnerOptions {
  /** How often to look for queued jobs when nobody woke the runner (ms). */
  pollMs?: number;
  heartbeatMs?: number;
  /** PostgreSQL: a running job whose heartbeat is older than this belongs to a dead process. */
  staleAfterMs?: number;
  progressEveryMs?: number;
  /** Jobs run at the same time by this process. */
  concurrency?: number;
  /** Only these kinds (default: every defined kind). */
  kinds?: string[];
  /** The process this runner claims bound jobs for (default PROCESS_HOLDER; tests stand in for another process). */
  holder?: string;
  log?: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

const runners = new WeakMap<Database, JobRunner>();

/** Tells the runner of this database (if this process has one) that a job was queued. */
export function wakeJobs(database: Database): void {
  runners.get(database)?.wake();
}

const quietLog = { info() {}, error() {}, warn() {} };

export class JobRunner {
  readonly id = `${os.hostname()}:${process.pid}:${uuidv7().slice(-8)}`;
  readonly holder: string;
  private readonly opts: Required<Omit<RunnerOptions, 'kinds' | 'log' | 'holder'>> & Pick<RunnerOptions, 'kinds'>;
  private beat: NodeJS.Timeout | null = null;
  private readonly log: NonNullable<RunnerOptions['log']>;
  private running = new Map<string, Promise<void>>();
  private abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private lastRecovery = 0;
  private pumping: Promise<void> | null = null;
  private again = false;

  constructor(private readonly database: Database, options: RunnerOptions = {}) {
    this.opts = {
      pollMs: options.pollMs ?? 2000,
      heartbeatMs: options.heartbeatMs ?? 5000,
      staleAfterMs: options.staleAfterMs ?? 60_000,
      progressEveryMs: options.progressEveryMs ?? 250,
      concurrency: options.concurrency ?? 1,
      kinds: options.kinds,
    };
    this.log = options.log ?? quietLog;
    this.holder = options.holder ?? PROCESS_HOLDER;
  }

  /** Says this runner's process is alive (job_runners), so its bound jobs are not given up. */
  private async heartbeat(): Promise<void> {
    await this.database.db
      .insert(jobRunners)
      .values({ id: this.holder })
      .onConflictDoUpdate({ target: jobRunners.id, set: { heartbeatAt: sql`now()` } });
  }

  /** Recovers jobs interrupted by a dead process, then polls. */
  async start(): Promise<this> {
    this.stopped = false;
    this.abort = new AbortController();
    runners.set(this.database, this);
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat().catch((err) => this.log.warn({ err }, 'job runner: heartbeat failed')), this.opts.heartbeatMs);
    this.beat.unref?.();
    await this.recover();
    this.schedule(0);
    return this;
  }

  /** Stops claiming, aborts running handlers and waits for them (up to `graceMs`). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    if (runners.get(this.database) === this) runners.delete(this.database);
    this.abort.abort();
    const all = Promise.allSettled([...this.running.values(), this.pumping ?? Promise.resolve()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    // Gone: jobs bound to this process can no longer run (the next recovery anywhere fails them).
    await this.database.db.delete(jobRunners).where(eq(jobRunners.id, this.holder)).catch(() => {});
  }

  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, ms);
    this.timer.unref?.();
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          if (this.database.kind === 'postgres' && Date.now() - this.lastRecovery > 60_000) await this.recover();
          while (!this.stopped && this.running.size < this.opts.concurrency) {
            const job = await this.claim();
            if (!job) break;
            const p = this.execute(job).finally(() => {
              this.running.delete(job.id);
              this.wake();
            });
            this.running.set(job.id, p);
          }
        } while (this.again && !this.stopped);
      } catch (err) {
        this.log.error({ err }, 'job runner: poll failed');
      } finally {
        this.pumping = null;
        this.schedule(this.opts.pollMs);
      }
    })();
    return this.pumping;
  }

  /** Runs queued jobs until none is left (tests and one-shot tools). */
  async drain(): Promise<void> {
    for (;;) {
      const job = await this.claim();
      if (!job) {
        if (!this.running.size) return;
        await Promise.allSettled([...this.running.values()]);
        continue;
      }
      await this.execute(job);
    }
  }

  private kindList(): string[] {
    return this.opts.kinds ?? [...kinds.keys()];
  }

  /** Takes the oldest due queued job of a kind this runner knows, or null. */
  async claim(): Promise<JobRow | null> {
    const list = this.kindList();
    if (!list.length) return null;
    const lock = this.database.kind === 'postgres' ? sql`for update skip locked` : sql``;
    const next = sql`(select ${jobs.id} from ${jobs} where ${jobs.status} = 'queued' and ${jobs.runAfter} <= now() and ${inArray(jobs.kind, list)} and (${jobs.holder} is null or ${jobs.holder} = ${this.holder}) order by ${jobs.runAfter}, ${jobs.createdAt} limit 1 ${lock})`;
    const [row] = await this.database.db
      .update(jobs)
      .set({ status: 'running', runner: this.id, attempts: sql`${jobs.attempts} + 1`, startedAt: sql`coalesce(${jobs.startedAt}, now())`, heartbeatAt: sql`now()` })
      .where(and(eq(jobs.id, next), eq(jobs.status, 'queued')))
      .returning();
    return row ?? null;
  }

  /**
   * Jobs left `running` by a process that is gone: queued again (attempts left, kind retries) or
   * failed. On PGlite only this process can hold the folder, so every running job not held by this
   * runner is orphaned; on PostgreSQL, those with a stale heartbeat.
   */
  async recover(): Promise<{ requeued: string[]; failed: string[] }> {
    this.lastRecovery = Date.now();
    const db = this.database.db;
    const mine = [...this.running.keys()];
    const stale =
      this.database.kind === 'pglite'
        ? eq(jobs.status, 'running')
        : and(eq(jobs.status, 'running'), lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${this.opts.staleAfterMs / 1000})`));
    const orphans = (await db.select().from(jobs).where(stale)).filter((j) => !mine.includes(j.id));
    const requeued: string[] = [];
    const failed: string[] = [];
    for (const j of orphans) {
      const kind = kinds.get(j.kind);
      const retry = !!kind && kind.options.retryOnRestart !== false && j.attempts < j.maxAttempts && !j.cancelRequested;
      if (retry) {
        const [r] = await db
          .update(jobs)
          .set({ status: 'queued', runner: null, message: REQUEUED })
          .where(and(eq(jobs.id, j.id), eq(jobs.status, 'running'), eq(jobs.attempts, j.attempts)))
          .returning({ id: jobs.id });
        if (r) requeued.push(j.id);
      } else {
        const message = j.cancelRequested ? CANCELLED : INTERRUPTED;
        const [r] = await db
          .update(jobs)
          .set({ status: j.cancelRequested ? 'cancelled' : 'failed', runner: null, message, finishedAt: new Date() })
          .where(and(eq(jobs.id, j.id), eq(jobs.status, 'running')))
          .returning();
        if (r) {
          failed.push(j.id);
          await kind?.options.onAbandoned?.(this.database, r, message).catch((err) => this.log.error({ err, job: j.id }, 'job onAbandoned failed'));
        }
      }
    }
    failed.push(...(await this.abandonBound()));
    if (requeued.length || failed.length) this.log.warn({ requeued: requeued.length, failed: failed.length }, 'job runner: recovered interrupted jobs');
    return { requeued, failed };
  }

  /**
   * Queued jobs bound to a process that is gone (see the file comment): failed with
   * HOLDER_GONE_MESSAGE, and the kind's `onAbandoned` hook is called. On PostgreSQL a holder is
   * gone when job_runners has no heartbeat of it within `staleAfterMs` (and the job is older than
   * that, so a process whose runner is still starting keeps its jobs).
   */
  private async abandonBound(): Promise<string[]> {
    const db = this.database.db;
    const stale = sql`now() - make_interval(secs => ${this.opts.staleAfterMs / 1000})`;
    const gone =
      this.database.kind === 'pglite'
        ? sql`true`
        : sql`${jobs.createdAt} < ${stale} and not exists (select 1 from ${jobRunners} r where r.id = ${jobs.holder} and r.heartbeat_at >= ${stale})`;
    const list = await db
      .update(jobs)
      .set({ status: 'failed', message: HOLDER_GONE_MESSAGE, finishedAt: new Date(), runner: null })
      .where(and(eq(jobs.status, 'queued'), sql`${jobs.holder} is not null and ${jobs.holder} <> ${this.holder} and ${gone}`))
      .returning();
    for (const j of list)
      await kinds
        .get(j.kind)
        ?.options.onAbandoned?.(this.database, j, HOLDER_GONE_MESSAGE)
        .catch((err) => this.log.error({ err, job: j.id }, 'job onAbandoned failed'));
    await db.delete(jobRunners).where(lt(jobRunners.heartbeatAt, sql`now() - interval '1 day'`));
    return list.map((j) => j.id);
  }

  private async execute(job: JobRow): Promise<void> {
    const db = this.database.db;
    const kind = kinds.get(job.kind);
    let cancelled = job.cancelRequested;
    let lastWrite = 0;
    const heartbeat = setInterval(() => {
      void db
        .update(jobs)
        .set({ heartbeatAt: sql`now()` })
        .where(and(eq(jobs.id, job.id), eq(jobs.runner, this.id)))
        .returning({ cancel: jobs.cancelRequested })
        .then(([r]) => {
          if (r?.cancel) cancelled = true;
        })
        .catch(() => {});
    }, this.opts.heartbeatMs);
    heartbeat.unref?.();
    const ctx: JobContext = {
      job,
      database: this.database,
      signal: this.abort.signal,
      isCancelled: () => cancelled,
      throwIfCancelled: () => {
        if (cancelled) throw new JobCancelled();
      },
      progress: async (done, total, message, force) => {
        const now = Date.now();
        const complete = total !== undefined && total !== null && done >= total;
        if (!force && !complete && now - lastWrite < this.opts.progressEveryMs) return;
        lastWrite = now;
        const [r] = await db
          .update(jobs)
          .set({
            progressDone: Math.max(0, Math.floor(done)),
            ...(total !== undefined ? { progressTotal: total === null ? null : Math.floor(total) } : {}),
            ...(message !== undefined ? { message } : {}),
            heartbeatAt: sql`now()`,
          })
          .where(and(eq(jobs.id, job.id), eq(jobs.runner, this.id)))
          .returning({ cancel: jobs.cancelRequested });
        if (r?.cancel) cancelled = true;
      },
    };
    try {
      if (!kind) throw new Error(`No handler for job kind ${job.kind}.`);
      const result = await kind.handler(ctx);
      await db
        .update(jobs)
        .set({ status: 'succeeded', result: (result ?? null) as unknown, finishedAt: new Date(), runner: null, progressDone: sql`greatest(${jobs.progressDone}, coalesce(${jobs.progressTotal}, 0))` })
        .where(and(eq(jobs.id, job.id), eq(jobs.runner, this.id)));
    } catch (err) {
      if (this.abort.signal.aborted && !(err instanceof JobCancelled)) {
        // Shutdown: leave the job `running`; the next start re-queues it.
        this.log.warn({ job: job.id, kind: job.kind }, 'job interrupted by shutdown');
        return;
      }
      const isCancel = err instanceof JobCancelled;
      const message = isCancel ? CANCELLED : err instanceof AppError ? err.message : englishOf(msg('job.failed', { reason: (err as Error)?.message ?? String(err) }));
      if (!isCancel && !(err instanceof AppError)) this.log.error({ err, job: job.id, kind: job.kind }, 'job failed');
      const [row] = await db
        .update(jobs)
        .set({
          status: isCancel ? 'cancelled' : 'failed',
          message,
          result: err instanceof AppError && err.fields ? { code: err.code, fields: err.fields.slice(0, 1000) } : err instanceof AppError ? { code: err.code } : null,
          finishedAt: new Date(),
          runner: null,
        })
        .where(and(eq(jobs.id, job.id), eq(jobs.runner, this.id)))
        .returning()
        .catch(() => [] as JobRow[]);
      if (row) await kind?.options.onFailed?.(this.database, row, message, isCancel).catch((e) => this.log.error({ err: e, job: job.id }, 'job onFailed failed'));
    } finally {
      clearInterval(heartbeat);
    }
  }
}

/** Starts the runner of a database (the serve command does this once). */
export function startJobRunner(database: Database, options: RunnerOptions = {}): Promise<JobRunner> {
  return new JobRunner(database, options).start();
}

/** Polls until the job finished (tests, CLI). */
export async function waitForJob(database: Database, id: string, timeoutMs = 60_000, everyMs = 50): Promise<JobRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(database.db, id);
    if (!job) throw new Error(`No job ${id}`);
    if (isFinished(job.status)) return job;
    if (Date.now() > until) throw new Error(`Job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
