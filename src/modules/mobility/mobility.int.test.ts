import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, fieldsOf, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { parseCsv } from '../../shared/csv';
import { auditLog } from '../access/schema';

describe.each(BACKENDS)('mobility tracking on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let enumerator: Agent;
  let analyst: Agent;
  let viewer: Agent;
  let campId: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    enumerator = await t.as('enumerator');
    analyst = await t.as('analyst');
    viewer = await t.as('viewer');
    const camp = await admin.post('/api/v1/sites', { operationId: 'AFG', code: 'MT-TEST-CAMP', name: 'Test camp', kind: 'displacement_site', areaPcode: 'AF0601' });
    expect(camp.statusCode).toBe(201);
    campId = camp.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  let roundNo = 100;
  const newRound = async (kind: 'baseline' | 'site' | 'event', over: Record<string, unknown> = {}) => {
    const res = await analyst.post('/api/v1/mobility/rounds', { id: uuidv7(), operationId: 'AFG', kind, roundNumber: roundNo++, name: `Test ${kind} round`, referenceDate: '2025-03-31', ...over });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const baseline = (admin2Pcode: string, over: Record<string, unknown> = {}) => ({
    id: uuidv7(),
    kind: 'baseline',
    admin2Pcode,
    figures: { idps: { ind: 700, hh: 100 }, returnees: { ind: 1400, hh: 200 }, idpReturnees: { ind: 70, hh: 10 }, outMigrants: { ind: 35, hh: 5 } },
    idpMales: 350,
    idpFemales: 350,
    displacementReason: 'conflict',
    idpOriginAdmin1Pcode: 'AF32',
    ...over,
  });

  describe('rounds', () => {
    it('creates a round idempotently, numbers it, and refuses a taken number', async () => {
      const body = { id: uuidv7(), operationId: 'AFG', kind: 'site', name: 'Site round', referenceDate: '2025-01-15' };
      const a = await analyst.post('/api/v1/mobility/rounds', body);
      expect(a.statusCode).toBe(201);
      expect(a.json()).toMatchObject({ kind: 'site', status: 'draft', roundNumber: expect.any(Number), assessments: 0 });
      const again = await analyst.post('/api/v1/mobility/rounds', body);
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(body.id);
      const taken = await analyst.post('/api/v1/mobility/rounds', { ...body, id: uuidv7(), roundNumber: a.json().roundNumber });
      expect(taken.statusCode).toBe(409);
      expect(fieldsOf(taken.json())).toEqual(['body.roundNumber']);
    });

    it('names the fields of a bad round', async () => {
      const res = await analyst.post('/api/v1/mobility/rounds', { id: uuidv7(), operationId: 'AFG', kind: 'census', name: '', referenceDate: '2025-02-30' });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['body.kind', 'body.name', 'body.referenceDate']);
      const period = await analyst.post('/api/v1/mobility/rounds', { id: uuidv7(), operationId: 'AFG', kind: 'baseline', name: 'x', referenceDate: '2025-02-01', periodFrom: '2025-02-01', periodTo: '2025-01-01' });
      expect(fieldsOf(period.json())).toEqual(['body.periodTo']);
    });

    it('lists rounds newest first with cursor pagination', async () => {
      await newRound('baseline', { referenceDate: '2020-01-01' });
      await newRound('baseline', { referenceDate: '2020-02-01' });
      const first = await viewer.get('/api/v1/mobility/rounds?operation=AFG&limit=1');
      expect(first.statusCode).toBe(403);
      const p1 = (await enumerator.get('/api/v1/mobility/rounds?operation=AFG&kind=baseline&limit=1')).json();
      expect(p1.items).toHaveLength(1);
      expect(p1.nextCursor).toBeTruthy();
      const p2 = (await enumerator.get(`/api/v1/mobility/rounds?operation=AFG&kind=baseline&limit=1&cursor=${p1.nextCursor}`)).json();
      expect(p2.items[0].referenceDate <= p1.items[0].referenceDate).toBe(true);
      expect(p2.items[0].id).not.toBe(p1.items[0].id);
      expect((await enumerator.get('/api/v1/mobility/rounds?operation=PAK')).statusCode).toBe(404);
    });

    it('deletes an empty draft round only', async () => {
      const id = await newRound('site');
      expect((await enumerator.delete(`/api/v1/mobility/rounds/${id}`)).statusCode).toBe(403);
      expect((await analyst.delete(`/api/v1/mobility/rounds/${id}`)).statusCode).toBe(204);
      expect((await analyst.get(`/api/v1/mobility/rounds/${id}`)).statusCode).toBe(404);
      const full = await newRound('event');
      expect((await analyst.post(`/api/v1/mobility/rounds/${full}/assessments`, { id: uuidv7(), kind: 'event', admin2Pcode: 'AF0601', eventType: 'fire', eventDate: '2025-01-01', affectedHh: 3, displacedHh: 1 })).statusCode).toBe(201);
      const refused = await analyst.delete(`/api/v1/mobility/rounds/${full}`);
      expect(refused.statusCode).toBe(409);
      expect(fieldsOf(refused.json())).toEqual(['assessments']);
    });

    it('edits a draft round only', async () => {
      const id = await newRound('event');
      const res = await analyst.patch(`/api/v1/mobility/rounds/${id}`, { name: 'Flood, Nangarhar' });
      expect(res.statusCode).toBe(200);
      expect(res.json().name).toBe('Flood, Nangarhar');
    });
  });

  describe('baseline rows', () => {
    let round: string;
    beforeAll(async () => {
      round = await newRound('baseline');
    });

    it('stores a row with its arrival periods and province, audited', async () => {
      const body = baseline('AF0601', {
        byPeriod: {
          before_2021: { idps: { ind: 400, hh: 60 }, returnees: { ind: 400, hh: 60 } },
          '2021_2023': { idps: { ind: 300, hh: 40 }, returnees: { ind: 500, hh: 70 }, idpReturnees: { ind: 70, hh: 10 } },
          '2024': { returnees: { ind: 300, hh: 40 }, outMigrants: { ind: 35, hh: 5 } },
          '2025': { returnees: { ind: 200, hh: 30 } },
        },
      });
      const res = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, body);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ admin1Pcode: 'AF06', admin1Name: 'Nangarhar', admin2Name: 'Jalalabad', version: 1, figures: { returnees: { ind: 1400, hh: 200 } } });
      expect(res.json().byPeriod['2025'].returnees).toEqual({ ind: 200, hh: 30 });
      const again = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, body);
      expect(again.statusCode).toBe(200);
      const [row] = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, body.id), eq(auditLog.action, 'mobility_assessment.create')));
      expect(row).toBeTruthy();
    });

    it('names every field that is wrong', async () => {
      const res = await analyst.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF9999', {
        figures: { idps: { ind: 10, hh: 20 }, returnees: { ind: 5, hh: 0 } },
        idpMales: 1,
        idpFemales: 1,
        idpOriginAdmin1Pcode: 'AF99',
        byPeriod: { '2024': { idps: { ind: 3, hh: 1 } } },
      }));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['body.admin2Pcode', 'body.byPeriod.idps.hh', 'body.byPeriod.idps.ind', 'body.byPeriod.returnees.ind', 'body.figures.idps.hh', 'body.figures.returnees.hh', 'body.idpMales', 'body.idpOriginAdmin1Pcode']);
      const kind = await analyst.post(`/api/v1/mobility/rounds/${round}/assessments`, { id: uuidv7(), kind: 'event', admin2Pcode: 'AF0602', eventType: 'flood', eventDate: '2025-01-01', affectedHh: 1, displacedHh: 1 });
      expect(fieldsOf(kind.json())).toEqual(['body.kind']);
      const schema = await analyst.post(`/api/v1/mobility/rounds/${round}/assessments`, { ...baseline('AF0602'), figures: { idps: { ind: -1, hh: 0 } } });
      expect(schema.statusCode).toBe(400);
      expect(fieldsOf(schema.json())).toEqual(['body.figures.idps.ind']);
    });

    it('keeps the enumerator to her provinces: 404 elsewhere', async () => {
      const kabul = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF0101'));
      expect(kabul.statusCode).toBe(404);
      const byAdmin = await admin.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF0101'));
      expect(byAdmin.statusCode).toBe(201);
      expect((await enumerator.get(`/api/v1/mobility/assessments/${byAdmin.json().id}`)).statusCode).toBe(404);
      const fix = await enumerator.put(`/api/v1/mobility/assessments/${byAdmin.json().id}`, { ...baseline('AF0101'), id: undefined, baseVersion: 1 });
      expect(fix.statusCode).toBe(404);
      const kandahar = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF2711'));
      expect(kandahar.statusCode).toBe(201);
      const mine = (await enumerator.get(`/api/v1/mobility/rounds/${round}/assessments`)).json();
      expect(mine.items.map((a: { admin2Pcode: string }) => a.admin2Pcode).sort()).toEqual(['AF0601', 'AF2711']);
      expect(mine.total).toBe(2);
      const all = (await analyst.get(`/api/v1/mobility/rounds/${round}/assessments?limit=2`)).json();
      expect(all.total).toBe(3);
      expect(all.nextCursor).toBeTruthy();
      const sum = (await enumerator.get(`/api/v1/mobility/rounds/${round}/summary`)).json();
      expect(sum.districts.map((d: { admin2Pcode: string }) => d.admin2Pcode)).toEqual(['AF0601', 'AF2711']);
      expect(sum.totals.returnees).toBe(2800);
      expect(sum.provinces.map((p: { admin1Pcode: string }) => p.admin1Pcode)).toEqual(['AF06', 'AF27']);
    });

    it('refuses a second row for the same district', async () => {
      const res = await analyst.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF0601'));
      expect(res.statusCode).toBe(409);
      expect(fieldsOf(res.json())).toEqual(['body.admin2Pcode']);
    });

    it('corrects by new versions and refuses a stale base version', async () => {
      const created = (await analyst.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF0603'))).json();
      const { id: _id, ...rest } = baseline('AF0603');
      const fixed = { ...rest, figures: { ...rest.figures, returnees: { ind: 1500, hh: 210 } } };
      const v2 = await analyst.put(`/api/v1/mobility/assessments/${created.id}`, { ...fixed, baseVersion: 1 });
      expect(v2.statusCode, v2.body).toBe(200);
      expect(v2.json()).toMatchObject({ version: 2, figures: { returnees: { ind: 1500 } } });
      expect(v2.json().history.map((h: { version: number; current: boolean }) => [h.version, h.current])).toEqual([[2, true], [1, false]]);
      const resend = await analyst.put(`/api/v1/mobility/assessments/${created.id}`, { ...fixed, baseVersion: 1 });
      expect(resend.statusCode).toBe(200);
      expect(resend.json().version).toBe(2);
      const stale = await analyst.put(`/api/v1/mobility/assessments/${created.id}`, { ...fixed, notes: 'late', baseVersion: 1 });
      expect(stale.statusCode).toBe(409);
      expect(fieldsOf(stale.json())).toEqual(['body.baseVersion']);
      const [a] = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, created.id), eq(auditLog.action, 'mobility_assessment.correct')));
      expect(a.changes).toMatchObject({ returneeInd: { before: 1400, after: 1500 }, version: { before: 1, after: 2 } });
    });

    it('moves through the workflow; a verified round is frozen', async () => {
      expect((await enumerator.post(`/api/v1/mobility/rounds/${round}/submit`)).statusCode).toBe(403);
      expect((await enumerator.post(`/api/v1/mobility/rounds/${round}/verify`)).statusCode).toBe(403);
      expect((await analyst.post(`/api/v1/mobility/rounds/${round}/verify`)).statusCode).toBe(409);
      expect((await analyst.post(`/api/v1/mobility/rounds/${round}/submit`)).json().status).toBe('submitted');
      expect((await analyst.post(`/api/v1/mobility/rounds/${round}/verify`)).json().status).toBe('verified');
      const late = await analyst.post(`/api/v1/mobility/rounds/${round}/assessments`, baseline('AF0604'));
      expect(late.statusCode).toBe(409);
      expect((await analyst.patch(`/api/v1/mobility/rounds/${round}`, { name: 'x' })).statusCode).toBe(409);
      const published = (await analyst.post(`/api/v1/mobility/rounds/${round}/publish`)).json();
      expect(published).toMatchObject({ status: 'published', published: { at: expect.any(String) } });
    });

    it('exports CSV with an HXL row and XLSX', async () => {
      const csv = await analyst.get(`/api/v1/mobility/rounds/${round}/assessments.csv`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const rows = parseCsv(csv.body);
      expect(rows[1]).toEqual(expect.arrayContaining(['#adm1+code', '#adm2+code', '#affected+idps+ind', '#affected+returnees+ind']));
      expect(rows.length - 2).toBe(4);
      expect(rows.slice(2).map((r) => r[rows[0].indexOf('adm2_pcode')])).toEqual(['AF0101', 'AF0601', 'AF0603', 'AF2711']);
      const mine = parseCsv((await enumerator.get(`/api/v1/mobility/rounds/${round}/assessments.csv`)).body);
      expect(mine.slice(2).map((r) => r[mine[0].indexOf('adm2_pcode')]).sort()).toEqual(['AF0601', 'AF0603', 'AF2711']);
      const xlsx = await analyst.get(`/api/v1/mobility/rounds/${round}/assessments.xlsx`);
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    });
  });

  describe('site and event assessments', () => {
    it('stores a site assessment on a site of the places module', async () => {
      const round = await newRound('site');
      const res = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, { id: uuidv7(), kind: 'site', siteId: campId, individuals: 840, households: 120, services: ['water', 'health'], priorityNeeds: ['SHL', 'WSH', 'FSC'] });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ admin2Pcode: 'AF0601', siteCode: 'MT-TEST-CAMP', priorityNeeds: ['SHL', 'WSH', 'FSC'] });
      const bad = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, { id: uuidv7(), kind: 'site', siteId: uuidv7(), individuals: 1, households: 2, priorityNeeds: ['SHL', 'SHL'] });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(['body.priorityNeeds']);
      const bad2 = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, { id: uuidv7(), kind: 'site', siteId: uuidv7(), individuals: 1, households: 2 });
      expect(fieldsOf(bad2.json())).toEqual(['body.households', 'body.siteId']);
    });

    it('stores a flood assessment and checks its figures', async () => {
      const round = await newRound('event');
      const body = { id: uuidv7(), kind: 'event', admin2Pcode: 'AF0615', eventType: 'flood', eventDate: '2025-03-20', affectedHh: 420, displacedHh: 130, damagedShelters: 210, destroyedShelters: 45, priorityNeeds: ['SHL', 'WSH', 'HEA'] };
      const res = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, body);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ eventType: 'flood', affectedHh: 420, admin1Pcode: 'AF06' });
      const bad = await enumerator.post(`/api/v1/mobility/rounds/${round}/assessments`, { ...body, id: uuidv7(), admin2Pcode: 'AF0616', eventDate: '2999-01-01', displacedHh: 500 });
      expect(fieldsOf(bad.json())).toEqual(['body.displacedHh', 'body.eventDate']);
      const sum = (await analyst.get(`/api/v1/mobility/rounds/${round}/summary`)).json();
      expect(sum.totals).toMatchObject({ affectedHh: 420, displacedHh: 130, damagedShelters: 210, destroyedShelters: 45 });
    });
  });

  describe('DTM-API-compatible endpoint', () => {
    let token: string;
    let analystToken: string;
    beforeAll(async () => {
      // A published round (2 rows) and a draft one (1 row) that must not show.
      const pub = await newRound('baseline', { roundNumber: 15, referenceDate: '2022-12-31' });
      for (const [p, o] of [['AF3201', {}], ['AF3202', { displacementReason: 'natural_disaster', idpMales: null, idpFemales: null }]] as const)
        expect((await analyst.post(`/api/v1/mobility/rounds/${pub}/assessments`, baseline(p, o))).statusCode).toBe(201);
      for (const step of ['submit', 'verify', 'publish']) expect((await analyst.post(`/api/v1/mobility/rounds/${pub}/${step}`)).statusCode).toBe(200);
      const draft = await newRound('baseline', { roundNumber: 16, referenceDate: '2023-06-30' });
      expect((await analyst.post(`/api/v1/mobility/rounds/${draft}/assessments`, baseline('AF3203'))).statusCode).toBe(201);
      token = (await viewer.post('/api/v1/me/tokens', { name: 'dtm client' })).json().token;
      analystToken = (await analyst.post('/api/v1/me/tokens', { name: 'dtm client' })).json().token;
    });

    it('answers 401 without a token, in DTM\'s envelope', async () => {
      const res = await t.anon.get('/api/dtm/v3/displacement/admin2?Admin0Pcode=AFG');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ isSuccess: false, statusCode: 401, result: [], error: { code: 'UNAUTHENTICATED' } });
      const wrong = await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin0', headers: { 'ocp-apim-subscription-key': 'hmr_notatoken' } });
      expect(wrong.statusCode).toBe(401);
    });

    it('serves admin2 rows of published rounds with DTM\'s fields, by subscription-key header', async () => {
      const res = await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin2?Admin0Pcode=AFG&FromRoundNumber=15&ToRoundNumber=15', headers: { 'Ocp-Apim-Subscription-Key': token } });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['errorMessages', 'isSuccess', 'result', 'statusCode', 'totalRecordsCount']);
      expect(body).toMatchObject({ isSuccess: true, statusCode: 200, errorMessages: [], totalRecordsCount: 2 });
      const row = body.result.find((r: { admin2Pcode: string }) => r.admin2Pcode === 'AF3201');
      expect(Object.keys(row).sort()).toEqual(
        ['operation', 'admin0Name', 'admin0Pcode', 'admin1Name', 'admin1Pcode', 'admin2Name', 'admin2Pcode', 'numPresentIdpInd', 'reportingDate', 'yearReportingDate', 'monthReportingDate', 'roundNumber', 'displacementReason', 'numberMales', 'numberFemales', 'idpOriginAdmin1Name', 'idpOriginAdmin1Pcode', 'assessmentType'].sort(),
      );
      expect(row).toEqual({
        operation: 'Afghanistan',
        admin0Name: 'Afghanistan',
        admin0Pcode: 'AFG',
        admin1Name: 'Hirat',
        admin1Pcode: 'AF32',
        admin2Name: 'Hirat',
        admin2Pcode: 'AF3201',
        numPresentIdpInd: 700,
        reportingDate: '2022-12-31T00:00:00',
        yearReportingDate: 2022,
        monthReportingDate: 12,
        roundNumber: 15,
        displacementReason: 'Conflict',
        numberMales: 350,
        numberFemales: 350,
        idpOriginAdmin1Name: 'Hirat',
        idpOriginAdmin1Pcode: 'AF32',
        assessmentType: 'BA',
      });
      const other = body.result.find((r: { admin2Pcode: string }) => r.admin2Pcode === 'AF3202');
      expect(other).toMatchObject({ displacementReason: 'Natural disaster', numberMales: null });
    });

    it('aggregates admin1 and admin0, filters like DTM (case-insensitive), and takes a Bearer token', async () => {
      const h = { authorization: `Bearer ${analystToken}` };
      const a1 = (await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin1?admin0pcode=AFG&admin1Pcode=AF32', headers: h })).json();
      expect(a1.result.map((r: { admin1Pcode: string; numPresentIdpInd: number; displacementReason: string }) => [r.admin1Pcode, r.displacementReason, r.numPresentIdpInd])).toEqual([
        ['AF32', 'Conflict', 700],
        ['AF32', 'Natural disaster', 700],
      ]);
      expect(a1.result[0].admin2Pcode).toBeUndefined();
      const a0 = (await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin0?CountryName=afghanistan&FromReportingDate=2022-01-01&ToReportingDate=2022-12-31', headers: h })).json();
      expect(a0.result.reduce((s: number, r: { numPresentIdpInd: number }) => s + r.numPresentIdpInd, 0)).toBe(1400);
      expect(a0.result[0].admin1Pcode).toBeUndefined();
      const none = (await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin0?Admin0Pcode=AFG&FromRoundNumber=16&ToRoundNumber=16', headers: h })).json();
      expect(none).toMatchObject({ isSuccess: true, result: [], totalRecordsCount: 0 });
      const bad = await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin2?FromReportingDate=yesterday', headers: h });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ isSuccess: false, errorMessages: [expect.stringContaining('FromReportingDate')] });
    });

    it('serves published site assessments as assessmentType SA (people present on the sites), and no event assessment that counted households only', async () => {
      const site = await newRound('site', { roundNumber: 20, referenceDate: '2024-06-30' });
      expect((await analyst.post(`/api/v1/mobility/rounds/${site}/assessments`, { id: uuidv7(), kind: 'site', siteId: campId, individuals: 840, households: 120, priorityNeeds: ['SHL'] })).statusCode).toBe(201);
      const event = await newRound('event', { roundNumber: 20, referenceDate: '2024-06-30' });
      const flood = { id: uuidv7(), kind: 'event', admin2Pcode: 'AF0601', eventType: 'flood', eventDate: '2024-06-20', affectedHh: 420, displacedHh: 130, priorityNeeds: ['SHL'] };
      expect((await analyst.post(`/api/v1/mobility/rounds/${event}/assessments`, flood)).statusCode).toBe(201);
      const h = { 'Ocp-Apim-Subscription-Key': token };
      const get = async () => (await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin2?Admin0Pcode=AFG&FromRoundNumber=20&ToRoundNumber=20', headers: h })).json();
      // Not yet published: nothing.
      for (const step of ['submit', 'verify']) expect((await analyst.post(`/api/v1/mobility/rounds/${site}/${step}`)).statusCode).toBe(200);
      expect((await get()).result).toEqual([]);
      for (const id of [site, event]) {
        for (const step of id === event ? ['submit', 'verify', 'publish'] : ['publish']) expect((await analyst.post(`/api/v1/mobility/rounds/${id}/${step}`)).statusCode).toBe(200);
      }
      const body = await get();
      expect(body.totalRecordsCount).toBe(1);
      expect(body.result[0]).toEqual({
        operation: 'Afghanistan',
        admin0Name: 'Afghanistan',
        admin0Pcode: 'AFG',
        admin1Name: expect.any(String),
        admin1Pcode: 'AF06',
        admin2Name: expect.any(String),
        admin2Pcode: 'AF0601',
        numPresentIdpInd: 840,
        reportingDate: '2024-06-30T00:00:00',
        yearReportingDate: 2024,
        monthReportingDate: 6,
        roundNumber: 20,
        displacementReason: null,
        numberMales: null,
        numberFemales: null,
        idpOriginAdmin1Name: null,
        idpOriginAdmin1Pcode: null,
        assessmentType: 'SA',
      });
      // Admin 0 adds the site population to the baseline figures of other rounds, each row with its type.
      const a0 = (await t.anon.request({ method: 'GET', url: '/api/dtm/v3/displacement/admin0?Admin0Pcode=AFG&FromRoundNumber=15&ToRoundNumber=20', headers: h })).json();
      expect(a0.result.map((r: { roundNumber: number; assessmentType: string; numPresentIdpInd: number }) => [r.roundNumber, r.assessmentType, r.numPresentIdpInd])).toEqual([
        [15, 'BA', 700],
        [15, 'BA', 700],
        [20, 'SA', 840],
      ]);
    });

    it('serves published event assessments as assessmentType ETT with the displaced individuals counted', async () => {
      const event = await newRound('event', { roundNumber: 21, referenceDate: '2024-08-31' });
      const post = (body: Record<string, unknown>) => analyst.post(`/api/v1/mobility/rounds/${event}/assessments`, body);
      const flood = { id: uuidv7(), kind: 'event', admin2Pcode: 'AF0601', eventType: 'flash_flood', eventDate: '2024-08-20', affectedHh: 420, displacedHh: 130, displacedInd: 910, priorityNeeds: ['SHL'] };
      const created = await post(flood);
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ displacedHh: 130, displacedInd: 910 });
      expect((await post(flood)).statusCode).toBe(200); // the same again: no new version
      // Individuals fewer than households, or people without a household: refused, naming the field.
      const few = await post({ ...flood, id: uuidv7(), admin2Pcode: 'AF0603', displacedHh: 50, displacedInd: 49 });
      expect(few.statusCode).toBe(400);
      expect(fieldsOf(few.json())).toEqual(['body.displacedInd']);
      const noHh = await post({ ...flood, id: uuidv7(), admin2Pcode: 'AF0603', displacedHh: 0, displacedInd: 12 });
      expect(fieldsOf(noHh.json())).toEqual(['body.displacedInd']);
      // A conflict event entered without individuals, then corrected to add them (version 2).
      const clash = { id: uuidv7(), kind: 'event', admin2Pcode: 'AF0602', eventType: 'conflict', eventDate: '2024-08-25', affectedHh: 60, displacedHh: 45 };
      expect((await post(clash)).statusCode).toBe(201);
      const fixed = await analyst.put(`/api/v1/mobility/assessments/${clash.id}`, { ...clash, id: undefined, displacedInd: 300, baseVersion: 1 });
      expect(fixed.statusCode, fixed.body).toBe(200);
      expect(fixed.json()).toMatchObject({ version: 2, displacedInd: 300, history: [{ displacedInd: 300 }, { displacedInd: null }] });
      // Households only: not served as ETT.
      expect((await post({ id: uuidv7(), kind: 'event', admin2Pcode: 'AF0604', eventType: 'landslide', eventDate: '2024-08-21', affectedHh: 30, displacedHh: 20 })).statusCode).toBe(201);
      const summary = (await analyst.get(`/api/v1/mobility/rounds/${event}/summary`)).json();
      expect(summary.totals).toMatchObject({ assessments: 3, displacedHh: 195, displacedInd: 1210 });

      const h = { 'Ocp-Apim-Subscription-Key': token };
      const get = async (level: number) => (await t.anon.request({ method: 'GET', url: `/api/dtm/v3/displacement/admin${level}?Admin0Pcode=AFG&FromRoundNumber=21&ToRoundNumber=21`, headers: h })).json();
      expect((await get(2)).result).toEqual([]); // draft
      for (const step of ['submit', 'verify', 'publish']) expect((await analyst.post(`/api/v1/mobility/rounds/${event}/${step}`)).statusCode).toBe(200);
      const a2 = await get(2);
      expect(a2.totalRecordsCount).toBe(2);
      expect(a2.result[0]).toEqual({
        operation: 'Afghanistan',
        admin0Name: 'Afghanistan',
        admin0Pcode: 'AFG',
        admin1Name: expect.any(String),
        admin1Pcode: 'AF06',
        admin2Name: expect.any(String),
        admin2Pcode: 'AF0601',
        numPresentIdpInd: 910,
        reportingDate: '2024-08-31T00:00:00',
        yearReportingDate: 2024,
        monthReportingDate: 8,
        roundNumber: 21,
        displacementReason: 'Natural disaster',
        numberMales: null,
        numberFemales: null,
        idpOriginAdmin1Name: null,
        idpOriginAdmin1Pcode: null,
        assessmentType: 'ETT',
      });
      expect(a2.result[1]).toMatchObject({ admin2Pcode: 'AF0602', numPresentIdpInd: 300, displacementReason: 'Conflict', assessmentType: 'ETT' });
      // Per country: one row per displacement reason, the displaced individuals summed.
      const a0 = await get(0);
      expect(a0.result.map((r: { assessmentType: string; displacementReason: string; numPresentIdpInd: number }) => [r.assessmentType, r.displacementReason, r.numPresentIdpInd])).toEqual([
        ['ETT', 'Conflict', 300],
        ['ETT', 'Natural disaster', 910],
      ]);
      // The flows dashboard's reader stays on baseline rounds.
    });

    it('lists operations with published data', async () => {
      const res = await t.anon.request({ method: 'GET', url: '/api/dtm/v3/operation-list', headers: { 'Ocp-Apim-Subscription-Key': token } });
      expect(res.json()).toMatchObject({ isSuccess: true, result: [{ operation: 'Afghanistan', operationStatus: 'Active', admin0Name: 'Afghanistan', admin0Pcode: 'AFG' }], totalRecordsCount: 1 });
    });

    it('is in the OpenAPI document', async () => {
      const doc = (await t.anon.get('/api/docs/json')).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/dtm/v3/displacement/admin2', '/api/dtm/v3/operation-list', '/api/v1/mobility/rounds']));
    });
  });
});
