import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { seedDemoData } from '../demo/seed';

describe.each(BACKENDS)('the demo\'s first deduplication run on %s', (backend) => {
  let t: TestApp;
  let registrar: Agent;
  let seeded: Awaited<ReturnType<typeof seedDemoData>>;
  let ms = 0;
  beforeAll(async () => {
    t = await createTestApp(backend);
    registrar = await t.as('registrar');
    const t0 = Date.now();
    seeded = await t.db.database.db.transaction((tx) => seedDemoData(tx));
    ms = Date.now() - t0;
    process.stderr.write(`demo people + dedup on ${backend}: ${JSON.stringify(seeded.dedup)} in ${ms} ms\n`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves a finished run per operation whose queue holds the planted duplicates', async () => {
    expect(seeded.dedup.map((d) => d.operationId)).toEqual(['AFG', 'PAK']);
    const runs = (await registrar.get('/api/v1/dedup/runs?operation=AFG')).json();
    expect(runs.items[0]).toMatchObject({ status: 'succeeded', trigger: 'demo', current: true });
    const pairs = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&limit=200')).json();
    expect(pairs.total).toBeGreaterThan(20);
    // The planted man: "Muhammad Yousaf" in Jalalabad and "محمد یوسف شینواری" registered this week.
    const yousuf = pairs.items.find((p: { a: { displayName: string }; b: { displayName: string } }) => [p.a.displayName, p.b.displayName].some((n) => /Yousaf/.test(n)) && [p.a.displayName, p.b.displayName].some((n) => /یوسف/.test(n)));
    expect(yousuf).toBeTruthy();
    // "Confirm all matches": every planted single-person household merges into its first registration.
    const matches = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&decision=match&limit=1')).json().total;
    expect(matches).toBeGreaterThan(10);
    const confirmed = await registrar.post(`/api/v1/dedup/runs/${runs.items[0].id}/confirm-matches`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const r = confirmed.json();
    expect(r.merged).toBeGreaterThan(10);
    expect(r.merged + r.left).toBeLessThanOrEqual(matches);
    const merges = (await registrar.get('/api/v1/dedup/merges?operation=AFG&limit=100')).json();
    expect(merges.total).toBe(r.merged);
    expect(merges.items.filter((m: { householdsMerged: boolean }) => m.householdsMerged).length).toBeGreaterThan(5);
    // A second seeding adds nothing.
    expect(await t.db.database.db.transaction((tx) => seedDemoData(tx))).toMatchObject({ dedup: [] });
  });
});
