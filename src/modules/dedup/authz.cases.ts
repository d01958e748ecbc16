import { and, eq, inArray } from 'drizzle-orm';
import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { householdBody } from '../people/fixtures';
import { createRun } from './run';
import { dedupPairs, dedupRuns } from './schema';

// Who holds what (src/server/permissions.ts, src/modules/demo/personas.ts): dedup.review and
// dedup.run are held by the registrar (AFG) and the admin (AFG, PAK, IRN). People readers
// (admin, registrar, cash, distributor in AF06, caseworker, gbv) see a household's duplicate
// flags. Fixture households live in Nangarhar (AF0601).
const REVIEWERS = ['admin', 'registrar'];
const READERS = ['admin', 'registrar', 'cash', 'distributor', 'caseworker', 'gbv'];

const memo = new WeakMap<TestApp, Map<string, Promise<unknown>>>();
function once<T>(t: TestApp, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key) as Promise<T> | undefined;
  if (!v) m.set(key, (v = make()));
  return v;
}

/** A succeeded run of the operation (no job), made directly. */
const succeededRun = (t: TestApp, operationId: string) =>
  once(t, `dedup-run:${operationId}`, async () => {
    const db = t.db.database.db;
    const run = await db.transaction((tx) => createRun(tx, operationId, 'manual', null, true));
    await db.update(dedupRuns).set({ status: 'succeeded', finishedAt: new Date(), records: 0, candidatePairs: 0, matchPairs: 0, reviewPairs: 0 }).where(eq(dedupRuns.id, run.id));
    return run.id;
  });

/** Two one-person households of the same man and their pair in a succeeded run. */
async function pairFixture(t: TestApp, key: string, operationId = 'AFG', pcode = 'AF0601') {
  return once(t, `dedup-pair:${key}`, async () => {
    const ids: string[] = [];
    const households: string[] = [];
    for (const given of ['Muhammad Nabi', 'Mohammad Nabi']) {
      const b = householdBody({ operationId, currentPcode: pcode, destinationPcode: null, originPcode: null }, { givenName: given, documents: [] });
      const body = { ...b, members: [b.members[0]] };
      const res = await (await t.as('admin')).post('/api/v1/people/households', body);
      if (res.statusCode !== 201) throw new Error(`dedup fixture: ${res.statusCode} ${res.body}`);
      ids.push(body.members[0].id);
      households.push(body.id);
    }
    const [a, b] = ids.sort();
    const runId = await succeededRun(t, operationId);
    await t.db.database.db.insert(dedupPairs).values({ runId, operationId, idA: a, idB: b, score: 24.5, decision: 'match', parts: { names: 10 } });
    return { a, b, households };
  });
}

/** A queued run (with its job) for one persona to cancel. */
async function queuedRun(t: TestApp, persona: string): Promise<string> {
  const run = await t.db.database.db.transaction((tx) => createRun(tx, 'AFG', 'manual', null));
  void persona;
  return run.id;
}

