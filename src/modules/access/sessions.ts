import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext, AuthUser } from '../../server/context';
import type { GrantScope } from '../../server/permissions';
import { apiTokens, grants, roles, sessions, users } from './schema';
import { randomToken, sha256 } from './credentials';

export const SESSION_COOKIE = 'hamrah_session';
export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** last_seen_at / expiry are refreshed at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 5 * 60_000;

export async function loadGrants(tx: Tx, userId: string): Promise<GrantScope[]> {
  const list = await tx
    .select({
      roleId: grants.roleId,
      operationId: grants.operationId,
      areaPcode: grants.areaPcode,
      organisationId: grants.organisationId,
      permissions: roles.permissions,
    })
    .from(grants)
    .innerJoin(roles, eq(roles.id, grants.roleId))
    .where(eq(grants.userId, userId));
  return list.map((g) => ({ ...g, permissions: new Set(g.permissions) }));
}

function toAuthUser(u: typeof users.$inferSelect): AuthUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    organisationId: u.organisationId,
    language: u.language,
    isDemo: u.isDemo,
  };
}

export async function createSession(tx: Tx, userId: string): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await tx.insert(sessions).values({ idHash: sha256(token), userId, csrfToken, expiresAt });
  // Housekeeping: a user's expired sessions go when they log in again.
  await tx.delete(sessions).where(and(eq(sessions.userId, userId), sql`${sessions.expiresAt} < now()`));
  return { token, csrfToken, expiresAt };
}

export async function deleteSession(tx: Tx, sessionHash: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.idHash, sessionHash));
}

export async function authenticateSession(tx: Tx, token: string, demoMode: boolean): Promise<AuthContext | null> {
  const idHash = sha256(token);
  const [row] = await tx
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, sql`now()`)))
    .limit(1);
  if (!row || row.user.disabled || (row.user.isDemo && !demoMode)) return null;
  if (Date.now() - row.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await tx
      .update(sessions)
      .set({ lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_TTL_MS) })
      .where(eq(sessions.idHash, idHash));
  }
  return {
    user: toAuthUser(row.user),
    grants: await loadGrants(tx, row.user.id),
    via: 'session',
    csrfToken: row.session.csrfToken,
    sessionHash: idHash,
  };
}

export async function authenticateToken(tx: Tx, token: string, demoMode: boolean): Promise<AuthContext | null> {
  const tokenHash = sha256(token);
  const [row] = await tx
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    )
    .limit(1);
  if (!row || row.user.disabled || (row.user.isDemo && !demoMode)) return null;
  const last = row.token.lastUsedAt?.getTime() ?? 0;
  if (Date.now() - last > TOUCH_EVERY_MS)
    await tx.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.token.id));
  return { user: toAuthUser(row.user), grants: await loadGrants(tx, row.user.id), via: 'token' };
}
