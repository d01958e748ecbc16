import { z } from 'zod';
import { and, asc, count, desc, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client';
import { AppError, issueAt } from './errors';

/** Query parameters every list accepts. */
/** One page of a list: its items, the total over all pages, and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
});

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), nextCursor: z.string().nullable() });
}

/** Cursors are opaque to clients: base64url JSON of the sort key of the last row served. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity) return key;
  } catch {
    /* fall through */
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not one this server gave out.', [
    issueAt('cursor', 'cursor.unknown'),
  ]);
}

/**
 * Lists fetch `limit + 1` rows in sort order; this keeps `limit` of them and makes the cursor
 * from the sort key of the last one kept when more rows follow.
 */
export function takePage<T>(rows: T[], limit: number, sortKey: (last: T) => unknown[]): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(sortKey(kept[kept.length - 1])) };
}

/** One key column of a keyset-paged list, with the SQL type its cursor value is cast to. */
export interface KeyColumn {
  column: AnyPgColumn;
  /** SQL type of the cursor value ('date', 'uuid', 'text', …): a fixed name, never user input. */
  type: string;
}

/**
 * A keyset-paged list over a two-column sort key (e.g. newest date first, then id): counts the
 * rows matching `where`, reads `limit + 1` after the cursor in key order and keeps a page.
 * `keyOf` gives the cursor key of a row (the values of the two key columns).
 */
export async function keysetPage<T extends PgTable>(
  tx: Tx,
  table: T,
  where: SQL,
  key: [KeyColumn, KeyColumn],
  direction: 'asc' | 'desc',
  q: { cursor?: string; limit: number },
  keyOf: (row: T['$inferSelect']) => unknown[],
): Promise<{ rows: T['$inferSelect'][]; total: number; nextCursor: string | null }> {
  const [{ total }] = await tx.select({ total: count() }).from(table as PgTable).where(where);
  const after = decodeCursor(q.cursor, 2);
  const value = (i: 0 | 1) => sql`${String(after![i])}::${sql.raw(key[i].type)}`;
  const afterKey = after
    ? sql`(${key[0].column}, ${key[1].column}) ${sql.raw(direction === 'desc' ? '<' : '>')} (${value(0)}, ${value(1)})`
    : undefined;
  const by = direction === 'desc' ? desc : asc;
  const list = (await tx
    .select()
    .from(table as PgTable)
    .where(afterKey ? and(where, afterKey) : where)
    .orderBy(by(key[0].column), by(key[1].column))
    .limit(q.limit + 1)) as T['$inferSelect'][];
  const page = takePage(list, q.limit, keyOf);
  return { rows: page.rows, total: Number(total), nextCursor: page.nextCursor };
}
