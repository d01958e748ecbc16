import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from '../../db/columns';
import { users } from '../access/schema';
import { operations } from '../places/schema';
import { jobs } from '../../server/jobs-schema';

import { HUMAN_DECISIONS, PAIR_DECISIONS, RUN_STATUSES, RUN_TRIGGERS } from './kinds';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One deduplication run of the matching engine over an operation's whole registry (a background
 * job of kind `dedup.run`). The queue shows the pairs of the latest succeeded run.
 */
export const dedupRuns = pgTable(
  'dedup_runs',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    jobId: uuid('job_id').references(() => jobs.id),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('queued'),
    /** read | normalise | block | score | cluster | compare | store while it runs. */
    stage: text('stage'),
    records: integer('records'),
    candidatePairs: integer('candidate_pairs'),
    matchPairs: integer('match_pairs'),
    reviewPairs: integer('review_pairs'),
    /** The engine's statistics (timings per stage, blocks, clusters) and the thresholds used. */
    stats: jsonb('stats').$type<Record<string, unknown>>(),
    message: text('message'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('dedup_runs_operation_idx').on(t.operationId, t.createdAt, t.id),
    index('dedup_runs_job_idx').on(t.jobId),
    index('dedup_runs_created_by_idx').on(t.createdBy),
  ],
);

/**
 * A pair the engine scored match or review in one run; `id_a < id_b` (order-independent key).
 * `parts` are the engine's per-field weights (SCORE_PARTS), null when not computed.
 */
export const dedupPairs = pgTable(
  'dedup_pairs',
  {
    runId: uuid('run_id').notNull().references(() => dedupRuns.id),
    operationId: text('operation_id').notNull().references(() => operations.id),
    idA: uuid('id_a').notNull(),
    idB: uuid('id_b').notNull(),
    score: real('score').notNull(),
    decision: text('decision', { enum: PAIR_DECISIONS }).notNull(),
    parts: jsonb('parts').$type<Record<string, number> | null>(),
    /** Skipped in the queue (stays open, listed under "skipped"). */
    skippedAt: ts('skipped_at'),
    skippedBy: uuid('skipped_by'),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.idA, t.idB] }),
    index('dedup_pairs_queue_idx').on(t.runId, t.score, t.idA, t.idB),
    index('dedup_pairs_a_idx').on(t.idA),
    index('dedup_pairs_b_idx').on(t.idB),
    index('dedup_pairs_operation_idx').on(t.operationId),
    check('dedup_pairs_order_check', sql`${t.idA} < ${t.idB}`),
  ],
);

/**
 * What a person decided about a pair, keyed by the two individuals (id_a < id_b), whatever run
 * proposed it: a later run keeps it (a pair decided distinct stays distinct).
 */
export const dedupDecisions = pgTable(
  'dedup_decisions',
  {
    operationId: text('operation_id').notNull().references(() => operations.id),
    idA: uuid('id_a').notNull(),
    idB: uuid('id_b').notNull(),
    decision: text('decision', { enum: HUMAN_DECISIONS }).notNull(),
    runId: uuid('run_id').references(() => dedupRuns.id),
    score: real('score'),
    mergeId: uuid('merge_id'),
    note: text('note'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: ts('decided_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.operationId, t.idA, t.idB] }),
    index('dedup_decisions_b_idx').on(t.idB),
    index('dedup_decisions_run_idx').on(t.runId),
    index('dedup_decisions_decided_by_idx').on(t.decidedBy),
    check('dedup_decisions_order_check', sql`${t.idA} < ${t.idB}`),
  ],
);

/**
 * A merge of one individual (and maybe its household) into another: `undo` holds the rows as
 * they were before (people/merge.ts writes and reads it), `after` the household versions the
 * merge produced (undo refuses when either household changed since).
 */
export const dedupMerges = pgTable(
  'dedup_merges',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    survivorId: uuid('survivor_id').notNull(),
    mergedId: uuid('merged_id').notNull(),
    survivorHouseholdId: uuid('survivor_household_id').notNull(),
    mergedHouseholdId: uuid('merged_household_id').notNull(),
    householdsMerged: boolean('households_merged').notNull().default(false),
    undo: jsonb('undo').$type<Record<string, unknown>>().notNull(),
    after: jsonb('after').$type<Record<string, number>>().notNull(),
    runId: uuid('run_id').references(() => dedupRuns.id),
    score: real('score'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    undoneAt: ts('undone_at'),
    undoneBy: uuid('undone_by').references(() => users.id),
  },
  (t) => [
    index('dedup_merges_operation_idx').on(t.operationId, t.createdAt, t.id),
    index('dedup_merges_survivor_hh_idx').on(t.survivorHouseholdId),
    index('dedup_merges_merged_hh_idx').on(t.mergedHouseholdId),
    index('dedup_merges_run_idx').on(t.runId),
    index('dedup_merges_created_by_idx').on(t.createdBy),
    index('dedup_merges_undone_by_idx').on(t.undoneBy),
    check('dedup_merges_distinct_check', sql`${t.survivorId} <> ${t.mergedId}`),
  ],
);

export type RunRow = typeof dedupRuns.$inferSelect;
export type PairRow = typeof dedupPairs.$inferSelect;
export type MergeRow = typeof dedupMerges.$inferSelect;
