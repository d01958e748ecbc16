import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TEST_PASSWORD } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { rows, sql } from '../../db/client';
import { ALL_PERMISSIONS } from '../../server/permissions';
import { MIN_PASSWORD_LENGTH, sha256 } from './credentials';
import { PASSWORD_MIN } from './contract';

const PW = 'a-long-password-1';

describe.each(BACKENDS)('access administration on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  const q = <T = Record<string, unknown>>(query: ReturnType<typeof sql>) => rows<T>(t.db.database.db, query);
  const auditRowsFor = (requestId: string) => q<{ action: string; changes: Record<string, unknown> | null; sensitive_read: boolean }>(sql`select action, changes, sensitive_read from audit_log where request_id = ${requestId} order by id`);
  let seq = 0;
  const rid = () => `test-req-${backend}-${Date.now()}-${++seq}`;

  async function newUser(username: string, extra: Record<string, unknown> = {}) {
    const res = await admin.post('/api/v1/users', { username, displayName: `Test ${username}`, password: PW, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; username: string };
  }

  async function orgId(acronym: string): Promise<string> {
    const [o] = await q<{ id: string }>(sql`select id from organisations where acronym = ${acronym}`);
    return o.id;
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
  });
  afterAll(async () => t?.close());

  it('keeps the contract password minimum equal to the server one', () => {
    expect(PASSWORD_MIN).toBe(MIN_PASSWORD_LENGTH);
  });

  describe('users', () => {
    it('creates a user and reads it back', async () => {
      const hra = await orgId('HRA');
      const res = await admin.post('/api/v1/users', { username: 'Zahra.K', displayName: 'Zahra Karimi', email: 'zahra@example.org', password: PW, organisationId: hra, language: 'fa-AF' });
      expect(res.statusCode, res.body).toBe(201);
      const u = res.json();
      expect(u).toMatchObject({ username: 'zahra.k', displayName: 'Zahra Karimi', email: 'zahra@example.org', organisationId: hra, organisationAcronym: 'HRA', language: 'fa-AF', isDemo: false, disabled: false, grants: [] });
      expect(new Date(u.createdAt).toISOString()).toBe(u.createdAt);
      const one = await admin.get(`/api/v1/users/${u.id}`);
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual(u);
    });

    it('lists users with search and cursor pagination', async () => {
      const byName = await admin.get('/api/v1/users?q=KARIMI');
      expect(byName.json().items.map((u: { username: string }) => u.username)).toEqual(['zahra.k']);
      const byUsername = await admin.get('/api/v1/users?q=enumer');
      expect(byUsername.json().items[0]).toMatchObject({ username: 'enumerator', organisationAcronym: 'IOM', isDemo: true });
      expect(byUsername.json().items[0].grants.map((g: { areaPcode: string }) => g.areaPcode).sort()).toEqual(['AF06', 'AF27']);
      const seen: string[] = [];
      let cursor: string | null = null;
      let total = 0;
      do {
        const page: { items: { username: string }[]; total: number; nextCursor: string | null } = (
          await admin.get(`/api/v1/users?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        total = page.total;
        seen.push(...page.items.map((u) => u.username));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.length).toBe(total);
      expect(new Set(seen).size).toBe(total);
      expect([...seen].sort()).toEqual(seen);
      const bad = await admin.get('/api/v1/users?cursor=garbage');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields[0].path).toBe('cursor');
    });

    it('answers 404 for unknown and malformed ids', async () => {
      expect((await admin.get('/api/v1/users/0190c1c2-0000-7000-8000-000000000000')).statusCode).toBe(404);
      expect((await admin.get('/api/v1/users/not-a-uuid')).statusCode).toBe(404);
      expect((await admin.patch('/api/v1/users/not-a-uuid', { displayName: 'x' })).statusCode).toBe(404);
    });

    it('audits reading one user as a sensitive read', async () => {
      const [viewer] = await q<{ id: string }>(sql`select id from users where username = 'viewer'`);
      const requestId = rid();
      const res = await admin.request({ method: 'GET', url: `/api/v1/users/${viewer.id}`, headers: { 'x-request-id': requestId } });
      expect(res.statusCode).toBe(200);
      const written = await auditRowsFor(requestId);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ action: 'user.read', sensitive_read: true, changes: { _details: { fields: ['email'] } } });
    });

    it('names the field in bad input', async () => {
      const cases: [Record<string, unknown>, string, number?][] = [
        [{ username: 'x1', displayName: 'X' }, 'body.password'],
        [{ username: 'shortpw', displayName: 'X', password: 'short' }, 'body.password'],
        [{ username: 'bademail', displayName: 'X', password: PW, email: 'not-an-email' }, 'body.email'],
        [{ username: 'bad user!', displayName: 'X', password: PW }, 'body.username'],
        [{ username: 'badlang', displayName: 'X', password: PW, language: 'xx' }, 'body.language'],
        [{ username: 'badorg', displayName: 'X', password: PW, organisationId: '0190c1c2-0000-7000-8000-000000000000' }, 'body.organisationId'],
        [{ username: 'badarea', displayName: 'X', password: PW, grants: [{ roleId: 'viewer', operationId: 'AFG', areaPcode: 'PK5' }] }, 'body.grants.0.areaPcode'],
        [{ username: 'badrole', displayName: 'X', password: PW, grants: [{ roleId: 'viewer', operationId: 'AFG' }, { roleId: 'nope', operationId: 'AFG' }] }, 'body.grants.1.roleId'],
        [{ username: 'admin', displayName: 'X', password: PW }, 'body.username', 409],
      ];
      for (const [body, field, status] of cases) {
        const res = await admin.post('/api/v1/users', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(status ?? 400);
        expect(res.json().error.fields.map((f: { path: string }) => f.path), JSON.stringify(body)).toContain(field);
      }
      const unknownOp = await admin.post('/api/v1/users', { username: 'badop', displayName: 'X', password: PW, grants: [{ roleId: 'viewer', operationId: 'XYZ' }] });
      expect(unknownOp.statusCode).toBe(404);
      const [{ n }] = await q<{ n: number }>(sql`select count(*)::int as n from users where username in ('badarea','badrole','badop')`);
      expect(n).toBe(0);
    });

    it('edits a user and audits only the changed fields', async () => {
      const u = await newUser('edit.me', { email: 'old@example.org' });
      const requestId = rid();
      const res = await admin.request({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: { 'x-request-id': requestId }, payload: { displayName: 'Edited Name', email: 'new@example.org', language: 'en' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ displayName: 'Edited Name', email: 'new@example.org', language: 'en' });
      const written = await auditRowsFor(requestId);
      expect(written).toHaveLength(1);
      expect(written[0].action).toBe('user.update');
      expect(written[0].changes).toEqual({ displayName: { before: 'Test edit.me', after: 'Edited Name' }, email: { before: 'old@example.org', after: 'new@example.org' } });
      const pw = await admin.patch(`/api/v1/users/${u.id}`, { password: 'short' });
      expect(pw.statusCode).toBe(400);
      expect(pw.json().error.fields[0].path).toBe('body.password');
    });

    it('disabling ends the user’s sessions; nobody disables themselves', async () => {
      const u = await newUser('to.disable');
      const agent = await t.as('to.disable', PW);
      expect((await agent.get('/api/v1/me')).statusCode).toBe(200);
      const res = await admin.patch(`/api/v1/users/${u.id}`, { disabled: true });
      expect(res.statusCode).toBe(200);
      expect(res.json().disabled).toBe(true);
      expect((await agent.get('/api/v1/me')).statusCode).toBe(401);
      const [{ n }] = await q<{ n: number }>(sql`select count(*)::int as n from sessions where user_id = ${u.id}`);
      expect(n).toBe(0);
      expect((await t.anon.post('/api/v1/auth/login', { username: 'to.disable', password: PW })).statusCode).toBe(401);
      expect((await admin.patch(`/api/v1/users/${u.id}`, { disabled: false })).json().disabled).toBe(false);
      expect((await t.anon.post('/api/v1/auth/login', { username: 'to.disable', password: PW })).statusCode).toBe(200);

      const me = (await admin.get('/api/v1/me')).json().user.id;
      const self = await admin.patch(`/api/v1/users/${me}`, { disabled: true });
      expect(self.statusCode).toBe(409);
      expect(self.json().error.fields[0].path).toBe('body.disabled');
      expect(self.json().error).toMatchObject({ message: 'You cannot disable your own account.', messageCode: 'conflict.disableSelf' });
    });

    it('an admin cannot take over a user who holds more than they do', async () => {
      const [gbv] = await q<{ id: string }>(sql`select id from users where username = 'gbv'`);
      const res = await admin.patch(`/api/v1/users/${gbv.id}`, { password: 'takeover-password' });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toContain('cases.gbv.read');
    });
  });

  describe('grants', () => {
    it('gives and takes grants, scoped to areas and organisations', async () => {
      const u = await newUser('grantee');
      const area = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'enumerator', operationId: 'afg', areaPcode: 'af06' });
      expect(area.statusCode, area.body).toBe(201);
      expect(area.json()).toMatchObject({ roleId: 'enumerator', operationId: 'AFG', areaPcode: 'AF06', organisationId: null });
      const hra = await orgId('HRA');
      const org = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'partner', operationId: 'PAK', organisationId: hra });
      expect(org.statusCode).toBe(201);
      const dup = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'partner', operationId: 'PAK', organisationId: hra });
      expect(dup.statusCode).toBe(409);
      expect((await admin.get(`/api/v1/users/${u.id}`)).json().grants).toHaveLength(2);
      expect((await admin.delete(`/api/v1/users/${u.id}/grants/${area.json().id}`)).statusCode).toBe(204);
      expect((await admin.delete(`/api/v1/users/${u.id}/grants/${area.json().id}`)).statusCode).toBe(404);
      expect((await admin.get(`/api/v1/users/${u.id}`)).json().grants.map((g: { roleId: string }) => g.roleId)).toEqual(['partner']);
    });

    it('names the bad field of a grant and hides unknown operations', async () => {
      const u = await newUser('grantee2');
      const badArea = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'viewer', operationId: 'AFG', areaPcode: 'AF9999' });
      expect(badArea.statusCode).toBe(400);
      expect(badArea.json().error.fields[0].path).toBe('body.areaPcode');
      const badOrg = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'viewer', operationId: 'AFG', organisationId: 'nope' });
      expect(badOrg.json().error.fields[0].path).toBe('body.organisationId');
      const badRole = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'wizard', operationId: 'AFG' });
      expect(badRole.json().error.fields[0].path).toBe('body.roleId');
      expect((await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'viewer', operationId: 'XYZ' })).statusCode).toBe(404);
      expect((await admin.post(`/api/v1/users/0190c1c2-0000-7000-8000-000000000000/grants`, { roleId: 'viewer', operationId: 'AFG' })).statusCode).toBe(404);
    });

    it('refuses to hand out a permission the giver does not hold (no escalation)', async () => {
      const u = await newUser('escalate.target');
      for (const roleId of ['gbv', 'psea']) {
        const requestId = rid();
        const res = await admin.request({ method: 'POST', url: `/api/v1/users/${u.id}/grants`, headers: { 'x-request-id': requestId }, payload: { roleId, operationId: 'AFG' } });
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
        expect(res.json().error.message).toMatch(roleId === 'gbv' ? /cases\.gbv\.read/ : /feedback\.psea\.read/);
        expect(await auditRowsFor(requestId)).toEqual([]);
      }
      expect((await admin.get(`/api/v1/users/${u.id}`)).json().grants).toEqual([]);
    });

    it('an area-limited manager cannot give grants beyond their area, nor outside their operations', async () => {
      await admin.post('/api/v1/roles', { id: 'area-admin', name: 'Area admin', permissions: ['access.users.read', 'access.users.manage', 'places.read', 'flows.read'] });
      const boss = await newUser('area.boss');
      expect((await admin.post(`/api/v1/users/${boss.id}/grants`, { roleId: 'area-admin', operationId: 'AFG', areaPcode: 'AF06' })).statusCode).toBe(201);
      const agent = await t.as('area.boss', PW);
      const u = await newUser('area.target');
      await admin.post('/api/v1/roles', { id: 'flows-reader', name: 'Flows reader', permissions: ['places.read', 'flows.read'] });
      expect((await agent.post(`/api/v1/users/${u.id}/grants`, { roleId: 'flows-reader', operationId: 'AFG', areaPcode: 'AF0601' })).statusCode).toBe(201);
      expect((await agent.post(`/api/v1/users/${u.id}/grants`, { roleId: 'flows-reader', operationId: 'AFG' })).statusCode).toBe(403);
      expect((await agent.post(`/api/v1/users/${u.id}/grants`, { roleId: 'flows-reader', operationId: 'AFG', areaPcode: 'AF27' })).statusCode).toBe(403);
      expect((await agent.post(`/api/v1/users/${u.id}/grants`, { roleId: 'flows-reader', operationId: 'PAK' })).statusCode).toBe(404);
      // and sees only the grants of operations where they read users
      const pakGrant = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'viewer', operationId: 'PAK' });
      expect((await agent.get(`/api/v1/users/${u.id}`)).json().grants.map((g: { operationId: string }) => g.operationId)).toEqual(['AFG']);
      expect((await agent.delete(`/api/v1/users/${u.id}/grants/${pakGrant.json().id}`)).statusCode).toBe(404);
    });
  });

  describe('roles and permissions', () => {
    it('lists roles with user counts and the permission catalogue', async () => {
      const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; builtIn: boolean; userCount: number; permissions: string[] }[];
      const adminRole = roles.find((r) => r.id === 'admin')!;
      expect(adminRole.builtIn).toBe(true);
      expect(adminRole.userCount).toBe(1);
      expect(adminRole.permissions).not.toContain('cases.gbv.read');
      expect(roles.find((r) => r.id === 'analyst')!.userCount).toBe(1);
      const perms = (await admin.get('/api/v1/permissions')).json().items as { id: string; description: string }[];
      expect(perms.map((p) => p.id)).toEqual(ALL_PERMISSIONS);
      expect(perms.every((p) => p.description.length > 0)).toBe(true);
    });

    it('creates, edits and deletes a custom role; names bad permissions', async () => {
      const bad = await admin.post('/api/v1/roles', { id: 'stock-clerk', name: 'Stock clerk', permissions: ['pipeline.read', 'pipeline.teleport', 'nope'] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields).toEqual([
        { path: 'body.permissions.1', code: 'access.unknownPermission', params: { permission: 'pipeline.teleport' }, message: 'Unknown permission "pipeline.teleport".' },
        { path: 'body.permissions.2', code: 'access.unknownPermission', params: { permission: 'nope' }, message: 'Unknown permission "nope".' },
      ]);
      const upper = await admin.post('/api/v1/roles', { id: 'Stock', name: 'Stock clerk', permissions: [] });
      expect(upper.statusCode).toBe(400);
      expect(upper.json().error.fields[0].path).toBe('body.id');
      const created = await admin.post('/api/v1/roles', { id: 'stock-clerk', name: 'Stock clerk', description: 'Counts stock', permissions: ['pipeline.read', 'places.read'] });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toEqual({ id: 'stock-clerk', name: 'Stock clerk', description: 'Counts stock', permissions: ['pipeline.read', 'places.read'], builtIn: false, userCount: 0 });
      expect((await admin.post('/api/v1/roles', { id: 'stock-clerk', name: 'Again', permissions: [] })).statusCode).toBe(409);
      const requestId = rid();
      const edited = await admin.request({ method: 'PATCH', url: '/api/v1/roles/stock-clerk', headers: { 'x-request-id': requestId }, payload: { permissions: ['pipeline.read', 'pipeline.stock.write', 'places.read'] } });
      expect(edited.statusCode).toBe(200);
      expect(edited.json().permissions).toEqual(['pipeline.read', 'pipeline.stock.write', 'places.read']);
      const written = await auditRowsFor(requestId);
      expect(written).toHaveLength(1);
      expect(written[0].action).toBe('role.update');
      const u = await newUser('clerk');
      const g = await admin.post(`/api/v1/users/${u.id}/grants`, { roleId: 'stock-clerk', operationId: 'AFG' });
      expect(g.statusCode).toBe(201);
      // adding GBV access to a role in use would hand it out: refused
      expect((await admin.patch('/api/v1/roles/stock-clerk', { permissions: ['pipeline.read', 'cases.gbv.read'] })).statusCode).toBe(403);
      const held = await admin.delete('/api/v1/roles/stock-clerk');
      expect(held.statusCode).toBe(409);
      expect(held.json().error).toMatchObject({ message: 'The role stock-clerk is held in 1 grant; take that grant away first.', messageCode: 'conflict.roleHeldOne', messageParams: { role: 'stock-clerk' } });
      expect((await admin.delete(`/api/v1/users/${u.id}/grants/${g.json().id}`)).statusCode).toBe(204);
      expect((await admin.delete('/api/v1/roles/stock-clerk')).statusCode).toBe(204);
      expect((await admin.patch('/api/v1/roles/stock-clerk', { name: 'x' })).statusCode).toBe(404);
      expect((await admin.patch('/api/v1/roles/admin', { name: 'x' })).json().error).toMatchObject({ code: 'CONFLICT', messageCode: 'conflict.roleBuiltInEdit', messageParams: { role: 'admin' } });
      expect((await admin.delete('/api/v1/roles/admin')).json().error).toMatchObject({ code: 'CONFLICT', messageCode: 'conflict.roleBuiltInDelete', messageParams: { role: 'admin' } });
    });
  });

  describe('my account', () => {
    it('changes my display name and language', async () => {
      await newUser('me.profile');
      const me = await t.as('me.profile', PW);
      const res = await me.patch('/api/v1/me', { displayName: 'Profile Person', language: 'ps' });
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ displayName: 'Profile Person', language: 'ps' });
      expect((await me.get('/api/v1/me')).json().user.language).toBe('ps');
      expect((await me.patch('/api/v1/me', { language: 'klingon' })).json().error.fields[0].path).toBe('body.language');
    });

    it('changes my password after checking the current one', async () => {
      await newUser('me.password');
      const me = await t.as('me.password', PW);
      const other = await t.as('me.password', PW); // a second session (not cached: non-default password)
      const wrong = await me.post('/api/v1/me/password', { currentPassword: 'not-my-password', newPassword: 'another-long-one' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.fields[0].path).toBe('body.currentPassword');
      const short = await me.post('/api/v1/me/password', { currentPassword: PW, newPassword: 'short' });
      expect(short.statusCode).toBe(400);
      expect(short.json().error.fields[0].path).toBe('body.newPassword');
      expect((await me.post('/api/v1/me/password', { currentPassword: PW, newPassword: 'another-long-one' })).statusCode).toBe(204);
      expect((await me.get('/api/v1/me')).statusCode).toBe(200);
      expect((await other.get('/api/v1/me')).statusCode).toBe(401);
      expect((await t.anon.post('/api/v1/auth/login', { username: 'me.password', password: PW })).statusCode).toBe(401);
      expect((await t.anon.post('/api/v1/auth/login', { username: 'me.password', password: 'another-long-one' })).statusCode).toBe(200);
    });

    it('API tokens authenticate as Bearer without CSRF, are stored hashed, and stop after revoke', async () => {
      const viewer = await t.as('viewer');
      const created = await viewer.post('/api/v1/me/tokens', { name: 'reporting script', expiresInDays: 30 });
      expect(created.statusCode).toBe(201);
      const { token, item } = created.json();
      expect(token).toMatch(/^hmr_[A-Za-z0-9_-]{40,}$/);
      expect(item.prefix).toBe(token.slice(4, 12));
      expect(new Date(item.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      const stored = await q<{ token_hash: string }>(sql`select token_hash from api_tokens where id = ${item.id}`);
      expect(stored[0].token_hash).toBe(sha256(token));
      const bearer = { authorization: `Bearer ${token}` };
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
      expect(me.statusCode).toBe(200);
      expect(me.json().user.username).toBe('viewer');
      expect(me.json().csrfToken).toBeNull();
      // a change with the token needs no CSRF header
      const viaToken = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: bearer, payload: { name: 'made by token' } });
      expect(viaToken.statusCode).toBe(201);
      const list = (await viewer.get('/api/v1/me/tokens')).json().items as Record<string, unknown>[];
      expect(list.map((x) => x.name)).toEqual(expect.arrayContaining(['reporting script', 'made by token']));
      expect(JSON.stringify(list)).not.toContain(token.slice(4));
      expect(Object.keys(list[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
      // another user cannot revoke it
      expect((await (await t.as('analyst')).delete(`/api/v1/me/tokens/${item.id}`)).statusCode).toBe(404);
      expect((await viewer.delete(`/api/v1/me/tokens/${item.id}`)).statusCode).toBe(204);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
      const after = (await viewer.get('/api/v1/me/tokens')).json().items.find((x: { id: string }) => x.id === item.id);
      expect(after.revokedAt).not.toBeNull();
      const noCsrf = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: { cookie: (await freshCookie('viewer')) }, payload: { name: 'x' } });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    });
  });

  async function freshCookie(username: string): Promise<string> {
    const res = await t.anon.post('/api/v1/auth/login', { username, password: TEST_PASSWORD });
    return `hamrah_session=${res.cookies.find((c) => c.name === 'hamrah_session')!.value}`;
  }

  describe('the audit guarantee', () => {
    it('a committed change leaves exactly one audit row for it', async () => {
      const requestId = rid();
      const res = await admin.request({ method: 'POST', url: '/api/v1/users', headers: { 'x-request-id': requestId }, payload: { username: 'audited.one', displayName: 'Audited One', password: PW } });
      expect(res.statusCode).toBe(201);
      const written = await auditRowsFor(requestId);
      expect(written).toHaveLength(1);
      expect(written[0].action).toBe('user.create');
      expect(JSON.stringify(written[0].changes)).not.toContain(PW);
    });

    it('a failed request leaves no audit row and no user, even after earlier steps succeeded', async () => {
      const requestId = rid();
      const res = await admin.request({
        method: 'POST',
        url: '/api/v1/users',
        headers: { 'x-request-id': requestId },
        payload: { username: 'half.written', displayName: 'Half Written', password: PW, grants: [{ roleId: 'viewer', operationId: 'AFG' }, { roleId: 'viewer', operationId: 'AFG', areaPcode: 'ZZ99' }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields[0].path).toBe('body.grants.1.areaPcode');
      expect(await auditRowsFor(requestId)).toEqual([]);
      expect(await q(sql`select id from users where username = 'half.written'`)).toEqual([]);
      // escalation in the second grant: same
      const requestId2 = rid();
      const res2 = await admin.request({
        method: 'POST',
        url: '/api/v1/users',
        headers: { 'x-request-id': requestId2 },
        payload: { username: 'half.written', displayName: 'Half Written', password: PW, grants: [{ roleId: 'viewer', operationId: 'AFG' }, { roleId: 'gbv', operationId: 'AFG' }] },
      });
      expect(res2.statusCode).toBe(403);
      expect(await auditRowsFor(requestId2)).toEqual([]);
      expect(await q(sql`select id from users where username = 'half.written'`)).toEqual([]);
    });

    it('serves the audit log newest first, filtered and paginated', async () => {
      const u = await newUser('audit.subject');
      await admin.patch(`/api/v1/users/${u.id}`, { displayName: 'Subject 2' });
      await admin.patch(`/api/v1/users/${u.id}`, { displayName: 'Subject 3' });
      await admin.get(`/api/v1/users/${u.id}`);
      const page = (await admin.get(`/api/v1/audit?entityType=user&entityId=${u.id}`)).json();
      expect(page.total).toBe(4);
      expect(page.items.map((r: { action: string }) => r.action)).toEqual(['user.read', 'user.update', 'user.update', 'user.create']);
      expect(page.items[0]).toMatchObject({ actorUsername: 'admin', sensitiveRead: true, operationId: null });
      expect(page.items[1].changes).toEqual({ displayName: { before: 'Subject 2', after: 'Subject 3' } });
      const ids = page.items.map((r: { id: number }) => r.id);
      expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);
      const first = (await admin.get(`/api/v1/audit?entityType=user&entityId=${u.id}&limit=3`)).json();
      expect(first.nextCursor).not.toBeNull();
      const second = (await admin.get(`/api/v1/audit?entityType=user&entityId=${u.id}&limit=3&cursor=${first.nextCursor}`)).json();
      expect([...first.items, ...second.items].map((r: { id: number }) => r.id)).toEqual(ids);
      expect(second.nextCursor).toBeNull();
      const updates = (await admin.get(`/api/v1/audit?action=user.update&entityId=${u.id}`)).json();
      expect(updates.total).toBe(2);
      const me = (await admin.get('/api/v1/me')).json().user.id;
      const today = new Date().toISOString().slice(0, 10);
      const byActor = (await admin.get(`/api/v1/audit?actorId=${me}&from=${today}&to=${today}&entityId=${u.id}`)).json();
      expect(byActor.total).toBe(4);
      expect((await admin.get(`/api/v1/audit?to=2000-01-01&entityId=${u.id}`)).json().total).toBe(0);
      expect((await admin.get('/api/v1/audit?from=yesterday')).json().error.fields[0].path).toMatch(/^querystring\.from/);
    });

    it('shows an auditor only the rows of operations they may read, and rows of no operation', async () => {
      await admin.post('/api/v1/roles', { id: 'pak-auditor', name: 'PAK auditor', permissions: ['audit.read', 'places.read'] });
      const auditor = await newUser('pak.auditor');
      expect((await admin.post(`/api/v1/users/${auditor.id}/grants`, { roleId: 'pak-auditor', operationId: 'PAK' })).statusCode).toBe(201);
      const target = await newUser('audit.scope');
      await admin.post(`/api/v1/users/${target.id}/grants`, { roleId: 'viewer', operationId: 'AFG' });
      await admin.post(`/api/v1/users/${target.id}/grants`, { roleId: 'viewer', operationId: 'PAK' });
      const agent = await t.as('pak.auditor', PW);
      const seen = (await agent.get('/api/v1/audit?action=grant.create&limit=1000')).json().items as { operationId: string | null }[];
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((r) => r.operationId))).toEqual(new Set(['PAK']));
      expect((await agent.get('/api/v1/audit?operation=AFG')).statusCode).toBe(404);
      expect((await agent.get('/api/v1/audit?operation=pak')).statusCode).toBe(200);
      const noOp = (await agent.get(`/api/v1/audit?entityId=${target.id}`)).json().items as { action: string }[];
      expect(noOp.map((r) => r.action)).toEqual(['user.create']);
    });

    it('documents every access route in OpenAPI', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
      expect(res.statusCode).toBe(200);
      const paths = Object.keys(res.json().paths);
      for (const p of ['/api/v1/users', '/api/v1/users/{id}', '/api/v1/users/{id}/grants/{grantId}', '/api/v1/roles/{id}', '/api/v1/permissions', '/api/v1/me/tokens/{id}', '/api/v1/me/password', '/api/v1/audit'])
        expect(paths).toContain(p);
    });

    // Last: applies the trigger to this database (until it is a migration).
    it('the audit log is append-only once the trigger is applied', async () => {
      // The trigger comes with migration 0001_audit_append_only.
      const db = t.db.database;
      await expect(db.exec(`update audit_log set action = 'tampered'`)).rejects.toThrow(/append-only/);
      await expect(db.exec(`delete from audit_log`)).rejects.toThrow(/append-only/);
      await expect(db.exec(`truncate audit_log`)).rejects.toThrow(/append-only/);
      const [{ n }] = await q<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'tampered'`);
      expect(n).toBe(0);
      // appending still works
      const requestId = rid();
      const res = await admin.request({ method: 'POST', url: '/api/v1/users', headers: { 'x-request-id': requestId }, payload: { username: 'after.trigger', displayName: 'After Trigger', password: PW } });
      expect(res.statusCode).toBe(201);
      expect(await auditRowsFor(requestId)).toHaveLength(1);
    });
  });
});
