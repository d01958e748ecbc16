import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loginBody, meResponse, type Me } from './contract';
import { login } from './service';
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS } from './sessions';
import { actorOf, inTransaction, requireAuth, type AuthContext } from '../../server/context';
import { audit } from '../../server/audit';
import { AppError } from '../../server/errors';

export function presentMe(auth: AuthContext): Me {
  const permissions: Record<string, Set<string>> = {};
  for (const g of auth.grants) {
    permissions[g.operationId] ??= new Set();
    for (const p of g.permissions) permissions[g.operationId].add(p);
  }
  return {
    user: auth.user,
    csrfToken: auth.csrfToken ?? null,
    grants: auth.grants.map((g) => ({ roleId: g.roleId, operationId: g.operationId, areaPcode: g.areaPcode, organisationId: g.organisationId })),
    permissions: Object.fromEntries(Object.entries(permissions).map(([k, v]) => [k, [...v].sort()])),
  };
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.server.hamrah.config.secureCookies,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export async function accessRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/auth/login', {
    config: { permission: 'public' },
    schema: { tags: ['access'], summary: 'Log in and receive the session cookie', body: loginBody, response: { 200: meResponse } },
  }, async (req, reply) => {
    const { loginLimiter, demoMode } = req.server.hamrah;
    const { username, password } = req.body;
    const wait = loginLimiter.retryAfter(req.ip, username);
    if (wait > 0) throw new AppError('RATE_LIMITED', `Too many failed logins; try again in ${wait} s.`, undefined, { 'retry-after': String(wait) });
    const result = await inTransaction(req, async (tx) => {
      const auth = await login(tx, username, password, demoMode);
      if (!auth) return null;
      const session = await createSession(tx, auth.user.id);
      await audit(tx, { userId: auth.user.id, requestId: String(req.id) }, { action: 'session.login', entityType: 'user', entityId: auth.user.id });
      return { auth: { ...auth, csrfToken: session.csrfToken }, token: session.token };
    });
    if (!result) {
      loginLimiter.fail(req.ip, username);
      throw new AppError('INVALID_CREDENTIALS');
    }
    loginLimiter.succeed(req.ip, username);
    setSessionCookie(req, reply, result.token);
    return presentMe(result.auth);
  });

  r.post('/auth/logout', {
    config: { permission: 'authenticated' },
    schema: { tags: ['access'], summary: 'End the session', response: { 200: z.object({ ok: z.literal(true) }) } },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    if (auth.sessionHash) {
      await inTransaction(req, async (tx) => {
        await deleteSession(tx, auth.sessionHash!);
        await audit(tx, actorOf(req), { action: 'session.logout', entityType: 'user', entityId: auth.user.id });
      });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  r.get('/me', {
    config: { permission: 'authenticated' },
    schema: { tags: ['access'], summary: 'The logged-in user, grants and CSRF token', response: { 200: meResponse } },
  }, async (req) => presentMe(requireAuth(req)));
}
