import type { AuthzCase } from '../../../test/authz/types';
import { everyone } from '../../../test/authz/types';
import { TEST_PASSWORD } from '../../../test/helpers/db';
import type { TestApp } from '../../../test/helpers/app';

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
];
