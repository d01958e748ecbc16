import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { uuidv7 } from '../../shared/ids';

const csv = (rows: (string | number)[][]) => rows.map((r) => r.map(String).join(',')).join('\r\n') + '\r\n';

describe.each(BACKENDS)('mobility bulk import on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let analyst: Agent;
  let enumerator: Agent;
  let admin: Agent;
  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    analyst = await t.as('analyst');
    enumerator = await t.as('enumerator');
    admin = await t.as('admin');
    for (const [code, areaPcode] of [['MT-IMP-CAMP', 'AF0601'], ['MT-IMP-CAMP2', 'AF0602'], ['MT-IMP-HERAT', 'AF3201']]) {
      const site = await admin.post('/api/v1/sites', { operationId: 'AFG', code, name: `Import camp ${code}`, kind: 'displacement_site', areaPcode });
      expect(site.statusCode, site.body).toBe(201);
    }
    for (const [kind, roundNumber] of [['baseline', 7], ['event', 3], ['site', 4]] as const) {
      const res = await analyst.post('/api/v1/mobility/rounds', { id: uuidv7(), operationId: 'AFG', kind, roundNumber, name: `import ${kind}`, referenceDate: '2025-03-31' });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  const run = async (agent: Agent, kind: string, body: string, mode: 'all' | 'valid' = 'all') => {
    const up = await agent.request({ method: 'POST', url: `/api/v1/imports?operation=AFG&kind=${kind}&fileName=rows.csv`, payload: Buffer.from(body), headers: { 'content-type': 'text/csv' } });
    expect(up.statusCode, up.body).toBe(201);
    const batch = up.json();
    const c = await agent.post(`/api/v1/imports/${batch.id}/commit`, { mode, mapping: batch.suggestedMapping });
    expect(c.statusCode, c.body).toBe(202);
    await runner.drain();
    return { batch, done: (await agent.get(`/api/v1/imports/${batch.id}`)).json() };
  };

  const BASELINE = [
    ['round', 'adm2_pcode', 'settlement', 'idps_ind', 'idps_hh', 'returnees_ind', 'returnees_hh', 'returnees_ind_2024', 'returnees_hh_2024', 'returnees_ind_2025', 'returnees_hh_2025', 'idps_ind_before_2021', 'idps_hh_before_2021', 'displacement_reason'],
    [7, 'AF0601', '', 700, 100, 1400, 200, 1000, 140, 400, 60, 700, 100, 'conflict'],
    [7, 'AF2711', 'Wesh', 70, 10, 140, 20, 140, 20, 0, 0, 70, 10, 'natural disaster'],
  ];

  it('maps a baseline export, names row and field of every problem, and writes all or nothing', async () => {
    const bad = [...BASELINE, [7, 'AF9999', '', 1, 1, 0, 0, '', '', '', '', '', '', ''], [7, 'AF0101', '', 5, 9, 0, 0, '', '', '', '', '', '', ''], [8, 'AF0602', '', 0, 0, 0, 0, '', '', '', '', '', '', '']];
    const { batch, done } = await run(enumerator, 'mobility.baseline', csv(bad));
    expect(batch.suggestedMapping).toMatchObject({ round: 'round', admin2Pcode: 'adm2_pcode', idps_ind: 'idps_ind', returnees_hh_2025: 'returnees_hh_2025', displacementReason: 'displacement_reason' });
    expect(done.status).toBe('failed');
    expect(done.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`).sort()).toEqual(['4:admin2Pcode', '5:admin2Pcode', '6:round']);
    expect((await analyst.get('/api/v1/mobility/rounds?operation=AFG&kind=baseline')).json().items[0].assessments).toBe(0);
  });

  it('imports baseline rows with arrival periods, and a second import of the same file adds nothing', async () => {
    const first = await run(enumerator, 'mobility.baseline', csv(BASELINE));
    expect(first.done).toMatchObject({ status: 'committed', summary: { rows: 2, inserted: 2 } });
    const round = (await analyst.get('/api/v1/mobility/rounds?operation=AFG&kind=baseline')).json().items[0];
    const rows = (await analyst.get(`/api/v1/mobility/rounds/${round.id}/assessments`)).json().items;
    const jalalabad = rows.find((r: { admin2Pcode: string }) => r.admin2Pcode === 'AF0601');
    expect(jalalabad).toMatchObject({ figures: { returnees: { ind: 1400, hh: 200 } }, displacementReason: 'conflict' });
    expect(jalalabad.byPeriod['2024'].returnees).toEqual({ ind: 1000, hh: 140 });
    expect(rows.find((r: { admin2Pcode: string }) => r.admin2Pcode === 'AF2711')).toMatchObject({ settlement: 'Wesh', displacementReason: 'natural_disaster' });
    const again = await run(enumerator, 'mobility.baseline', csv(BASELINE));
    expect(again.done).toMatchObject({ status: 'unchanged', summary: { existing: 2, inserted: 0 } });
  });

  it('imports rapid assessments with ranked needs', async () => {
    const file = csv([
      ['round', 'district', 'event_type', 'event_date', 'affected_hh', 'displaced_hh', 'damaged_shelters', 'destroyed_shelters', 'priority_needs'],
      [3, 'AF0615', 'flood', '2024-07-29', 620, 240, 310, 85, 'SHL WSH FSC'],
      [3, 'AF0616', 'flash flood', '2024-07-29', 100, 200, 0, 0, 'SHL'],
    ]);
    const { done } = await run(analyst, 'mobility.event', file, 'valid');
    expect(done).toMatchObject({ status: 'committed', summary: { rows: 2, valid: 1, invalid: 1, inserted: 1 } });
    expect(done.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`)).toEqual(['3:displacedHh']);
    const round = (await analyst.get('/api/v1/mobility/rounds?operation=AFG&kind=event')).json().items[0];
    const [a] = (await analyst.get(`/api/v1/mobility/rounds/${round.id}/assessments`)).json().items;
    expect(a).toMatchObject({ admin2Pcode: 'AF0615', eventType: 'flood', priorityNeeds: ['SHL', 'WSH', 'FSC'], affectedHh: 620 });
  });

  it('imports the displaced individuals of rapid assessments when the file has them (blank: not counted)', async () => {
    const file = csv([
      ['round', 'district', 'event_type', 'event_date', 'affected_hh', 'displaced_hh', 'displaced_individuals', 'priority_needs'],
      [3, 'AF0617', 'flood', '2024-07-29', 300, 200, 1500, 'SHL'],
      [3, 'AF0618', 'flood', '2024-07-29', 50, 40, '', 'SHL'],
      [3, 'AF0619', 'flood', '2024-07-29', 50, 40, 10, 'SHL'],
      [3, 'AF0620', 'flood', '2024-07-29', 50, 40, 'many', 'SHL'],
    ]);
    const { done } = await run(analyst, 'mobility.event', file, 'valid');
    expect(done).toMatchObject({ status: 'committed', summary: { rows: 4, valid: 2, invalid: 2, inserted: 2 } });
    expect(done.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`)).toEqual(['4:displacedInd', '5:displacedInd']);
    const round = (await analyst.get('/api/v1/mobility/rounds?operation=AFG&kind=event')).json().items[0];
    const items = (await analyst.get(`/api/v1/mobility/rounds/${round.id}/assessments?limit=100`)).json().items;
    const by = Object.fromEntries(items.map((a: { admin2Pcode: string; displacedInd: number | null }) => [a.admin2Pcode, a.displacedInd]));
    expect(by).toMatchObject({ AF0615: null, AF0617: 1500, AF0618: null });
    expect(by.AF0619).toBeUndefined();
    // The same file again adds nothing (same hashes).
    const again = await run(analyst, 'mobility.event', file, 'valid');
    expect(again.done).toMatchObject({ summary: { existing: 2, inserted: 0 } });
  });

  it('imports site assessments by site code with the checks of hand entry, and a re-import adds nothing', async () => {
    const header = ['round', 'site_code', 'population_ind', 'population_hh', 'services', 'priority_needs'];
    const bad = csv([
      header,
      [4, 'MT-IMP-CAMP', 840, 120, 'water health', 'SHL WSH'],
      [4, 'MT-IMP-HERAT', 10, 2, '', ''],
      [4, 'NO-SUCH-SITE', 1, 1, '', ''],
      [4, 'MT-IMP-CAMP2', 5, 9, 'water', 'SHL'],
      [9, 'MT-IMP-CAMP2', 5, 1, 'swimming_pool', ''],
    ]);
    const { batch, done } = await run(enumerator, 'mobility.site', bad);
    expect(batch.suggestedMapping).toMatchObject({ round: 'round', site: 'site_code', individuals: 'population_ind', households: 'population_hh', services: 'services', priorityNeeds: 'priority_needs' });
    expect(done.status).toBe('failed');
    // Herat is outside the enumerator's areas; households above individuals; a missing round and an unknown service.
    expect(done.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`).sort()).toEqual(['3:site', '4:site', '5:households', '6:round', '6:services']);
    const round = (await analyst.get('/api/v1/mobility/rounds?operation=AFG&kind=site')).json().items[0];
    expect(round.assessments).toBe(0);

    const good = csv([header, [4, 'MT-IMP-CAMP', 840, 120, 'water health', 'SHL WSH'], [4, 'mt-imp-camp2', 50, 9, '', 'FSC']]);
    const first = await run(enumerator, 'mobility.site', good);
    expect(first.done).toMatchObject({ status: 'committed', summary: { rows: 2, inserted: 2 } });
    const rows = (await analyst.get(`/api/v1/mobility/rounds/${round.id}/assessments`)).json().items;
    expect(rows.find((r: { siteCode: string }) => r.siteCode === 'MT-IMP-CAMP')).toMatchObject({ admin1Pcode: 'AF06', admin2Pcode: 'AF0601', individuals: 840, households: 120, services: ['health', 'water'], priorityNeeds: ['SHL', 'WSH'] });
    const again = await run(enumerator, 'mobility.site', good);
    expect(again.done).toMatchObject({ status: 'unchanged', summary: { existing: 2, inserted: 0 } });
    // The analyst (whole operation) may import the Herat camp.
    const herat = await run(analyst, 'mobility.site', csv([header, [4, 'MT-IMP-HERAT', 10, 2, '', '']]));
    expect(herat.done).toMatchObject({ status: 'committed', summary: { inserted: 1 } });
  });
});
