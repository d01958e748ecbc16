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
 * A fresh, migrated database with reference data and the demo personas (password TEST_PASSWORD).
 * On PostgreSQL a new database `hamrah_t_<random>` is created on the TEST_DATABASE_URL server and
 * dropped afterwards; no other database is touched.
 */
export async function createTestDatabase(backend: Backend, opts: { demo?: boolean } = {}): Promise<TestDatabase> {
  let database: Database;
  let drop: () => Promise<void> = async () => {};
  if (backend === 'postgres') {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error('TEST_DATABASE_URL is not set');
    const name = `hamrah_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    database = await openDatabase({ url: url.toString(), poolSize: 4 });
    drop = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    database = await openDatabase({ dataDir: 'memory://' });
  }
  await prepareDatabase(database);
  if (opts.demo !== false) await database.db.transaction((tx) => seedDemo(tx, TEST_PASSWORD));
  return {
    database,
    dispose: async () => {
      await database.close();
      await drop();
    },
  };
}
