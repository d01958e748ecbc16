import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid, boolean } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';
import { operations } from '../modules/places/schema';
import { users } from '../modules/access/schema';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Background work (imports, dedup runs, exports, timers): one row per job, claimed by the runner
 * in a server process (src/server/jobs.ts). `heartbeat_at` is refreshed while a job runs, so a job
 * left `running` by a dead process can be told from one that is still working.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    /** What to run, e.g. `import.validate`; a handler is registered per kind. */
    kind: text('kind').notNull(),
    operationId: text('operation_id').references(() => operations.id),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('queued'),
    /** The input of the handler (ids, options); never personal data. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    progressDone: integer('progress_done').notNull().default(0),
    /** Null while the size of the work is not known yet. */
    progressTotal: integer('progress_total'),
    /** A short human-readable line about the current step or the outcome. */
    message: text('message'),
    result: jsonb('result').$type<unknown>(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** The runner (process) holding the job while it runs. */
    runner: text('runner'),
    /**
     * Set when the job needs something only one process holds in memory (a linkage secret): only
     * that process's runner claims it, and the job fails once that process is gone (job_runners).
     */
    holder: text('holder'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    heartbeatAt: ts('heartbeat_at'),
    /** Not before: a queued job is claimed once this time has passed. */
    runAfter: ts('run_after').notNull().defaultNow(),
  },
  (t) => [
    index('jobs_queue_idx').on(t.runAfter, t.createdAt).where(sql`${t.status} = 'queued'`),
    index('jobs_running_idx').on(t.heartbeatAt).where(sql`${t.status} = 'running'`),
    index('jobs_created_by_idx').on(t.createdBy, t.createdAt),
    index('jobs_operation_idx').on(t.operationId),
    check('jobs_progress_check', sql`${t.progressDone} >= 0`),
  ],
);

export type JobRow = typeof jobs.$inferSelect;

/**
 * Server processes with a job runner, by the holder id their jobs are bound to (`jobs.holder`):
 * the runner refreshes `heartbeat_at`; a stale or missing row means the process is gone.
 */
export const jobRunners = pgTable('job_runners', {
  id: text('id').primaryKey(),
  startedAt: ts('started_at').notNull().defaultNow(),
  heartbeatAt: ts('heartbeat_at').notNull().defaultNow(),
});
