import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startServer, type ServerProcess } from '../helpers/server';
import { ROOT } from './browser';

/**
 * "No personal data in logs": plant a canary name everywhere personal data enters the server of a
 * real `hamrah serve` process (user records, logins, searches, URLs, edits, errors), then read the
 * whole log and require that the canary is nowhere in it.
 */
const CANARY = 'Zarghuna-Canary-7Q9';
const CANARY_RE = /zarghuna[-_ .%20]*canary[-_ .%20]*7q9/i;

interface Session {
  cookie: string;
  csrf: string;
}

describe('personal data never reaches the server log', () => {
  let server: ServerProcess;
  let admin: Session;
  const statuses: Record<string, number> = {};

  const call = async (method: string, url: string, body?: unknown, session?: Session) => {
    const res = await fetch(new URL(url, server.url), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text), headers: res.headers };
  };

  const login = async (username: string, password: string) => {
    const res = await fetch(new URL('/api/v1/auth/login', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const text = await res.text();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hamrah_session='))?.split(';')[0];
    return { status: res.status, session: cookie ? { cookie, csrf: JSON.parse(text).csrfToken as string } : undefined };
  };

  beforeAll(async () => {
    server = await startServer();
    const a = await login('admin', DEMO_PASSWORD);
    expect(a.status).toBe(200);
    admin = a.session!;
  });
  afterAll(async () => {
    if (server) {
      const keep = path.join(ROOT, 'test-results', 'e2e-canary-server.log');
      fs.mkdirSync(path.dirname(keep), { recursive: true });
      fs.copyFileSync(server.logPath, keep);
      await server.dispose();
    }
  });

  it('plants the canary through the API', async () => {
    const created = await call('POST', '/api/v1/users', {
      username: CANARY.toLowerCase(),
      displayName: `${CANARY} Display`,
      email: `${CANARY.toLowerCase()}@example.org`,
      password: `${CANARY}-secret-pass`,
      grants: [{ roleId: 'viewer', operationId: 'AFG' }],
    }, admin);
    statuses.create = created.status;
    expect(created.status, created.text).toBeLessThan(300);
    const id = created.json().id ?? created.json().user?.id;
    expect(id).toBeTruthy();

    // The same username again: a conflict whose message names it.
    statuses.duplicate = (await call('POST', '/api/v1/users', { username: CANARY.toLowerCase(), displayName: CANARY, password: `${CANARY}-secret-pass` }, admin)).status;
    // A username that fails validation.
    statuses.invalid = (await call('POST', '/api/v1/users', { username: `${CANARY} !`, displayName: CANARY, password: 'x' }, admin)).status;

    // Logins: the canary as a wrong username, as a wrong password, and the canary user itself.
    statuses.loginAsUsername = (await login(`${CANARY}-nobody`, 'wrong-password-123')).status;
    statuses.loginAsPassword = (await login('viewer', CANARY)).status;
    const own = await login(CANARY.toLowerCase(), `${CANARY}-secret-pass`);
    statuses.loginOwn = own.status;
    expect(own.status).toBe(200);

    // The canary user reads /me (its name comes back in the answer, not in the log).
    statuses.me = (await call('GET', '/api/v1/me', undefined, own.session)).status;

    // A search, an unknown API URL and an unknown page, all carrying the canary.
    statuses.search = (await call('GET', `/api/v1/areas?operation=AFG&q=${encodeURIComponent(CANARY)}`, undefined, admin)).status;
    statuses.usersSearch = (await call('GET', `/api/v1/users?q=${encodeURIComponent(CANARY)}`, undefined, admin)).status;
    statuses.unknownApi = (await call('GET', `/api/v1/people/${CANARY}?name=${CANARY}`, undefined, admin)).status;
    statuses.unknownPage = (await call('GET', `/households/${CANARY}.json`)).status;

    // Edits of the canary user.
    statuses.patch = (await call('PATCH', `/api/v1/users/${id}`, { displayName: `${CANARY} Renamed`, email: `renamed-${CANARY.toLowerCase()}@example.org` }, admin)).status;
    statuses.patchBad = (await call('PATCH', `/api/v1/users/${id}`, { email: `${CANARY} is not an email` }, admin)).status;

    expect(statuses).toMatchObject({ loginAsUsername: 401, loginAsPassword: 401, unknownApi: 404, unknownPage: 404, patch: 200, duplicate: 409, invalid: 400, patchBad: 400 });
  });

  it('the canary appears nowhere in the log, which holds JSON lines with request ids', async () => {
    await server.stop('SIGTERM'); // flush and close the log
    const log = fs.readFileSync(server.logPath, 'utf8');
    const lines = log.split('\n');
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const withRequestId = json.filter((l) => typeof l.reqId === 'string' && (l.reqId as string).length >= 8);
    expect(withRequestId.length, 'the log holds no request lines').toBeGreaterThan(15);

    const leaks = lines.map((l, i) => ({ line: i + 1, text: l })).filter((l) => CANARY_RE.test(decodeURIComponent(l.text.replace(/%(?![0-9a-f]{2})/gi, '%25'))));
    expect(leaks.map((l) => `line ${l.line}: ${l.text.slice(0, 400)}`), `the canary leaked into the server log (${server.logPath})`).toEqual([]);
  });
});
