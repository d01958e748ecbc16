import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema';
import { lockDataDir } from './lock';

export type Schema = typeof schema;
/** A database handle or an open transaction: services take this and never open their own. */
export type Tx = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Tx;
  /** Runs raw SQL (several statements allowed) outside any transaction: migrations and restore. */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
  /** Human description without credentials, for logs. */
  describe: string;
}

export interface OpenOptions {
  /** postgres://… ; when absent PGlite is used. */
  url?: string;
  /** PGlite folder; `memory://` or undefined with url undefined gives an in-memory database. */
  dataDir?: string;
  /** Lock the PGlite folder against a second process (true for servers and CLI). */
  lock?: boolean;
  poolSize?: number;
}

/** Rows of a raw query, on either driver. */
export async function rows<T = Record<string, unknown>>(tx: Tx, query: SQL): Promise<T[]> {
  const res = (await tx.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    pool.on('error', () => {
      /* idle client errors are surfaced by the next query */
    });
    await pool.query('select 1');
    const u = new URL(opts.url);
    return {
      kind: 'postgres',
      db: drizzlePg(pool, { schema }) as unknown as Tx,
      exec: async (text) => {
        await pool.query(text);
      },
      close: () => pool.end(),
      describe: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`,
    };
  }
  const inMemory = !opts.dataDir || opts.dataDir === 'memory://';
  const release = !inMemory && opts.lock !== false ? lockDataDir(opts.dataDir!) : () => {};
  let client: PGlite;
  try {
    client = inMemory ? new PGlite() : new PGlite(path.join(opts.dataDir!, 'pgdata'));
    await client.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  return {
    kind: 'pglite',
    db: drizzlePglite(client, { schema }) as unknown as Tx,
    exec: async (text) => {
      await client.exec(text);
    },
    close: async () => {
      await client.close();
      release();
    },
    describe: inMemory ? 'PGlite (in memory)' : `PGlite ${opts.dataDir}`,
  };
}

export { sql };
