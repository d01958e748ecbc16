import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, fieldsOf, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { parseCsv } from '../../shared/csv';
import { auditLog } from '../access/schema';


describe.each(BACKENDS)('flow monitoring counts on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let enumerator: Agent;
  let analyst: Agent;
  const site: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    enumerator = await t.as('enumerator');
    analyst = await t.as('analyst');
    for (const s of (await admin.get('/api/v1/sites?operation=AFG&limit=1000')).json().items) site[s.code] = s.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  let day = 0;
  /** A fresh past date per count, so keys never collide between tests. */
  const nextDate = () => new Date(Date.UTC(2024, 0, 1) + day++ * 86_400_000).toISOString().slice(0, 10);
  const inflow = (over: Record<string, unknown> = {}) => ({
    id: uuidv7(),
    operationId: 'AFG',
    siteId: site['BCP-TORKHAM'],
    date: nextDate(),
    direction: 'in',
    total: 100,
    men: 40,
    women: 20,
    boys: 22,
    girls: 18,
    afghan: 99,
    otherNationality: 1,
    deported: 30,
    spontaneous: 68,
    otherReason: 2,
    transport: { foot: 10, car: 20, bus: 40, truck: 25, other: 0 },
    ...over,
  });

  it('an enumerator enters a count at Torkham; it starts as a draft, version 1, and is audited', async () => {
    const body = inflow();
    const res = await enumerator.post('/api/v1/flows/counts', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: body.id, version: 1, current: true, status: 'draft', siteCode: 'BCP-TORKHAM', neighbourCountry: 'PAK', areaPcode: 'AF0617', total: 100, deported: 30 });
    expect(res.json().history).toHaveLength(1);
    const rows = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'flow_count'), eq(auditLog.entityId, body.id)));
    expect(rows.map((r) => r.action)).toEqual(['flow_count.create']);
    expect(rows[0].operationId).toBe('AFG');
  });

  it('re-sending the same id and body answers the stored record; another body with that id is a conflict', async () => {
    const body = inflow();
    expect((await enumerator.post('/api/v1/flows/counts', body)).statusCode).toBe(201);
    const again = await enumerator.post('/api/v1/flows/counts', body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ id: body.id, version: 1 });
    const changed = await enumerator.post('/api/v1/flows/counts', { ...body, total: 101, men: 41, afghan: 100, spontaneous: 69 });
    expect(changed.statusCode).toBe(409);
    expect(fieldsOf(changed.json())).toEqual(['body.id']);
    // Another id for the same site, day and direction: correct the first one instead.
    const twin = await enumerator.post('/api/v1/flows/counts', { ...body, id: uuidv7() });
    expect(twin.statusCode).toBe(409);
    expect(fieldsOf(twin.json())).toEqual(['body.date']);
    // The explanation as a message code too, for the web's languages.
    expect(changed.json().error).toMatchObject({ messageCode: 'conflict.countIdOtherFigures' });
    expect(twin.json().error).toMatchObject({ messageCode: 'conflict.inflowCounted', messageParams: { site: 'BCP-TORKHAM', date: body.date, id: body.id } });
    expect(twin.json().error.message).toBe(`BCP-TORKHAM already has an inflow count for ${body.date} (${body.id}); correct that one instead.`);
  });

  it('names the field of every validation problem', async () => {
    const sums = await enumerator.post('/api/v1/flows/counts', inflow({ men: 41, afghan: 98, deported: 31, transport: { foot: 100, car: 1 } }));
    expect(sums.statusCode).toBe(400);
    expect(fieldsOf(sums.json())).toEqual(['body.afghan', 'body.deported', 'body.men', 'body.transport']);

    const future = await enumerator.post('/api/v1/flows/counts', inflow({ date: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) }));
    expect(future.statusCode).toBe(400);
    expect(fieldsOf(future.json())).toEqual(['body.date']);

    const outflowReasons = await enumerator.post('/api/v1/flows/counts', inflow({ direction: 'out' }));
    expect(fieldsOf(outflowReasons.json())).toEqual(['body.deported', 'body.otherReason', 'body.spontaneous']);

    const neighbour = await enumerator.post('/api/v1/flows/counts', inflow({ neighbourCountry: 'IRN' }));
    expect(fieldsOf(neighbour.json())).toEqual(['body.neighbourCountry']);

    // A transit centre in Nangarhar (inside the enumerator's AF06) is no flow monitoring point.
    const tc = await admin.post('/api/v1/sites', { operationId: 'AFG', code: 'TC-FLOWS', name: 'Transit centre', kind: 'transit_centre', areaPcode: 'AF0601', lat: 34.43, lon: 70.45 });
    const notFm = await enumerator.post('/api/v1/flows/counts', inflow({ siteId: tc.json().id }));
    expect(notFm.statusCode).toBe(400);
    expect(fieldsOf(notFm.json())).toEqual(['body.siteId']);

    const schema = await enumerator.post('/api/v1/flows/counts', inflow({ total: -1, direction: 'sideways' }));
    expect(schema.statusCode).toBe(400);
    expect(fieldsOf(schema.json())).toEqual(['body.direction', 'body.total']);
  });

  it('gives each problem a message code with its parameters, and keeps the English message for API clients', async () => {
    const sums = await enumerator.post('/api/v1/flows/counts', inflow({ men: 41 }));
    expect(sums.statusCode).toBe(400);
    expect(sums.json().error.fields).toEqual([
      { path: 'body.men', code: 'flows.sexAgeSum', params: { sum: 101, total: 100 }, message: 'men + women + boys + girls = 101, but the total is 100.' },
    ]);

    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const future = await enumerator.post('/api/v1/flows/counts', inflow({ date }));
    const [issue] = future.json().error.fields;
    expect(issue).toMatchObject({ path: 'body.date', code: 'date.futureTodayIn', params: { date, timeZone: 'Asia/Kabul' } });
    expect(issue.message).toBe(`${date} is in the future (today is ${issue.params.today} in Asia/Kabul).`);

    // Request-schema problems: the common kinds have codes of their own.
    const { siteId: _siteId, ...noSite } = inflow({});
    const schema = await enumerator.post('/api/v1/flows/counts', { ...noSite, total: -1, direction: 'sideways', date: '2024-13-45' });
    expect(schema.statusCode).toBe(400);
    const byPath = Object.fromEntries(schema.json().error.fields.map((f: { path: string }) => [f.path, f]));
    expect(byPath['body.siteId']).toEqual({ path: 'body.siteId', code: 'value.required', message: 'Required.' });
    expect(byPath['body.total']).toEqual({ path: 'body.total', code: 'value.tooSmall', params: { minimum: 0 }, message: 'At least 0.' });
    expect(byPath['body.direction']).toEqual({ path: 'body.direction', code: 'value.notOneOf', params: { values: 'in, out' }, message: 'One of in, out.' });
    expect(byPath['body.date']).toMatchObject({ code: expect.stringMatching(/^value\.(isoDate|notCalendarDate)$/) });
  });

  it('an enumerator reaches Torkham and Spin Boldak but not Islam Qala (404)', async () => {
    expect((await enumerator.post('/api/v1/flows/counts', inflow({ siteId: site['BCP-SPIN-BOLDAK'] }))).statusCode).toBe(201);
    const iq = await enumerator.post('/api/v1/flows/counts', inflow({ siteId: site['BCP-ISLAM-QALA'] }));
    expect(iq.statusCode).toBe(404);
    const byAdmin = await admin.post('/api/v1/flows/counts', inflow({ siteId: site['BCP-ISLAM-QALA'] }));
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json().neighbourCountry).toBe('IRN');
    expect((await enumerator.get(`/api/v1/flows/counts/${byAdmin.json().id}`)).statusCode).toBe(404);
    expect((await analyst.get(`/api/v1/flows/counts/${byAdmin.json().id}`)).statusCode).toBe(200);
    const listed = (await enumerator.get('/api/v1/flows/counts?operation=AFG&limit=1000')).json();
    expect(new Set(listed.items.map((c: { siteCode: string }) => c.siteCode))).toEqual(new Set(['BCP-TORKHAM', 'BCP-SPIN-BOLDAK']));
    expect(listed.total).toBe(listed.items.length);
    expect((await enumerator.get(`/api/v1/flows/counts?operation=AFG&site=${site['BCP-ISLAM-QALA']}`)).json().items).toEqual([]);
    expect((await enumerator.get('/api/v1/flows/counts?operation=PAK')).statusCode).toBe(404);
  });

  it('a correction adds version 2, keeps version 1 in the history, and is audited; a stale base version is refused', async () => {
    const body = inflow();
    await enumerator.post('/api/v1/flows/counts', body);
    const fix = { ...body, total: 120, men: 50, women: 25, boys: 25, girls: 20, afghan: 120, otherNationality: 0, deported: 40, spontaneous: 80, otherReason: 0, baseVersion: 1 };
    const { id: _i, operationId: _o, siteId: _s, date: _d, direction: _dir, ...figures } = fix;
    const res = await enumerator.put(`/api/v1/flows/counts/${body.id}`, figures);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ version: 2, current: true, total: 120, status: 'draft' });
    const detail = (await analyst.get(`/api/v1/flows/counts/${body.id}`)).json();
    expect(detail.history.map((v: { version: number; current: boolean; total: number }) => [v.version, v.current, v.total])).toEqual([
      [2, true, 120],
      [1, false, 100],
    ]);
    // A retry of the same correction changes nothing; an edit based on version 1 is refused.
    expect((await enumerator.put(`/api/v1/flows/counts/${body.id}`, figures)).json().version).toBe(2);
    const stale = await enumerator.put(`/api/v1/flows/counts/${body.id}`, { ...figures, notes: 'other edit' });
    expect(stale.statusCode).toBe(409);
    expect(fieldsOf(stale.json())).toEqual(['body.baseVersion']);
    expect(stale.json().error).toMatchObject({ messageCode: 'conflict.countVersion', messageParams: { version: 2, baseVersion: 1 } });
    const bad = await enumerator.put(`/api/v1/flows/counts/${body.id}`, { ...figures, baseVersion: 2, men: 0 });
    expect(fieldsOf(bad.json())).toEqual(['body.men']);

    const rows = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'flow_count'), eq(auditLog.entityId, body.id)));
    expect(rows.map((r) => r.action).sort()).toEqual(['flow_count.correct', 'flow_count.create']);
    expect(rows.find((r) => r.action === 'flow_count.correct')!.changes).toMatchObject({ version: { before: 1, after: 2 }, total: { before: 100, after: 120 } });
    // Only the current version counts in lists and totals.
    const list = (await analyst.get(`/api/v1/flows/counts?operation=AFG&from=${body.date}&to=${body.date}&site=${site['BCP-TORKHAM']}`)).json();
    expect(list.items.map((c: { version: number }) => c.version)).toEqual([2]);
    const sum = (await analyst.get(`/api/v1/flows/summary?operation=AFG&from=${body.date}&to=${body.date}`)).json();
    expect(sum.inflow).toBe(120);
  });

  it('moves draft → submitted → verified → published; illegal steps answer 409', async () => {
    const body = inflow();
    await enumerator.post('/api/v1/flows/counts', body);
    const step = (who: Agent, action: string) => who.post(`/api/v1/flows/counts/${body.id}/${action}`);
    expect((await step(analyst, 'verify')).statusCode).toBe(409);
    expect((await step(enumerator, 'verify')).statusCode).toBe(403);
    expect((await step(enumerator, 'submit')).json().status).toBe('submitted');
    const twice = await step(enumerator, 'submit');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ message: 'Version 1 is submitted; only a draft count can be submitted.', messageCode: 'conflict.countSubmit', messageParams: { version: 1, status: 'submitted' } });
    expect((await step(analyst, 'publish')).statusCode).toBe(409);
    expect((await step(analyst, 'verify')).json().status).toBe('verified');
    const published = await step(analyst, 'publish');
    expect(published.json()).toMatchObject({ status: 'published', published: { by: expect.any(String) } });
    expect((await step(analyst, 'publish')).statusCode).toBe(409);
    expect((await analyst.get(`/api/v1/flows/counts?operation=AFG&status=published`)).json().items.map((c: { id: string }) => c.id)).toContain(body.id);
    // A correction of a published count starts again as a draft.
    const { id: _i, operationId: _o, siteId: _s, date: _d, direction: _dir, ...figures } = body;
    const fixed = await enumerator.put(`/api/v1/flows/counts/${body.id}`, { ...figures, notes: 'recount', baseVersion: 1 });
    expect(fixed.json()).toMatchObject({ version: 2, status: 'draft' });
    expect(fixed.json().history[1]).toMatchObject({ version: 1, status: 'published' });
    const actions = (await t.db.database.db.select().from(auditLog).where(eq(auditLog.entityId, body.id))).map((r) => r.action).sort();
    expect(actions).toEqual(['flow_count.correct', 'flow_count.create', 'flow_count.publish', 'flow_count.submit', 'flow_count.verify']);
  });

  it('summary and CSV cover the visible sites only; the CSV has a header, an HXL row and the rows', async () => {
    const date = '2023-06-01';
    await admin.post('/api/v1/flows/counts', inflow({ date, total: 10, men: 10, women: 0, boys: 0, girls: 0, afghan: 10, otherNationality: 0, deported: 10, spontaneous: 0, otherReason: 0, transport: {} }));
    await admin.post('/api/v1/flows/counts', inflow({ date, direction: 'out', total: 5, men: 5, women: 0, boys: 0, girls: 0, afghan: 5, otherNationality: 0, deported: null, spontaneous: null, otherReason: null, transport: {} }));
    await admin.post('/api/v1/flows/counts', inflow({ date, siteId: site['BCP-ISLAM-QALA'], total: 7, men: 7, women: 0, boys: 0, girls: 0, afghan: 7, otherNationality: 0, deported: 0, spontaneous: 7, otherReason: 0, transport: {} }));
    const q = `operation=AFG&from=${date}&to=${date}`;
    const all = (await analyst.get(`/api/v1/flows/summary?${q}`)).json();
    expect(all).toMatchObject({ inflow: 17, outflow: 5, surveys: 0, deported: 10, spontaneous: 7, published: { inflow: 0, outflow: 0 } });
    expect(all.bySite.map((s: { code: string }) => s.code).sort()).toEqual(['BCP-ISLAM-QALA', 'BCP-TORKHAM']);
    expect((await enumerator.get(`/api/v1/flows/summary?${q}`)).json()).toMatchObject({ inflow: 10, outflow: 5 });

    const csv = await analyst.get(`/api/v1/flows/counts.csv?${q}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="flow-counts-AFG-2023-06-01-to-2023-06-01\.csv"$/);
    const rows = parseCsv(csv.body).filter((r) => r.length > 1);
    expect(rows[0].slice(0, 4)).toEqual(['date', 'site_name', 'site_code', 'adm1_pcode']);
    expect(rows[1].slice(0, 6)).toEqual(['#date+reported', '#loc+name', '#loc+code', '#adm1+code', '#adm2+code', '#country+code+neighbour']);
    expect(rows[1]).toContain('#affected+ind+inflow');
    const data = rows.slice(2).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
    expect(data).toHaveLength(3);
    expect(data.find((r) => r.site_code === 'BCP-TORKHAM' && r.direction === 'in')).toMatchObject({ date, adm1_pcode: 'AF06', adm2_pcode: 'AF0617', neighbour_country: 'PAK', inflow: '10', outflow: '', deported: '10' });

    // A user allowed to export only in Kandahar (AF27) sees none of these rows.
    const made = await admin.post('/api/v1/users', { username: 'kandahar.analyst', displayName: 'Kandahar analyst', password: 'flows-password-123', grants: [{ roleId: 'analyst', operationId: 'AFG', areaPcode: 'AF27' }] });
    expect(made.statusCode, made.body).toBe(201);
    const scoped = await t.as('kandahar.analyst', 'flows-password-123');
    await admin.post('/api/v1/flows/counts', inflow({ date, siteId: site['BCP-SPIN-BOLDAK'] }));
    const theirs = parseCsv((await scoped.get(`/api/v1/flows/counts.csv?${q}`)).body).filter((r) => r.length > 1).slice(2);
    expect(theirs.map((r) => r[2])).toEqual(['BCP-SPIN-BOLDAK']);
    expect((await enumerator.get(`/api/v1/flows/counts.csv?${q}`)).statusCode).toBe(403);
    expect((await analyst.get('/api/v1/flows/counts.csv?operation=XYZ')).statusCode).toBe(404);
  });
});
