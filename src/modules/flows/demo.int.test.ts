import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { parseCsv } from '../../shared/csv';
import { seedFlowsDemo, split, type FlowsDemoResult } from './demo';

describe('split', () => {
  it('always adds up exactly', () => {
    expect(split(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(split(858_170, [0.3, 0.2, 0.5]).reduce((a, b) => a + b, 0)).toBe(858_170);
    expect(split(0, [1, 2])).toEqual([0, 0]);
  });
});

// The whole demo series (counts and surveys) through the API: the published DTM figures come back exactly.
describe.each(BACKENDS)('flows demo data on %s', (backend) => {
  let t: TestApp;
  let analyst: Agent;
  let seeded: FlowsDemoResult;
  beforeAll(async () => {
    t = await createTestApp(backend);
    const started = Date.now();
    seeded = await t.db.database.db.transaction((tx) => seedFlowsDemo(tx, { today: '2025-04-03' }));
    console.log(`flows demo seed on ${backend}: ${seeded.counts} counts in ${seeded.countMs} ms, ${seeded.surveys} surveys in ${seeded.surveyMs} ms, ${Date.now() - started} ms in all`);
    analyst = await t.as('analyst');
  });
  afterAll(async () => {
    await t?.close();
  });

  const summary = async (from: string, to: string, who = analyst) => (await who.get(`/api/v1/flows/summary?operation=AFG&from=${from}&to=${to}`)).json();

  it('Q2 2024: exactly 858,170 inflow, 532,854 outflow and 81,292 surveys', async () => {
    expect(await summary('2024-04-01', '2024-06-30')).toMatchObject({ inflow: 858_170, outflow: 532_854, surveys: 81_292 });
  });

  it('H1 2024, 1–7 Sep 2024 and 9–15 Mar 2025 match the published figures', async () => {
    expect(await summary('2024-01-01', '2024-06-30')).toMatchObject({ inflow: 1_429_710, outflow: 942_174 });
    expect(await summary('2024-09-01', '2024-09-07')).toMatchObject({ inflow: 71_524, outflow: 50_639 });
    expect(await summary('2025-03-09', '2025-03-15')).toMatchObject({ inflow: 71_823, outflow: 41_631 });
  });

  it('Torkham is closed from 21 Feb 2025 and Spin Boldak takes over; data older than a week is published', async () => {
    const after = await summary('2025-02-21', '2025-03-31');
    const bySite = Object.fromEntries(after.bySite.map((s: { code: string; inflow: number }) => [s.code, s.inflow]));
    expect(bySite['BCP-TORKHAM']).toBe(0);
    const before = await summary('2025-01-01', '2025-02-20');
    const torkhamBefore = before.bySite.find((s: { code: string }) => s.code === 'BCP-TORKHAM').inflow;
    expect(torkhamBefore).toBeGreaterThan(bySite['BCP-SPIN-BOLDAK'] / 4);
    expect(bySite['BCP-SPIN-BOLDAK']).toBeGreaterThan(bySite['BCP-BAHRAMCHA']);
    expect(after.published.inflow).toBeLessThan(after.inflow);
    expect((await summary('2024-04-01', '2024-06-30')).published.inflow).toBe(858_170);
    // Inflow is split into deported and spontaneous (and other) exactly.
    expect(after.deported + after.spontaneous).toBeLessThanOrEqual(after.inflow);
    expect(after.deported).toBeGreaterThan(0);
  });

  it('the enumerator sees Torkham and Spin Boldak only, in the summary and in lists', async () => {
    const enumerator = await t.as('enumerator');
    const mine = await summary('2024-04-01', '2024-06-30', enumerator);
    expect(mine.bySite.map((s: { code: string }) => s.code).sort()).toEqual(['BCP-SPIN-BOLDAK', 'BCP-TORKHAM']);
    expect(mine.inflow).toBeLessThan(858_170);
    expect(mine.inflow).toBe(mine.bySite.reduce((a: number, s: { inflow: number }) => a + s.inflow, 0));
  });

  it('streams a year of counts as CSV in batches', async () => {
    const res = await analyst.get('/api/v1/flows/counts.csv?operation=AFG&from=2024-01-01&to=2024-12-31');
    expect(res.statusCode).toBe(200);
    const rows = parseCsv(res.body).filter((r) => r.length > 1);
    expect(rows[1][0]).toBe('#date+reported');
    const data = rows.slice(2);
    // 10 Jan–31 Dec 2024 (357 days) × 11 crossings × 2 directions, read in batches of 2,000.
    expect(data.length).toBe(357 * 11 * 2);
    const inflow = data.filter((r) => r[6] === 'in' && r[0] >= '2024-04-01' && r[0] <= '2024-06-30').reduce((a, r) => a + Number(r[7]), 0);
    expect(inflow).toBe(858_170);
    expect(new Set(data.map((r) => r[0] + r[2] + r[6])).size).toBe(data.length);
  });
});
