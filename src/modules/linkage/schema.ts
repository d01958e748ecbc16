/**
 * Privacy-preserving linkage with a partner agency (see docs/ARCHITECTURE.md): exports of this
 * operation's registry as keyed Bloom-filter encodings, matches of a partner's encoded file, and
 * the candidate links they produced for review. The shared secret is never stored.
 */
import { customType, index, integer, pgTable, primaryKey, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from '../../db/columns';
import { operations } from '../places/schema';
import { users } from '../access/schema';
import { jobs } from '../../server/jobs-schema';
import { peopleHouseholds, peopleIndividuals } from '../people/schema';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => v,
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const LINKAGE_STATUSES = ['queued', 'running', 'ready', 'failed'] as const;
export type LinkageStatus = (typeof LINKAGE_STATUSES)[number];

/** One encoded export of the registry (the file `id,clk`, gzip-compressed, ids are pseudonyms). */
export const linkageExports = pgTable(
  'linkage_exports',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    status: text('status', { enum: LINKAGE_STATUSES }).notNull().default('queued'),
    records: integer('records'),
    content: bytea('content'),
    message: text('message'),
    jobId: uuid('job_id').references(() => jobs.id),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('linkage_exports_operation_idx').on(t.operationId, t.createdAt), index('linkage_exports_job_idx').on(t.jobId), index('linkage_exports_created_by_idx').on(t.createdBy)],
);

/** Which person each pseudonym of an export stands for (kept here, never in the file). */
export const linkagePseudonyms = pgTable(
  'linkage_pseudonyms',
  {
    exportId: uuid('export_id').notNull().references(() => linkageExports.id),
    pseudonym: text('pseudonym').notNull(),
    individualId: uuid('individual_id').notNull().references(() => peopleIndividuals.id),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.pseudonym] }), index('linkage_pseudonyms_individual_idx').on(t.individualId)],
);

/** A partner's encoded file matched against a fresh encoding of the registry. */
export const linkageMatches = pgTable(
  'linkage_matches',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    status: text('status', { enum: LINKAGE_STATUSES }).notNull().default('queued'),
    /** Who the partner is (free text, e.g. the agency's name), and the file's name. */
    partner: text('partner').notNull(),
    fileName: text('file_name').notNull(),
    /** The partner's file until the match ran (then cleared). */
    content: bytea('content'),
    partnerRecords: integer('partner_records').notNull(),
    ourRecords: integer('our_records'),
    matchLinks: integer('match_links'),
    reviewLinks: integer('review_links'),
    message: text('message'),
    jobId: uuid('job_id').references(() => jobs.id),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('linkage_matches_operation_idx').on(t.operationId, t.createdAt), index('linkage_matches_job_idx').on(t.jobId), index('linkage_matches_created_by_idx').on(t.createdBy)],
);

export const LINK_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

/** A candidate link: one of our people and the partner's opaque id. Decided by a person, never merged. */
export const linkageCandidates = pgTable(
  'linkage_candidates',
  {
    id: uuid('id').primaryKey(),
    matchId: uuid('match_id').notNull().references(() => linkageMatches.id),
    operationId: text('operation_id').notNull().references(() => operations.id),
    individualId: uuid('individual_id').notNull().references(() => peopleIndividuals.id),
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    partnerId: text('partner_id').notNull(),
    dice: real('dice').notNull(),
    decision: text('decision', { enum: ['match', 'review'] }).notNull(),
    status: text('status', { enum: LINK_STATUSES }).notNull().default('pending'),
    note: text('note'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('linkage_candidates_pair_uq').on(t.matchId, t.individualId, t.partnerId),
    index('linkage_candidates_match_idx').on(t.matchId, t.status, t.dice),
    index('linkage_candidates_individual_idx').on(t.individualId),
    index('linkage_candidates_household_idx').on(t.householdId),
    index('linkage_candidates_operation_idx').on(t.operationId),
    index('linkage_candidates_decided_by_idx').on(t.decidedBy),
  ],
);
