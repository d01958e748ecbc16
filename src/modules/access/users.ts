import { and, asc, count, eq, gt, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { audit, auditRead, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, invalid, issueAt, notFound } from '../../server/errors';
import { msg } from '../../shared/messages';
import { holds, inSubtree, type GrantScope } from '../../server/permissions';
import { decodeCursor, takePage } from '../../server/pagination';
import { adminAreas, operations, organisations } from '../places/schema';
import { grants, roles, sessions, users } from './schema';
import { hashPassword, MIN_PASSWORD_LENGTH } from './credentials';
import type { GrantBody, UpdateUserBody, UserGrantView, UserView } from './contract';

export interface NewGrant {
  roleId: string;
  operationId: string;
  areaPcode: string | null;
  organisationId: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  email?: string | null;
  organisationId?: string | null;
  language?: string;
  grants?: (NewGrant | GrantBody)[];
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs that cannot be a uuid answer 404 like unknown ones (and never reach the database). */
export const isUuid = (s: string) => UUID_PATTERN.test(s);

const escapeLike = (s: string) => s.replace(/[%_\\]/g, '\\$&');

// ----- who may give what ------------------------------------------------------------------------

/**
 * The permissions `by` holds over a grant of (operation, area, organisation): the union over their
 * grants in that operation whose area subtree contains the area and whose organisation limit (if
 * any) is the same organisation. A grant limited to AF06 does not cover an unlimited grant.
 */
export function powersOver(by: readonly GrantScope[], operationId: string, areaPcode: string | null, organisationId: string | null): Set<string> {
  const held = new Set<string>();
  for (const g of by) {
    if (g.operationId !== operationId) continue;
    if (g.areaPcode !== null && !inSubtree(areaPcode, g.areaPcode)) continue;
    if (g.organisationId !== null && g.organisationId !== organisationId) continue;
    for (const p of g.permissions) held.add(p);
  }
  return held;
}

/**
 * Refuses (403) when the target's grants carry a permission that `by` does not hold over them: an
 * administrator must not take over (reset the password of, disable, re-point) someone who sees
 * more than they do, e.g. a GBV specialist.
 */
export async function assertCovers(tx: Tx, by: readonly GrantScope[], targetUserId: string): Promise<void> {
  const target = await tx
    .select({ operationId: grants.operationId, areaPcode: grants.areaPcode, organisationId: grants.organisationId, permissions: roles.permissions })
    .from(grants)
    .innerJoin(roles, eq(roles.id, grants.roleId))
    .where(eq(grants.userId, targetUserId));
  for (const g of target) {
    const held = powersOver(by, g.operationId, g.areaPcode, g.organisationId);
    const missing = g.permissions.filter((p) => !held.has(p));
    if (missing.length)
      throw new AppError('FORBIDDEN', `This user holds permissions you do not hold in ${g.operationId} (${missing.join(', ')}); someone who holds them must make this change.`);
  }
}

/**
 * Checks one grant before it is written: the operation exists and `by` manages users there (404
 * otherwise), the role, area and organisation exist (field errors under `path`), and the role
 * carries no permission `by` lacks over that scope (403: nobody hands out more than they hold).
 * `by` null means the system itself (CLI, seeding): no authorization, only validation.
 */
export async function checkGrant(tx: Tx, by: readonly GrantScope[] | null, g: NewGrant | GrantBody, path: string): Promise<NewGrant> {
  const operationId = g.operationId.trim().toUpperCase();
  const [op] = await tx.select({ id: operations.id }).from(operations).where(eq(operations.id, operationId)).limit(1);
  if (!op || (by && !holds(by, 'access.users.manage', operationId))) throw notFound(`No operation ${operationId}.`);
  const roleId = g.roleId.trim();
  const [role] = await tx.select({ id: roles.id, permissions: roles.permissions }).from(roles).where(eq(roles.id, roleId)).limit(1);
  if (!role) throw invalid([issueAt(`${path}.roleId`, 'access.unknownRole', { role: roleId })]);
  const areaPcode = g.areaPcode ? g.areaPcode.trim().toUpperCase() : null;
  if (areaPcode) {
    const [area] = await tx
      .select({ pcode: adminAreas.pcode })
      .from(adminAreas)
      .where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.pcode, areaPcode)))
      .limit(1);
    if (!area) throw invalid([issueAt(`${path}.areaPcode`, 'place.noAreaInOperation', { pcode: areaPcode, operationId })]);
  }
  const organisationId = g.organisationId ?? null;
  if (organisationId) {
    const [org] = isUuid(organisationId)
      ? await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).limit(1)
      : [];
    if (!org) throw invalid([issueAt(`${path}.organisationId`, 'place.unknownOrganisation')]);
  }
  if (by) {
    const held = powersOver(by, operationId, areaPcode, organisationId);
    const missing = role.permissions.filter((p) => !held.has(p));
    if (missing.length)
      throw new AppError(
        'FORBIDDEN',
        `You cannot give the role "${role.id}" in ${operationId}${areaPcode ? `/${areaPcode}` : ''}: it carries ${missing.join(', ')}, which you do not hold there.`,
      );
  }
  return { roleId: role.id, operationId, areaPcode, organisationId };
}

