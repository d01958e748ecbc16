import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { demoPlaces, generateHouseholds, insertHouseholds, plantedHouseholds } from '../people/demo';
import { computeRun } from './run';
import { dedupPairs, dedupRuns } from './schema';

const quiet = { progress: async () => {}, throwIfCancelled: () => {}, stage: async () => {} };
const key = (p: { a: string; b: string; score: number; decision: string }) => `${p.a} ${p.b} ${p.score} ${p.decision}`;

describe.each(BACKENDS)('the engine step of a dedup run in a worker thread on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let registrar: Agent;

  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0, heartbeatMs: 50 });
    registrar = await t.as('registrar');
    const db = t.db.database.db;
    const places = await demoPlaces(db);
    // About 13,000 people: enough for the engine step to take a noticeable while.
    for (let i = 0; i < 3000; i += 1500) {
      const list = generateHouseholds(places, { households: 1500, operationId: 'AFG', seed: 77 + i, days: 365 });
      if (i === 0) list.push(...plantedHouseholds(places).filter((h) => h.operationId === 'AFG'));
      await db.transaction((tx) => insertHouseholds(tx, list, { snapshots: false }));
    }
    await db.execute(sql`analyze`);
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  const stageOf = async (id: string) => {
    const [r] = await t.db.database.db.select({ stage: dedupRuns.stage, status: dedupRuns.status }).from(dedupRuns).where(eq(dedupRuns.id, id));
    return r;
  };
  const untilScoring = async (id: string) => {
    for (let i = 0; i < 3000; i++) {
      const r = await stageOf(id);
      if (r.stage === 'score') return;
      if (r.stage === 'compare' || r.stage === 'store' || r.status !== 'queued' && r.status !== 'running') throw new Error(`run passed the engine step unseen (${r.status}, ${r.stage})`);
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error('run never reached the engine step');
  };

  it('answers requests while the engine works, and stores the same pairs as an in-thread run', async () => {
    const start = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(start.statusCode, start.body).toBe(202);
    const id = start.json().id as string;
    const done = runner.drain();
    await untilScoring(id);
    // The event loop is free: the health check and an API read answer while the run is still in
    // its engine step (with the engine on this thread, neither could answer before it ended).
    let answered = 0;
    for (let i = 0; i < 3; i++) {
      expect((await t.anon.get('/healthz')).json()).toEqual({ status: 'ok' });
      expect((await registrar.get(`/api/v1/dedup/runs/${id}`)).statusCode).toBe(200);
      if ((await stageOf(id)).stage === 'score') answered++;
    }
    expect(answered).toBeGreaterThan(0);
    await done;
    const run = (await registrar.get(`/api/v1/dedup/runs/${id}`)).json();
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run.records).toBeGreaterThan(10_000);
    expect(run.matchPairs + run.reviewPairs).toBeGreaterThan(0);

    const stored = await t.db.database.db.select().from(dedupPairs).where(eq(dedupPairs.runId, id));
    const inline = await computeRun(t.db.database.db, 'AFG', { ...quiet, engine: 'inline' });
    expect(stored.map((p) => key({ a: p.idA, b: p.idB, score: p.score, decision: p.decision })).sort()).toEqual(inline.pairs.map(key).sort());
    const byPair = new Map(stored.map((p) => [`${p.idA} ${p.idB}`, p.parts]));
    expect(inline.pairs.filter((p) => p.parts).length).toBeGreaterThan(0);
    for (const p of inline.pairs) expect(byPair.get(`${p.a} ${p.b}`) ?? null).toEqual(p.parts);
    const { msNormalise: _n, msBlock: _b, msScore: _s, msCluster: _c, cpuNormalise: _cn, cpuBlock: _cb, cpuScore: _cs, cpuCluster: _cc, ...figures } = inline.stats as Record<string, unknown>;
    expect(run.stats).toMatchObject(figures);
  });

  it('scores with its own threads inside the worker (nested workers) to the same result', async () => {
    const nested = await computeRun(t.db.database.db, 'AFG', { ...quiet, engine: 'worker', threads: 2 });
    const inline = await computeRun(t.db.database.db, 'AFG', { ...quiet, engine: 'inline', threads: 1 });
    expect(nested.pairs.length).toBeGreaterThan(0);
    expect(nested.pairs.map(key).sort()).toEqual(inline.pairs.map(key).sort());
  });

  it('cancelling during the engine step stops the worker and ends the run cancelled', async () => {
    const start = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    const id = start.json().id as string;
    const done = runner.drain();
    await untilScoring(id);
    expect((await registrar.post(`/api/v1/dedup/runs/${id}/cancel`)).statusCode).toBe(200);
    await done;
    const run = (await registrar.get(`/api/v1/dedup/runs/${id}`)).json();
    expect(run.status).toBe('cancelled');
    expect(run.stage).toBeNull();
    const [{ n }] = (await t.db.database.db.select({ n: sql<number>`count(*)::int` }).from(dedupPairs).where(eq(dedupPairs.runId, id)));
    expect(n).toBe(0);
  });
});
