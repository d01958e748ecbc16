import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { BUILT_IN_ROLES } from '../../server/permissions';
import { roles } from './schema';

/** Creates the built-in roles, and brings their permission sets up to date with the code. */
export async function ensureBuiltInRoles(tx: Tx): Promise<void> {
  await tx
    .insert(roles)
    .values(BUILT_IN_ROLES.map((r) => ({ id: r.id, name: r.name, description: r.description, permissions: r.permissions, builtIn: true })))
    .onConflictDoUpdate({
      target: roles.id,
      set: { permissions: sql`excluded.permissions`, name: sql`excluded.name`, description: sql`excluded.description`, builtIn: sql`true` },
    });
}