async function checkOrganisation(tx: Tx, organisationId: string | null | undefined, path: string): Promise<void> {
  if (!organisationId) return;
  const [org] = isUuid(organisationId)
    ? await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).limit(1)
    : [];
  if (!org) throw invalid([issueAt(path, 'place.unknownOrganisation')]);
}

async function insertGrant(tx: Tx, actor: Actor, userId: string, g: NewGrant) {
  const [dup] = await tx
    .select({ id: grants.id })
    .from(grants)
    .where(
      and(
        eq(grants.userId, userId),
        eq(grants.roleId, g.roleId),
        eq(grants.operationId, g.operationId),
        g.areaPcode ? eq(grants.areaPcode, g.areaPcode) : sql`${grants.areaPcode} is null`,
        g.organisationId ? eq(grants.organisationId, g.organisationId) : sql`${grants.organisationId} is null`,
      ),
    )
    .limit(1);
  if (dup) throw conflict(msg('conflict.grantHeld'));
  const [row] = await tx.insert(grants).values({ ...g, userId }).returning();
  await audit(tx, actor, { action: 'grant.create', entityType: 'grant', entityId: row.id, operationId: g.operationId, after: { userId, ...g } });
  return row;
}

// ----- use cases --------------------------------------------------------------------------------

/**
 * Creates a user and, optionally, grants; all or nothing (the caller's transaction). `opts.by` is
 * the acting user's grants when a person acts through the API: then each grant is authorized too.
 */
