import type { Database } from '../db/client';
import { openDatabase } from '../db/client';
import { migrate } from '../db/migrate';
import { ensureReferenceData } from '../modules/places/reference';
import { ensureBuiltInRoles } from '../modules/access/roles';
import type { Config } from './config';

/** Opens the configured database (PGlite folder, locked, or PostgreSQL). */
export function openConfigured(config: Config): Promise<Database> {
  return openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir, lock: true });
}

/** Migrations, then reference data and built-in roles: everything a fresh database needs. */
export async function prepareDatabase(database: Database): Promise<{ migrations: string[] }> {
  const migrations = await migrate(database);
  await database.db.transaction(async (tx) => {
    await ensureReferenceData(tx);
    await ensureBuiltInRoles(tx);
  });
  return { migrations };
}
