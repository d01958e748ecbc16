import { sql } from 'drizzle-orm';
import { bigint, customType, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A 64-bit transaction id (PostgreSQL 13+); read as text, compared as BigInt. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * Which people changed, for the duplicate lookup's in-memory indexes (people/lookup.ts): one row
 * per statement that inserted, deleted or changed the match keys, removal or operation of
 * people_individuals, written by statement triggers (migration 0023), whichever process made
 * it. `xid` is the writing transaction: a process that read the registry under a snapshot whose
 * oldest running transaction was X has seen every change of a transaction older than X, so it
 * catches up with the rows whose `xid >= X` (commit order differs from id order, a sequence alone
 * would miss a slow transaction). Only ids, no personal data; rows older than a day are deleted.
 */
export const peopleLookupChanges = pgTable(
  'people_lookup_changes',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    operationId: text('operation_id').notNull(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    ids: uuid('ids').array().notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index('people_lookup_changes_op_idx').on(t.operationId, t.xid), index('people_lookup_changes_at_idx').on(t.changedAt)],
);
