import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  auditPage,
  auditQuery,
  changePasswordBody,
  createRoleBody,
  createTokenBody,
  createTokenResponse,
  createUserBody,
  grantBody,
  grantParams,
  idParams,
  loginBody,
  meResponse,
  permissionView,
  roleView,
  tokenView,
  updateMeBody,
  updateRoleBody,
  updateUserBody,
  userGrantView,
  userView,
  usersPage,
  usersQuery,
  type Me,
} from './contract';
import { login } from './service';
import { createSession, deleteSession, SESSION_COOKIE, SESSION_TTL_MS } from './sessions';
import { actorOf, inTransaction, requireAuth, type AuthContext } from '../../server/context';
import { audit } from '../../server/audit';
import { AppError } from '../../server/errors';
import { PERMISSIONS } from '../../server/permissions';
import { addGrant, createUser, getUserView, listUsersPage, readUser, removeGrant, updateUser } from './users';
import { createRole, deleteRole, listRoles, updateRole } from './roles';
import { changePassword, createToken, listTokens, revokeToken, updateMe } from './account';
import { listAudit } from './audit-log';

const noContent = { 204: z.null().describe('No content') };

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

  await accountRoutes(app);
  await userAdminRoutes(app);
  await roleRoutes(app);
  await auditRoutes(app);
}

/** My account: profile, password, API tokens. Every logged-in user, on their own data only. */
async function accountRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  r.patch('/me', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Change my display name or interface language', body: updateMeBody, response: { 200: meResponse } },
  }, async (req) => presentMe(await inTransaction(req, (tx) => updateMe(tx, requireAuth(req), actorOf(req), req.body))));

  r.post('/me/password', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Change my password (my other sessions end)', body: changePasswordBody, response: noContent },
  }, async (req, reply) => {
    await inTransaction(req, (tx) => changePassword(tx, requireAuth(req), actorOf(req), req.body));
    return reply.status(204).send(null);
  });

  r.get('/me/tokens', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'My API tokens (never the secret itself)', response: { 200: z.object({ items: z.array(tokenView) }) } },
  }, async (req) => ({ items: await inTransaction(req, (tx) => listTokens(tx, requireAuth(req))) }));

  r.post('/me/tokens', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Create an API token for me; the token is shown only in this answer', body: createTokenBody, response: { 201: createTokenResponse } },
  }, async (req, reply) => {
    const created = await inTransaction(req, (tx) => createToken(tx, requireAuth(req), actorOf(req), req.body));
    return reply.status(201).send(created);
  });

  r.delete('/me/tokens/:id', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Revoke one of my API tokens', params: idParams, response: noContent },
  }, async (req, reply) => {
    await inTransaction(req, (tx) => revokeToken(tx, requireAuth(req), actorOf(req), req.params.id));
    return reply.status(204).send(null);
  });
}

/** Users and their grants. */
async function userAdminRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  r.get('/users', {
    config: { permission: 'access.users.read' },
    schema: { tags, summary: 'Users, searchable by username or display name', querystring: usersQuery, response: { 200: usersPage } },
  }, async (req) => inTransaction(req, (tx) => listUsersPage(tx, requireAuth(req), req.query)));

  r.get('/users/:id', {
    config: { permission: 'access.users.read' },
    schema: { tags, summary: 'One user with grants (the read is audited: it shows personal data)', params: idParams, response: { 200: userView } },
  }, async (req) => inTransaction(req, (tx) => readUser(tx, requireAuth(req), actorOf(req), req.params.id)));

  r.post('/users', {
    config: { permission: 'access.users.manage' },
    schema: { tags, summary: 'Create a user, optionally with grants (all or nothing)', body: createUserBody, response: { 201: userView } },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    const view = await inTransaction(req, async (tx) => {
      const u = await createUser(tx, actorOf(req), req.body, { by: auth.grants });
      return getUserView(tx, auth, u.id);
    });
    return reply.status(201).send(view);
  });

  r.patch('/users/:id', {
    config: { permission: 'access.users.manage' },
    schema: { tags, summary: 'Edit, disable or re-enable a user, or set a new password', params: idParams, body: updateUserBody, response: { 200: userView } },
  }, async (req) => inTransaction(req, (tx) => updateUser(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));

  r.post('/users/:id/grants', {
    config: { permission: 'access.users.manage' },
    schema: { tags, summary: 'Give a user a role in an operation, optionally limited to an area or organisation', params: idParams, body: grantBody, response: { 201: userGrantView } },
  }, async (req, reply) => {
    const grant = await inTransaction(req, (tx) => addGrant(tx, requireAuth(req), actorOf(req), req.params.id, req.body));
    return reply.status(201).send(grant);
  });

  r.delete('/users/:id/grants/:grantId', {
    config: { permission: 'access.users.manage' },
    schema: { tags, summary: 'Take a grant away', params: grantParams, response: noContent },
  }, async (req, reply) => {
    await inTransaction(req, (tx) => removeGrant(tx, requireAuth(req), actorOf(req), req.params.id, req.params.grantId));
    return reply.status(204).send(null);
  });
}

/** Roles and the permission catalogue. */
async function roleRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  r.get('/roles', {
    config: { permission: 'access.users.read' },
    schema: { tags, summary: 'Roles with their permissions and number of users', response: { 200: z.object({ items: z.array(roleView) }) } },
  }, async (req) => ({ items: await inTransaction(req, (tx) => listRoles(tx)) }));

  r.get('/permissions', {
    config: { permission: 'access.users.read' },
    schema: { tags, summary: 'The catalogue of permissions roles are made of', response: { 200: z.object({ items: z.array(permissionView) }) } },
  }, async () => ({ items: Object.entries(PERMISSIONS).map(([id, description]) => ({ id, description })) }));

  r.post('/roles', {
    config: { permission: 'access.roles.manage' },
    schema: { tags, summary: 'Create a role', body: createRoleBody, response: { 201: roleView } },
  }, async (req, reply) => {
    const role = await inTransaction(req, (tx) => createRole(tx, actorOf(req), req.body));
    return reply.status(201).send(role);
  });

  r.patch('/roles/:id', {
    config: { permission: 'access.roles.manage' },
    schema: { tags, summary: 'Edit a role (built-in roles cannot be edited)', params: idParams, body: updateRoleBody, response: { 200: roleView } },
  }, async (req) => inTransaction(req, (tx) => updateRole(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));

  r.delete('/roles/:id', {
    config: { permission: 'access.roles.manage' },
    schema: { tags, summary: 'Delete a role that nobody holds (built-in roles cannot be deleted)', params: idParams, response: noContent },
  }, async (req, reply) => {
    await inTransaction(req, (tx) => deleteRole(tx, actorOf(req), req.params.id));
    return reply.status(204).send(null);
  });
}

async function auditRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/audit', {
    config: { permission: 'audit.read' },
    schema: { tags: ['access'], summary: 'The audit log, newest first', querystring: auditQuery, response: { 200: auditPage } },
  }, async (req) => inTransaction(req, (tx) => listAudit(tx, requireAuth(req), req.query)));
}
