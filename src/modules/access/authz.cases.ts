import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { AuthzCase } from '../../../test/authz/types';
import { everyone, only } from '../../../test/authz/types';
import { TEST_PASSWORD } from '../../../test/helpers/db';
import type { TestApp } from '../../../test/helpers/app';
import { PERSONAS } from '../demo/personas';
import { users } from './schema';

async function userIdOf(t: TestApp, username: string): Promise<string> {
  const [u] = await t.db.database.db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
  if (!u) throw new Error(`no user ${username}`);
  return u.id;
}

/** A fresh user made by the admin for one persona's request, so that cases never collide. */
async function freshUser(t: TestApp, tag: string, persona: string): Promise<string> {
  const res = await (await t.as('admin')).post('/api/v1/users', { username: `authz-${tag}-${persona}`, displayName: `Authz ${tag} ${persona}`, password: `${TEST_PASSWORD}-x` });
  if (res.statusCode !== 201) throw new Error(`fixture user: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

async function freshRole(t: TestApp, tag: string, persona: string): Promise<string> {
  const id = `authz-${tag}-${persona}`;
  const res = await (await t.as('admin')).post('/api/v1/roles', { id, name: `Authz ${tag} ${persona}`, permissions: ['places.read'] });
  if (res.statusCode !== 201) throw new Error(`fixture role: ${res.statusCode} ${res.body}`);
  return id;
}

const ADMIN_ONLY = (ok: number) => only(['admin'], ok, 403);

/** Logs in anew so that a case that ends the session does not end the matrix's shared one. */
export async function freshSessionHeaders(t: TestApp, persona: string): Promise<Record<string, string>> {
  if (persona === 'anonymous') return {};
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: persona, password: TEST_PASSWORD } });
  const cookie = res.cookies.find((c) => c.name === 'hamrah_session')!;
  return { cookie: `hamrah_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken };
}

