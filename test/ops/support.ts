import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';

export { emptyDatabase } from '../helpers/db';

/** Public tables (without the migrations ledger), sorted by name. */
export async function publicTables(database: Database): Promise<string[]> {
  const res = (await database.db.execute(
    sql.raw(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind in ('r','p') and not c.relispartition and c.relname <> 'hamrah_migrations'
              order by 1`),
  )) as unknown as { rows: { name: string }[] };
  return res.rows.map((r) => r.name);
}

/**
 * Every row of every public table as canonical JSON text (jsonb, UTC timestamps), sorted, so that
 * two databases can be compared whatever their backend or time zone.
 */
export async function snapshot(database: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local timezone = 'UTC'`));
    const tables = (
      (await tx.execute(
        sql.raw(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = 'public' and c.relkind in ('r','p') and not c.relispartition and c.relname <> 'hamrah_migrations'
                  order by 1`),
      )) as unknown as { rows: { name: string }[] }
    ).rows.map((r) => r.name);
    for (const t of tables) {
      const res = (await tx.execute(sql.raw(`select to_jsonb(x)::text as j from "${t}" x`))) as unknown as { rows: { j: string }[] };
      out[t] = res.rows.map((r) => r.j).sort();
    }
  });
  return out;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hamrah-${prefix}-`));
}
