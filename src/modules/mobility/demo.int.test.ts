import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type TestApp } from '../../../test/helpers/app';
import { ROUND15, seedMobilityDemo, type MobilityDemoResult } from './demo';

describe.each(BACKENDS)('mobility demo data on %s', (backend) => {
  let t: TestApp;
  let seeded: MobilityDemoResult;
  let roundId: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    seeded = await t.db.database.db.transaction((tx) => seedMobilityDemo(tx));
    console.log(`mobility demo on ${backend}: ${seeded.assessments} assessments in ${seeded.ms} ms`);
    const rounds = (await (await t.as('analyst')).get('/api/v1/mobility/rounds?operation=AFG&kind=baseline')).json().items;
    roundId = rounds.find((r: { roundNumber: number }) => r.roundNumber === 15).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('covers all 401 districts with the published round 15 national totals', async () => {
    expect(seeded.rounds).toBe(3);
    const sum = (await (await t.as('analyst')).get(`/api/v1/mobility/rounds/${roundId}/summary`)).json();
    expect(sum.status).toBe('published');
    expect(sum.districts).toHaveLength(401);
    expect(sum.provinces).toHaveLength(34);
    expect(sum.totals.idps).toBe(ROUND15.idps);
    expect(sum.totals.returnees).toBe(ROUND15.returnees);
    const top = [...sum.provinces].sort((a: { returnees: number }, b: { returnees: number }) => b.returnees - a.returnees).slice(0, 4).map((p: { admin1Pcode: string }) => p.admin1Pcode);
    expect(top).toEqual(expect.arrayContaining(['AF06', 'AF27', 'AF32']));
  });

  it('keeps every row consistent: households ≤ people, periods and sexes add up', async () => {
    const analyst = await t.as('analyst');
    let cursor: string | null = null;
    let n = 0;
    do {
      const page: { items: { figures: Record<string, { ind: number; hh: number }>; byPeriod: Record<string, Record<string, { ind: number; hh: number }>>; idpMales: number; idpFemales: number }[]; nextCursor: string | null } = (
        await analyst.get(`/api/v1/mobility/rounds/${roundId}/assessments?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      for (const a of page.items) {
        n++;
        for (const [k, g] of Object.entries(a.figures)) {
          expect(g.hh).toBeLessThanOrEqual(g.ind);
          expect(Object.values(a.byPeriod).reduce((s, p) => s + p[k].ind, 0)).toBe(g.ind);
          expect(Object.values(a.byPeriod).reduce((s, p) => s + p[k].hh, 0)).toBe(g.hh);
        }
        expect(a.idpMales + a.idpFemales).toBe(a.figures.idps.ind);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(n).toBe(401);
  });

  it('feeds the DTM API and is not seeded twice', async () => {
    const res = (await (await t.as('viewer')).get('/api/dtm/v3/displacement/admin0?Admin0Pcode=AFG&FromRoundNumber=15&ToRoundNumber=15')).json();
    expect(res.result.reduce((s: number, r: { numPresentIdpInd: number }) => s + r.numPresentIdpInd, 0)).toBe(ROUND15.idps);
    const again = await t.db.database.db.transaction((tx) => seedMobilityDemo(tx));
    expect(again.assessments).toBe(0);
    const rounds = (await (await t.as('analyst')).get('/api/v1/mobility/rounds?operation=AFG')).json();
    expect(rounds.items.map((r: { kind: string; status: string }) => `${r.kind}:${r.status}`).sort()).toEqual(['baseline:published', 'event:submitted', 'site:verified']);
  });
});
