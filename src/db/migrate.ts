import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client';
import { sql } from 'drizzle-orm';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary constant for pg_advisory_lock so that two servers never migrate at once. */
const MIGRATION_LOCK_KEY = 724_611_001;

export interface Migration {
  tag: string;
  statements: string[];
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map((e) => ({
      tag: e.tag,
      statements: fs
        .readFileSync(path.join(dir, `${e.tag}.sql`), 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter(Boolean),
    }));
}

/**
 * Applies pending migrations in order, each in its own transaction, and records them in
 * `hamrah_migrations`. Safe to run from several processes on PostgreSQL (advisory lock).
 * Returns the tags applied.
 */
export async function migrate(database: Database): Promise<string[]> {
  const { db } = database;
  await database.exec(`create table if not exists hamrah_migrations (
    tag text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    if (database.kind === 'postgres') await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    const done = new Set(
      ((await tx.execute(sql`select tag from hamrah_migrations`)) as unknown as { rows: { tag: string }[] }).rows.map(
        (r) => r.tag,
      ),
    );
    for (const m of listMigrations()) {
      if (done.has(m.tag)) continue;
      for (const statement of m.statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into hamrah_migrations (tag) values (${m.tag})`);
      applied.push(m.tag);
    }
  });
  return applied;
}
