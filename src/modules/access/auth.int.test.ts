import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TEST_PASSWORD } from '../../../test/helpers/db';
import { createTestApp, type TestApp } from '../../../test/helpers/app';

describe.each(BACKENDS)('login and sessions on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t?.close());

  it('logs in, answers /me with grants, and logs out', async () => {
    const login = await t.anon.post('/api/v1/auth/login', { username: 'enumerator', password: TEST_PASSWORD });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'hamrah_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const headers = { cookie: `hamrah_session=${cookie.value}`, 'x-csrf-token': login.json().csrfToken };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(me.json().user.username).toBe('enumerator');
    expect(me.json().grants.map((g: { areaPcode: string }) => g.areaPcode).sort()).toEqual(['AF06', 'AF27']);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(401);
  });

  it('refuses a wrong password with INVALID_CREDENTIALS and no cookie', async () => {
    const res = await t.anon.post('/api/v1/auth/login', { username: 'viewer', password: 'nope-nope-nope' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(res.cookies).toHaveLength(0);
  });

  it('refuses a cookie-authenticated change without the CSRF header', async () => {
    const a = await t.as('admin');
    const res = await a.request({ method: 'POST', url: '/api/v1/auth/logout', headers: { 'x-csrf-token': 'forged' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_FAILED');
  });

  it('rate-limits repeated failures for one account', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await t.anon.post('/api/v1/auth/login', { username: 'cash', password: `wrong-${i}-xxxxx` })).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const right = await t.anon.post('/api/v1/auth/login', { username: 'cash', password: TEST_PASSWORD });
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
  });

  it('names the field in validation errors', async () => {
    const res = await t.anon.post('/api/v1/auth/login', { username: 'admin' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.fields[0].path).toBe('body.password');
  });
});

describe('demo users outside demo mode', () => {
  it('cannot log in when the server is not in demo mode', async () => {
    const t = await createTestApp('pglite', { demoMode: false });
    try {
      const res = await t.anon.post('/api/v1/auth/login', { username: 'admin', password: TEST_PASSWORD });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('DEMO_MODE_ONLY');
    } finally {
      await t.close();
    }
  });
});
