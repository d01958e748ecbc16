import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client';
import { prepareDatabase } from '../../src/server/bootstrap';
import { seedDemo } from '../../src/modules/demo/seed';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL points at a server. */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const TEST_PASSWORD = 'test-password-123';

export interface TestDatabase {
  database: Database;
  /** Closes the connection and, on PostgreSQL, drops the database this helper created. */
  dispose(): Promise<void>;
}

/**
 * An empty database (no tables at all): PGlite in memory, or a new database `hamrah_t_<random>`
 * on the TEST_DATABASE_URL server, which dispose() drops. No other database is touched.
 */
export async function emptyDatabase(backend: Backend, poolSize = 4): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    return { database, dispose: () => database.close() };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `hamrah_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize });
  return {
    database,
    async dispose() {
      await database.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A fresh, migrated database with reference data and, unless `demo: false`, the demo personas (password TEST_PASSWORD). */
export async function createTestDatabase(backend: Backend, opts: { demo?: boolean } = {}): Promise<TestDatabase> {
  const test = await emptyDatabase(backend);
  try {
    await prepareDatabase(test.database);
    if (opts.demo !== false) await test.database.db.transaction((tx) => seedDemo(tx, TEST_PASSWORD));
  } catch (err) {
    await test.dispose();
    throw err;
  }
  return test;
}
