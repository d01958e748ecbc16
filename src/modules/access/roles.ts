import { asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, invalid, issueAt, notFound } from '../../server/errors';
import { msg } from '../../shared/messages';
import { BUILT_IN_ROLES, holds, isPermission, type Permission } from '../../server/permissions';
import type { RoleView } from './contract';
import { grants, roles } from './schema';

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

/** Every role with the number of users holding it. */
export async function listRoles(tx: Tx): Promise<RoleView[]> {
  const counts = tx
    .select({ roleId: grants.roleId, n: sql<number>`count(distinct ${grants.userId})::int`.as('n') })
    .from(grants)
    .groupBy(grants.roleId)
    .as('counts');
  const list = await tx
    .select({ id: roles.id, name: roles.name, description: roles.description, permissions: roles.permissions, builtIn: roles.builtIn, userCount: sql<number>`coalesce(${counts.n}, 0)::int` })
    .from(roles)
    .leftJoin(counts, eq(counts.roleId, roles.id))
    .orderBy(desc(roles.builtIn), asc(roles.name));
  return list.map((r) => ({ ...r, userCount: Number(r.userCount) }));
}

async function roleView(tx: Tx, id: string): Promise<RoleView> {
  const found = (await listRoles(tx)).find((r) => r.id === id);
  if (!found) throw notFound(`No role ${id}.`);
  return found;
}

/** Field errors naming each permission that is not in the catalogue; the list, sorted and unique. */
function checkPermissions(list: string[]): Permission[] {
  const bad = list.map((p, i) => ({ p, i })).filter(({ p }) => !isPermission(p));
  if (bad.length)
    throw invalid(
      bad.map(({ p, i }) => (issueAt(`body.permissions.${i}`, 'access.unknownPermission', { permission: p }))),
      `Unknown permission${bad.length > 1 ? 's' : ''}: ${bad.map(({ p }) => p).join(', ')}.`,
    );
  return [...new Set(list as Permission[])].sort();
}

export async function createRole(tx: Tx, actor: Actor, body: { id: string; name: string; description?: string; permissions: string[] }): Promise<RoleView> {
  const permissions = checkPermissions(body.permissions);
  const [taken] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.id, body.id)).limit(1);
  if (taken) throw conflict(msg('conflict.roleExists', { role: body.id }), [issueAt('body.id', 'value.taken')]);
  const values = { id: body.id, name: body.name, description: body.description ?? '', permissions, builtIn: false };
  await tx.insert(roles).values(values);
  await audit(tx, actor, { action: 'role.create', entityType: 'role', entityId: body.id, after: { name: values.name, description: values.description, permissions } });
  return roleView(tx, body.id);
}

async function editableRole(tx: Tx, id: string, change: 'edit' | 'delete') {
  const [role] = await tx.select().from(roles).where(eq(roles.id, id)).limit(1).for('update');
  if (!role) throw notFound(`No role ${id}.`);
  if (role.builtIn) throw conflict(msg(change === 'edit' ? 'conflict.roleBuiltInEdit' : 'conflict.roleBuiltInDelete', { role: id }));
  return role;
}

/**
 * Edits a custom role. Adding a permission to a role that is in use hands it to everyone holding
 * the role, so the actor must hold each added permission in every operation where the role is granted.
 */
export async function updateRole(
  tx: Tx,
  auth: AuthContext,
  actor: Actor,
  id: string,
  body: { name?: string; description?: string; permissions?: string[] },
): Promise<RoleView> {
  const role = await editableRole(tx, id, 'edit');
  const set: { name?: string; description?: string; permissions?: string[] } = {};
  if (body.name !== undefined && body.name !== role.name) set.name = body.name;
  if (body.description !== undefined && body.description !== role.description) set.description = body.description;
  if (body.permissions !== undefined) {
    const permissions = checkPermissions(body.permissions);
    if (JSON.stringify(permissions) !== JSON.stringify([...role.permissions].sort())) set.permissions = permissions;
    const added = permissions.filter((p) => !role.permissions.includes(p));
    if (added.length) {
      const ops = await tx.selectDistinct({ operationId: grants.operationId }).from(grants).where(eq(grants.roleId, id));
      for (const { operationId } of ops) {
        const missing = added.filter((p) => !holds(auth.grants, p, operationId));
        if (missing.length)
          throw new AppError('FORBIDDEN', `The role ${id} is granted in ${operationId}, where you do not hold ${missing.join(', ')}; you cannot add it.`);
      }
    }
  }
  if (Object.keys(set).length) {
    await tx.update(roles).set({ ...set, updatedAt: new Date() }).where(eq(roles.id, id));
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, role[k as keyof typeof set]]));
    await audit(tx, actor, { action: 'role.update', entityType: 'role', entityId: id, before, after: set });
  }
  return roleView(tx, id);
}

export async function deleteRole(tx: Tx, actor: Actor, id: string): Promise<void> {
  const role = await editableRole(tx, id, 'delete');
  const [{ n }] = await tx.select({ n: count() }).from(grants).where(eq(grants.roleId, id));
  if (Number(n) > 0) throw conflict(Number(n) === 1 ? msg('conflict.roleHeldOne', { role: id }) : msg('conflict.roleHeld', { role: id, n: Number(n) }));
  await tx.delete(roles).where(eq(roles.id, id));
  await audit(tx, actor, { action: 'role.delete', entityType: 'role', entityId: id, before: { name: role.name, description: role.description, permissions: role.permissions }, after: null });
}