export async function createUser(tx: Tx, actor: Actor, input: NewUser, opts: { by?: readonly GrantScope[] } = {}) {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username))
    throw invalid([issueAt('body.username', 'access.usernameFormat')]);
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw invalid([issueAt('body.password', 'access.passwordTooShort', { min: MIN_PASSWORD_LENGTH })]);
  const [taken] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.username})`, username)).limit(1);
  if (taken) throw conflict(msg('conflict.usernameTaken', { username }), [issueAt('body.username', 'value.taken')]);
  await checkOrganisation(tx, input.organisationId, 'body.organisationId');
  const [u] = await tx
    .insert(users)
    .values({
      username,
      displayName: input.displayName.trim(),
      email: input.email ?? null,
      passwordHash: await hashPassword(input.password),
      organisationId: input.organisationId ?? null,
      language: input.language ?? 'en',
    })
    .returning();
  await audit(tx, actor, {
    action: 'user.create',
    entityType: 'user',
    entityId: u.id,
    after: { username, displayName: u.displayName, email: u.email, organisationId: u.organisationId, language: u.language },
  });
  const list = input.grants ?? [];
  for (let i = 0; i < list.length; i++) {
    const g = await checkGrant(tx, opts.by ?? null, list[i], `body.grants.${i}`);
    await insertGrant(tx, actor, u.id, g);
  }
  return u;
}

/** Every user with every grant (CLI). */
export async function listUsers(tx: Tx) {
  const list = await tx.select().from(users).orderBy(asc(users.username));
  const all = list.length ? await tx.select().from(grants).where(inArray(grants.userId, list.map((u) => u.id))) : [];
  return list.map((u) => ({ ...u, grants: all.filter((g) => g.userId === u.id) }));
}

/** Operations in which the viewer may see grants. */
function readableOperations(auth: AuthContext): string[] {
  return [...new Set(auth.grants.filter((g) => g.permissions.has('access.users.read')).map((g) => g.operationId))];
}

const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  organisationId: users.organisationId,
  organisationAcronym: organisations.acronym,
  language: users.language,
  isDemo: users.isDemo,
  disabled: users.disabled,
  createdAt: users.createdAt,
};
interface UserRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  organisationId: string | null;
  organisationAcronym: string | null;
  language: string;
  isDemo: boolean;
  disabled: boolean;
  createdAt: Date;
}

async function present(tx: Tx, auth: AuthContext, rows: UserRow[]): Promise<UserView[]> {
  const ops = readableOperations(auth);
  const all =
    rows.length && ops.length
      ? await tx
          .select({ id: grants.id, userId: grants.userId, roleId: grants.roleId, operationId: grants.operationId, areaPcode: grants.areaPcode, organisationId: grants.organisationId })
          .from(grants)
          .where(and(inArray(grants.userId, rows.map((u) => u.id)), inArray(grants.operationId, ops)))
          .orderBy(asc(grants.operationId), asc(grants.roleId), asc(grants.createdAt))
      : [];
  const byUser = new Map<string, UserGrantView[]>();
  for (const g of all) {
    const { userId, ...view } = g;
    byUser.set(userId, [...(byUser.get(userId) ?? []), view]);
  }
  return rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString(), grants: byUser.get(u.id) ?? [] }));
}

export async function listUsersPage(tx: Tx, auth: AuthContext, q: { q?: string; limit: number; cursor?: string }) {
  const filters: SQL[] = [];
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    filters.push(or(ilike(users.username, like), ilike(users.displayName, like))!);
  }
  const where = filters.length ? and(...filters) : undefined;
  const [{ total }] = await tx.select({ total: count() }).from(users).where(where);
  const after = decodeCursor(q.cursor, 1);
  const rows = await tx
    .select(userColumns)
    .from(users)
    .leftJoin(organisations, eq(organisations.id, users.organisationId))
    .where(after ? and(where, gt(users.username, String(after[0]))) : where)
    .orderBy(asc(users.username))
    .limit(q.limit + 1);
  const page = takePage(rows, q.limit, (r) => [r.username]);
  return { items: await present(tx, auth, page.rows), total: Number(total), nextCursor: page.nextCursor };
}

export async function getUserView(tx: Tx, auth: AuthContext, id: string): Promise<UserView> {
  const [row] = isUuid(id)
    ? await tx.select(userColumns).from(users).leftJoin(organisations, eq(organisations.id, users.organisationId)).where(eq(users.id, id)).limit(1)
    : [];
  if (!row) throw notFound('No such user.');
  return (await present(tx, auth, [row]))[0];
}

/** One user, with the read of their personal data (email) written to the audit log. */
export async function readUser(tx: Tx, auth: AuthContext, actor: Actor, id: string): Promise<UserView> {
  const view = await getUserView(tx, auth, id);
  await auditRead(tx, actor, { entityType: 'user', entityId: view.id, details: { fields: ['email'] } });
  return view;
}

export async function updateUser(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: UpdateUserBody): Promise<UserView> {
  const [u] = isUuid(id) ? await tx.select().from(users).where(eq(users.id, id)).limit(1).for('update') : [];
  if (!u) throw notFound('No such user.');
  if (body.disabled === true && u.id === auth.user.id)
    throw conflict(msg('conflict.disableSelf'), [issueAt('body.disabled', 'access.cannotDisableSelf')]);
  await assertCovers(tx, auth.grants, u.id);
  if (body.organisationId !== undefined) await checkOrganisation(tx, body.organisationId, 'body.organisationId');
  const set: Partial<typeof users.$inferInsert> = {};
  if (body.displayName !== undefined) set.displayName = body.displayName;
  if (body.email !== undefined) set.email = body.email;
  if (body.organisationId !== undefined) set.organisationId = body.organisationId;
  if (body.language !== undefined) set.language = body.language;
  if (body.disabled !== undefined) set.disabled = body.disabled;
  if (body.password !== undefined) set.passwordHash = await hashPassword(body.password);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(set)) {
    const old = u[k as keyof typeof u];
    if (k !== 'passwordHash' && old === v) continue;
    before[k] = old;
    after[k] = v;
  }
  if (Object.keys(after).length) {
    await tx.update(users).set({ ...set, updatedAt: new Date() }).where(eq(users.id, u.id));
    // A disabled user, or one whose password was reset, is logged out everywhere.
    let sessionsEnded = 0;
    if (set.disabled === true || set.passwordHash) sessionsEnded = await endSessions(tx, u.id);
    await audit(tx, actor, { action: 'user.update', entityType: 'user', entityId: u.id, before, after, ...(sessionsEnded ? { details: { sessionsEnded } } : {}) });
  }
  return getUserView(tx, auth, u.id);
}

export async function addGrant(tx: Tx, auth: AuthContext, actor: Actor, userId: string, body: GrantBody): Promise<UserGrantView> {
  const [u] = isUuid(userId) ? await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1) : [];
  if (!u) throw notFound('No such user.');
  const g = await checkGrant(tx, auth.grants, body, 'body');
  const row = await insertGrant(tx, actor, u.id, g);
  return { id: row.id, roleId: row.roleId, operationId: row.operationId, areaPcode: row.areaPcode, organisationId: row.organisationId };
}

export async function removeGrant(tx: Tx, auth: AuthContext, actor: Actor, userId: string, grantId: string): Promise<void> {
  const [g] =
    isUuid(userId) && isUuid(grantId)
      ? await tx.select().from(grants).where(and(eq(grants.id, grantId), eq(grants.userId, userId))).limit(1)
      : [];
  // A grant in an operation where the actor does not manage users is not theirs to see.
  if (!g || !holds(auth.grants, 'access.users.manage', g.operationId)) throw notFound('No such grant.');
  await tx.delete(grants).where(eq(grants.id, g.id));
  await audit(tx, actor, {
    action: 'grant.delete',
    entityType: 'grant',
    entityId: g.id,
    operationId: g.operationId,
    before: { userId: g.userId, roleId: g.roleId, operationId: g.operationId, areaPcode: g.areaPcode, organisationId: g.organisationId },
    after: null,
  });
}

/** Ends every session of a user but, optionally, one. */
export async function endSessions(tx: Tx, userId: string, keepHash?: string): Promise<number> {
  const where = keepHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepHash)) : eq(sessions.userId, userId);
  return (await tx.delete(sessions).where(where).returning({ h: sessions.idHash })).length;
}
