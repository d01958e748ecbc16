import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db';
import { createTestApp, type TestApp } from '../helpers/app';
import { PERSONA_NAMES, type AuthzCase } from './types';
import { ALL_CASES } from './cases';

// Every /api route × every persona, every cell asserted. A route without a case fails the suite.
describe.each(BACKENDS)('authorization matrix on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has a case for every route', () => {
    const covered = new Set(ALL_CASES.map((c) => c.route));
    const missing = t.app.hamrah.routes
      .filter((r) => r.permission !== 'public' || r.url.startsWith('/api/v1'))
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !covered.has(r));
    expect(missing).toEqual([]);
  });

  it('every case names a registered route and lists every persona', () => {
    const registered = new Set(t.app.hamrah.routes.map((r) => `${r.method} ${r.url}`));
    for (const c of ALL_CASES) {
      expect(registered.has(c.route), c.route).toBe(true);
      expect(Object.keys(c.expect).sort(), c.route).toEqual([...PERSONA_NAMES].sort());
    }
  });

  const run = async (c: AuthzCase, persona: string | null) => {
    const opts = await c.request(t, persona ?? 'anonymous');
    if (persona === null) return t.anon.request(opts);
    return (await t.as(persona)).request(opts);
  };

  for (const c of ALL_CASES) {
    it(`${c.route}${c.title ? ` (${c.title})` : ''}`, async () => {
      const got: Record<string, number> = {};
      for (const persona of PERSONA_NAMES) got[persona] = (await run(c, persona)).statusCode;
      got.anonymous = (await run(c, null)).statusCode;
      expect(got).toEqual({ ...c.expect, anonymous: c.anonymous ?? 401 });
    });
  }
});