export const cases: AuthzCase[] = [
  { route: 'GET /api/v1/me', request: () => ({ method: 'GET', url: '/api/v1/me' }), expect: everyone(200) },
  {
    route: 'POST /api/v1/auth/logout',
    request: async (t, persona) => ({ method: 'POST', url: '/api/v1/auth/logout', headers: await freshSessionHeaders(t, persona) }),
    expect: everyone(200),
  },
  {
    route: 'POST /api/v1/auth/login',
    title: 'wrong password for everyone',
    request: (_t, persona) => ({ method: 'POST', url: '/api/v1/auth/login', payload: { username: persona, password: `${TEST_PASSWORD}-wrong` } }),
    expect: everyone(401),
    anonymous: 401,
  },

  // ----- my account: every persona, on their own data, gets the same answer ---------------------
  {
    route: 'PATCH /api/v1/me',
    title: 'set my own display name to what it is',
    request: (_t, persona) => ({ method: 'PATCH', url: '/api/v1/me', payload: { displayName: PERSONAS.find((p) => p.username === persona)?.displayName ?? 'Nobody' } }),
    expect: everyone(200),
  },
  {
    route: 'POST /api/v1/me/password',
    title: 'wrong current password',
    request: (_t, persona) => ({ method: 'POST', url: '/api/v1/me/password', payload: { currentPassword: `${TEST_PASSWORD}-not-${persona}`, newPassword: `new-password-${persona}` } }),
    expect: everyone(400),
  },
  { route: 'GET /api/v1/me/tokens', request: () => ({ method: 'GET', url: '/api/v1/me/tokens' }), expect: everyone(200) },
  {
    route: 'POST /api/v1/me/tokens',
    request: (_t, persona) => ({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: `authz token ${persona}`, expiresInDays: 1 } }),
    expect: everyone(201),
  },
  {
    route: 'DELETE /api/v1/me/tokens/:id',
    title: 'revoke my own token',
    request: async (t, persona) => {
      if (persona === 'anonymous') return { method: 'DELETE', url: `/api/v1/me/tokens/${randomUUID()}` };
      const res = await (await t.as(persona)).post('/api/v1/me/tokens', { name: `authz revoke ${persona}` });
      return { method: 'DELETE', url: `/api/v1/me/tokens/${res.json().item.id}` };
    },
    expect: everyone(204),
  },
  {
    route: 'DELETE /api/v1/me/tokens/:id',
    title: "someone else's token is not found",
    request: async (t, persona) => {
      const owner = persona === 'viewer' ? 'analyst' : 'viewer';
      const res = await (await t.as(owner)).post('/api/v1/me/tokens', { name: `authz foreign ${persona}` });
      return { method: 'DELETE', url: `/api/v1/me/tokens/${res.json().item.id}` };
    },
    expect: everyone(404),
  },
  // ----- users and grants: the admin only -------------------------------------------------------
  { route: 'GET /api/v1/users', request: () => ({ method: 'GET', url: '/api/v1/users?q=a&limit=5' }), expect: ADMIN_ONLY(200) },
  {
    route: 'GET /api/v1/users/:id',
    request: async (t) => ({ method: 'GET', url: `/api/v1/users/${await userIdOf(t, 'viewer')}` }),
    expect: ADMIN_ONLY(200),
  },
  {
    route: 'GET /api/v1/users/:id',
    title: 'unknown user',
    request: () => ({ method: 'GET', url: `/api/v1/users/${randomUUID()}` }),
    expect: ADMIN_ONLY(404),
  },
  {
    route: 'POST /api/v1/users',
    request: (_t, persona) => ({ method: 'POST', url: '/api/v1/users', payload: { username: `authz-new-${persona}`, displayName: `New ${persona}`, password: `${TEST_PASSWORD}-new` } }),
    expect: ADMIN_ONLY(201),
  },
  {
    route: 'PATCH /api/v1/users/:id',
    request: async (t, persona) => ({ method: 'PATCH', url: `/api/v1/users/${await freshUser(t, 'edit', persona)}`, payload: { displayName: `Edited ${persona}` } }),
    expect: ADMIN_ONLY(200),
  },
  {
    route: 'PATCH /api/v1/users/:id',
    title: 'nobody here may take over the GBV specialist, who sees more than the admin',
    request: async (t, persona) => ({ method: 'PATCH', url: `/api/v1/users/${await userIdOf(t, 'gbv')}`, payload: { password: `takeover-${persona}-pw` } }),
    expect: everyone(403),
  },
  {
    route: 'POST /api/v1/users/:id/grants',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/users/${await freshUser(t, 'grant', persona)}/grants`, payload: { roleId: 'viewer', operationId: 'PAK' } }),
    expect: ADMIN_ONLY(201),
  },
  {
    route: 'POST /api/v1/users/:id/grants',
    title: 'nobody hands out the GBV role without holding GBV access',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/users/${await freshUser(t, 'escalate', persona)}/grants`, payload: { roleId: 'gbv', operationId: 'AFG' } }),
    expect: everyone(403),
  },
  {
    route: 'DELETE /api/v1/users/:id/grants/:grantId',
    request: async (t, persona) => {
      const id = await freshUser(t, 'ungrant', persona);
      const g = await (await t.as('admin')).post(`/api/v1/users/${id}/grants`, { roleId: 'viewer', operationId: 'AFG' });
      return { method: 'DELETE', url: `/api/v1/users/${id}/grants/${g.json().id}` };
    },
    expect: ADMIN_ONLY(204),
  },
  // ----- roles ----------------------------------------------------------------------------------
  { route: 'GET /api/v1/roles', request: () => ({ method: 'GET', url: '/api/v1/roles' }), expect: ADMIN_ONLY(200) },
  { route: 'GET /api/v1/permissions', request: () => ({ method: 'GET', url: '/api/v1/permissions' }), expect: ADMIN_ONLY(200) },
  {
    route: 'POST /api/v1/roles',
    request: (_t, persona) => ({ method: 'POST', url: '/api/v1/roles', payload: { id: `authz-new-${persona}`, name: `Role ${persona}`, permissions: ['places.read', 'flows.read'] } }),
    expect: ADMIN_ONLY(201),
  },
  {
    route: 'PATCH /api/v1/roles/:id',
    request: async (t, persona) => ({ method: 'PATCH', url: `/api/v1/roles/${await freshRole(t, 'edit', persona)}`, payload: { name: `Edited ${persona}` } }),
    expect: ADMIN_ONLY(200),
  },
  {
    route: 'PATCH /api/v1/roles/:id',
    title: 'built-in roles are managed by code',
    request: () => ({ method: 'PATCH', url: '/api/v1/roles/viewer', payload: { name: 'Donor' } }),
    expect: ADMIN_ONLY(409),
  },
  {
    route: 'DELETE /api/v1/roles/:id',
    request: async (t, persona) => ({ method: 'DELETE', url: `/api/v1/roles/${await freshRole(t, 'drop', persona)}` }),
    expect: ADMIN_ONLY(204),
  },
  {
    route: 'DELETE /api/v1/roles/:id',
    title: 'built-in roles cannot be deleted',
    request: () => ({ method: 'DELETE', url: '/api/v1/roles/viewer' }),
    expect: ADMIN_ONLY(409),
  },
  // ----- audit ----------------------------------------------------------------------------------
  { route: 'GET /api/v1/audit', request: () => ({ method: 'GET', url: '/api/v1/audit?limit=10' }), expect: ADMIN_ONLY(200) },
  {
    route: 'GET /api/v1/audit',
    title: 'an operation the reader holds no audit.read in',
    request: () => ({ method: 'GET', url: '/api/v1/audit?operation=XYZ' }),
    expect: ADMIN_ONLY(404),
  },
];