export const cases: AuthzCase[] = [
  {
    route: 'POST /api/v1/dedup/runs',
    title: 'start a run of the whole registry (the admin in PAK, the registrar in AFG)',
    request: async (t, persona) => {
      const operationId = persona === 'admin' ? 'PAK' : 'AFG';
      // Runs queued by other cases would answer 409: nothing runs them in the matrix.
      await t.db.database.db.update(dedupRuns).set({ status: 'cancelled' }).where(and(eq(dedupRuns.operationId, operationId), inArray(dedupRuns.status, ['queued', 'running'])));
      return { method: 'POST', url: '/api/v1/dedup/runs', payload: { operationId } };
    },
    expect: only(REVIEWERS, 202, 403),
  },
  {
    route: 'GET /api/v1/dedup/runs',
    request: () => ({ method: 'GET', url: '/api/v1/dedup/runs?operation=AFG' }),
    expect: only(REVIEWERS, 200, 404),
  },
  {
    route: 'GET /api/v1/dedup/runs',
    title: 'PAK: only the admin runs deduplication there',
    request: () => ({ method: 'GET', url: '/api/v1/dedup/runs?operation=PAK' }),
    expect: only(['admin'], 200, 404),
  },
  {
    route: 'GET /api/v1/dedup/runs/:id',
    request: async (t) => ({ method: 'GET', url: `/api/v1/dedup/runs/${await succeededRun(t, 'AFG')}` }),
    expect: only(REVIEWERS, 200, 404),
  },
  {
    route: 'POST /api/v1/dedup/runs/:id/cancel',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/dedup/runs/${await queuedRun(t, persona)}/cancel` }),
    expect: only(REVIEWERS, 200, 403),
  },
  {
    route: 'POST /api/v1/dedup/runs/:id/confirm-matches',
    request: async (t) => ({ method: 'POST', url: `/api/v1/dedup/runs/${await succeededRun(t, 'IRN')}/confirm-matches` }),
    expect: { ...only(['admin'], 200, 403), registrar: 404 },
  },
  {
    route: 'GET /api/v1/dedup/pairs',
    request: () => ({ method: 'GET', url: '/api/v1/dedup/pairs?operation=AFG&limit=5' }),
    expect: only(REVIEWERS, 200, 403),
  },
  {
    route: 'GET /api/v1/dedup/pairs/:a/:b',
    title: 'a Nangarhar pair',
    request: async (t) => {
      const p = await pairFixture(t, 'read');
      return { method: 'GET', url: `/api/v1/dedup/pairs/${p.a}/${p.b}` };
    },
    expect: only(REVIEWERS, 200, 403),
  },
  {
    route: 'GET /api/v1/dedup/pairs/:a/:b',
    title: 'a PAK pair is hidden from the AFG registrar',
    request: async (t) => {
      const p = await pairFixture(t, 'pak', 'PAK', 'PK513');
      return { method: 'GET', url: `/api/v1/dedup/pairs/${p.b}/${p.a}` };
    },
    expect: { ...only(['admin'], 200, 403), registrar: 404 },
  },
  {
    route: 'POST /api/v1/dedup/pairs/:a/:b/decision',
    request: async (t, persona) => {
      const p = REVIEWERS.includes(persona) ? await pairFixture(t, `decide:${persona}`) : { a: uuidv7(), b: uuidv7() };
      return { method: 'POST', url: `/api/v1/dedup/pairs/${p.a}/${p.b}/decision`, payload: { decision: 'distinct' } };
    },
    expect: only(REVIEWERS, 200, 403),
  },
  {
    route: 'GET /api/v1/dedup/merges',
    request: () => ({ method: 'GET', url: '/api/v1/dedup/merges?operation=AFG' }),
    expect: only(REVIEWERS, 200, 403),
  },
  {
    route: 'POST /api/v1/dedup/merges/:id/undo',
    request: async (t, persona) => {
      if (!REVIEWERS.includes(persona)) return { method: 'POST', url: `/api/v1/dedup/merges/${uuidv7()}/undo` };
      const p = await pairFixture(t, `undo:${persona}`);
      const res = await (await t.as('admin')).post(`/api/v1/dedup/pairs/${p.a}/${p.b}/decision`, { decision: 'duplicate' });
      if (res.statusCode !== 200) throw new Error(`merge fixture: ${res.statusCode} ${res.body}`);
      return { method: 'POST', url: `/api/v1/dedup/merges/${res.json().merge.id}/undo` };
    },
    expect: only(REVIEWERS, 200, 403),
  },
  {
    route: 'GET /api/v1/dedup/households/:id',
    request: async (t) => ({ method: 'GET', url: `/api/v1/dedup/households/${(await pairFixture(t, 'read')).households[0]}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/dedup/households/:id',
    title: 'a PAK household is hidden from AFG-only readers',
    request: async (t) => ({ method: 'GET', url: `/api/v1/dedup/households/${(await pairFixture(t, 'pak', 'PAK', 'PK513')).households[0]}` }),
    expect: { ...only(['admin', 'cash'], 200, 403), registrar: 404, distributor: 404, caseworker: 404, gbv: 404 },
  },
  {
    route: 'POST /api/v1/dedup/flags',
    request: async (t) => ({ method: 'POST', url: '/api/v1/dedup/flags', payload: { operationId: 'AFG', individualIds: [(await pairFixture(t, 'read')).a] } }),
    expect: only(READERS, 200, 403),
  },
];

