import { sql } from 'drizzle-orm';
import { customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from '../../db/columns';
import { operations } from '../places/schema';
import { users } from '../access/schema';
import { jobs } from '../../server/jobs-schema';

export const IMPORT_STATUSES = ['uploaded', 'validating', 'validated', 'committing', 'committed', 'unchanged', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_MODES = ['all', 'valid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => v,
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * One uploaded file on its way in: kept (with its bytes) from upload through mapping, validation
 * and commit. The file hash makes a re-import of the same file add nothing: at most one committed
 * batch per operation, kind and file.
 */
export const importBatches = pgTable(
  'import_batches',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    /** The adapter kind, e.g. `flows.surveys`. */
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    format: text('format', { enum: ['csv', 'xlsx'] }).notNull(),
    fileHash: text('file_hash').notNull(),
    fileSize: integer('file_size').notNull(),
    /** The file, gzip-compressed. */
    content: bytea('content').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    /** The first rows (shown to the uploader while mapping), read once at upload. */
    sample: jsonb('sample').$type<string[][]>(),
    estimatedRows: integer('estimated_rows'),
    /** Adapter field → column header (a select_multiple field may name the base of 0/1 option columns). */
    mapping: jsonb('mapping').$type<Record<string, string>>(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('uploaded'),
    mode: text('mode', { enum: IMPORT_MODES }),
    /** `{ rows, valid, invalid, existing, inserted }` of the last validation or commit. */
    summary: jsonb('summary').$type<Record<string, number>>(),
    /** The problems found, each naming the row and the field (capped; issueCount has them all). */
    issues: jsonb('issues').$type<{ row: number; field: string; column: string | null; code?: string; params?: Record<string, string | number>; message: string }[]>(),
    issueCount: integer('issue_count').notNull().default(0),
    message: text('message'),
    jobId: uuid('job_id').references(() => jobs.id),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    committedAt: timestamp('committed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('import_batches_operation_idx').on(t.operationId, t.createdAt),
    index('import_batches_created_by_idx').on(t.createdBy),
    index('import_batches_job_idx').on(t.jobId),
    uniqueIndex('import_batches_committed_uq').on(t.operationId, t.kind, t.fileHash).where(sql`${t.status} = 'committed'`),
  ],
);

export type ImportBatchRow = typeof importBatches.$inferSelect;
