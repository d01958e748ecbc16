import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import { conflict, invalid } from '../../server/errors';
import { grants, roles, users } from './schema';
import { hashPassword, MIN_PASSWORD_LENGTH } from './credentials';

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
  grants?: NewGrant[];
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export async function createUser(tx: Tx, actor: Actor, input: NewUser) {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username))
    throw invalid([{ path: 'username', message: 'Use 2–63 lower-case letters, digits, dots, dashes or underscores.' }]);
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw invalid([{ path: 'password', message: `At least ${MIN_PASSWORD_LENGTH} characters.` }]);
  const [taken] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.username})`, username)).limit(1);
  if (taken) throw conflict(`The username ${username} is taken.`, [{ path: 'username', message: 'Already taken.' }]);
  const [u] = await tx
    .insert(users)
    .values({
      username,
      displayName: input.displayName,
      email: input.email ?? null,
      passwordHash: await hashPassword(input.password),
      organisationId: input.organisationId ?? null,
      language: input.language ?? 'en',
    })
    .returning();
  await audit(tx, actor, { action: 'user.create', entityType: 'user', entityId: u.id, after: { username, displayName: u.displayName, organisationId: u.organisationId, language: u.language } });
  for (const g of input.grants ?? []) {
    const [role] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.id, g.roleId)).limit(1);
    if (!role) throw invalid([{ path: 'grants.roleId', message: `Unknown role ${g.roleId}.` }]);
    const [row] = await tx.insert(grants).values({ ...g, userId: u.id }).returning();
    await audit(tx, actor, { action: 'grant.create', entityType: 'grant', entityId: row.id, operationId: g.operationId, after: { userId: u.id, ...g } });
  }
  return u;
}

export async function listUsers(tx: Tx) {
  const list = await tx.select().from(users).orderBy(asc(users.username));
  const all = list.length ? await tx.select().from(grants).where(inArray(grants.userId, list.map((u) => u.id))) : [];
  return list.map((u) => ({ ...u, grants: all.filter((g) => g.userId === u.id) }));
}
