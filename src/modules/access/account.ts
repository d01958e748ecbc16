import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { invalid, issueAt, notFound } from '../../server/errors';
import { apiTokens, users } from './schema';
import { API_TOKEN_PREFIX, hashPassword, randomToken, sha256, verifyPassword } from './credentials';
import { endSessions, isUuid } from './users';
import type { TokenView } from './contract';

/** My account: display name and interface language. Returns the updated auth context. */
export async function updateMe(tx: Tx, auth: AuthContext, actor: Actor, body: { displayName?: string; language?: string }): Promise<AuthContext> {
  const [u] = await tx.select().from(users).where(eq(users.id, auth.user.id)).limit(1);
  if (!u) throw notFound('No such user.');
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  if (body.displayName !== undefined && body.displayName !== u.displayName) [before.displayName, after.displayName] = [u.displayName, body.displayName];
  if (body.language !== undefined && body.language !== u.language) [before.language, after.language] = [u.language, body.language];
  if (!Object.keys(after).length) return auth;
  await tx.update(users).set({ ...after, updatedAt: new Date() }).where(eq(users.id, u.id));
  await audit(tx, actor, { action: 'user.update', entityType: 'user', entityId: u.id, before, after });
  return { ...auth, user: { ...auth.user, ...after } };
}

/**
 * Changes my password after checking the current one (400 naming `body.currentPassword` when
 * wrong). Every other session of mine ends; the one in use stays.
 */
export async function changePassword(tx: Tx, auth: AuthContext, actor: Actor, body: { currentPassword: string; newPassword: string }): Promise<void> {
  const [u] = await tx.select().from(users).where(eq(users.id, auth.user.id)).limit(1).for('update');
  if (!u || !(await verifyPassword(u.passwordHash, body.currentPassword)))
    throw invalid([issueAt('body.currentPassword', 'access.passwordWrong')]);
  if (body.newPassword === body.currentPassword)
    throw invalid([issueAt('body.newPassword', 'access.passwordUnchanged')]);
  const passwordHash = await hashPassword(body.newPassword);
  await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, u.id));
  const sessionsEnded = await endSessions(tx, u.id, auth.sessionHash);
  await audit(tx, actor, {
    action: 'user.password',
    entityType: 'user',
    entityId: u.id,
    before: { passwordHash: u.passwordHash },
    after: { passwordHash },
    details: { sessionsEnded },
  });
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function tokenView(t: typeof apiTokens.$inferSelect): TokenView {
  return { id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt.toISOString(), lastUsedAt: iso(t.lastUsedAt), expiresAt: iso(t.expiresAt), revokedAt: iso(t.revokedAt) };
}

export async function listTokens(tx: Tx, auth: AuthContext): Promise<TokenView[]> {
  const list = await tx.select().from(apiTokens).where(eq(apiTokens.userId, auth.user.id)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return list.map(tokenView);
}

/** A new API token for me: `hmr_` + 256 random bits. Only its SHA-256 is stored; it is shown once. */
export async function createToken(tx: Tx, auth: AuthContext, actor: Actor, body: { name: string; expiresInDays?: number }): Promise<{ token: string; item: TokenView }> {
  const token = API_TOKEN_PREFIX + randomToken(32);
  const prefix = token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + 8);
  const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
  const [row] = await tx.insert(apiTokens).values({ userId: auth.user.id, name: body.name, prefix, tokenHash: sha256(token), expiresAt }).returning();
  await audit(tx, actor, { action: 'token.create', entityType: 'api_token', entityId: row.id, after: { userId: auth.user.id, name: row.name, prefix, expiresAt } });
  return { token, item: tokenView(row) };
}

/** Revokes one of my tokens; someone else's token answers 404. Revoking twice is a no-op. */
export async function revokeToken(tx: Tx, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  const [row] = isUuid(id)
    ? await tx.select().from(apiTokens).where(and(eq(apiTokens.id, id), eq(apiTokens.userId, auth.user.id))).limit(1)
    : [];
  if (!row) throw notFound('No such token.');
  if (row.revokedAt) return;
  const revokedAt = new Date();
  await tx.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, row.id));
  await audit(tx, actor, { action: 'token.revoke', entityType: 'api_token', entityId: row.id, before: { revokedAt: null }, after: { revokedAt } });
}
