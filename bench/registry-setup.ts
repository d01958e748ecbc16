/**
 * What the registry benchmarks share: numeric `--name value` arguments, process CPU time, a
 * registrar's auth, and a fresh database (PGlite in memory, or DATABASE_URL) loaded with synthetic
 * AFG households from the people demo generator plus the planted look-alike households.
 */
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/db/client';
import { prepareDatabase } from '../src/server/bootstrap';
import type { AuthContext } from '../src/server/context';
import { BUILT_IN_ROLES } from '../src/server/permissions';
import { demoPlaces, generateHouseholds, insertHouseholds, plantedHouseholds } from '../src/modules/people/demo';
import type { Tx } from '../src/db/client';

export const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

/** Process CPU time so far, in ms. */
export const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A registrar of AFG as an API token would be. */
export function registrarAuth(): AuthContext {
  const registrar = BUILT_IN_ROLES.find((r) => r.id === 'registrar')!;
  return {
    user: { id: '00000000-0000-7000-8000-000000000001', username: 'bench', displayName: 'Bench', organisationId: null, language: 'en', isDemo: false },
    grants: [{ roleId: 'registrar', operationId: 'AFG', areaPcode: null, organisationId: null, permissions: new Set(registrar.permissions) }],
    via: 'token',
  };
}

/** A fresh database with the schema. */
export async function openBenchDatabase(): Promise<Database> {
  const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: 'memory://' });
  await prepareDatabase(database);
  return database;
}

/**
 * Registers about `people` synthetic people (4.4 per household) in AFG, in steps of 5,000
 * households, the planted look-alikes in the first; `aroundStep` wraps each step's insert (index
 * tricks). Analyses the tables after. Returns the number of people written.
 */
export async function loadRegistry(database: Database, people: number, aroundStep?: (tx: Tx, step: { first: boolean; last: boolean }, insert: () => Promise<{ individuals: number }>) => Promise<{ individuals: number }>): Promise<number> {
  const db = database.db;
  const places = await demoPlaces(db);
  const households = Math.round(people / 4.4);
  let loaded = 0;
  for (let i = 0, batch = 5000; i < households; i += batch) {
    const list = generateHouseholds(places, { households: Math.min(batch, households - i), operationId: 'AFG', seed: 1000 + i, days: 365 });
    if (i === 0) list.push(...plantedHouseholds(places).filter((h) => h.operationId === 'AFG'));
    const step = { first: i === 0, last: i + batch >= households };
    const r = await db.transaction((tx) => {
      const insert = () => insertHouseholds(tx, list, { snapshots: false });
      return aroundStep ? aroundStep(tx, step, insert) : insert();
    });
    loaded += r.individuals;
  }
  await db.execute(sql`analyze`);
  return loaded;
}
