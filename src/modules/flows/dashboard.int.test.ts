import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { ALL_PERMISSIONS, type GrantScope } from '../../server/permissions';
import type { AuthContext } from '../../server/context';
import { SURVEY_DIMS } from './dashboard-contract';
import { dashboard, dashboardBaseline, dashboardScope, dashboardSeries, dashboardSurveyDims, dashboardTotals, isoWeekOf, mondayOf, mondayOfIsoWeek, surveyBuckets } from './dashboard';

describe('dashboard date buckets', () => {
  it('labels ISO weeks and splits long periods into week blocks', () => {
    expect(isoWeekOf('2024-01-01')).toBe('2024-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(mondayOfIsoWeek('2024-W14')).toBe('2024-04-01');
    expect(mondayOfIsoWeek('2023-W53')).toBeNull();
    expect(mondayOf('2024-04-07')).toBe('2024-04-01');
    const b = surveyBuckets('2016-01-01', '2025-12-31');
    const weeks = b.weeks.length + 4 * b.blocks4.length + 52 * b.blocks52.length;
    // every Monday from 2016-01-04 to 2025-12-29, each exactly once
    expect(weeks).toBe(522);
    expect(b.weeks.length + b.blocks4.length + b.blocks52.length).toBeLessThan(45);
  });
});

function authAs(name: string, grants: Omit<GrantScope, 'roleId' | 'organisationId'>[]): AuthContext {
  return {
    user: { id: '00000000-0000-7000-8000-0000000000aa', username: name, displayName: name, organisationId: null, language: 'en', isDemo: false },
    grants: grants.map((g) => ({ roleId: name, organisationId: null, ...g })),
    via: 'session',
  };
}

type Point = { bucket: string; siteId: string; direction: string; total: number; deported: number; spontaneous: number; otherReason: number };
/** Day points summed into the bucket of each day (its Monday or the 1st of its month). */
function rollUp(points: Point[], bucketOf: (d: string) => string): Point[] {
  const by = new Map<string, Point>();
  for (const p of points) {
    const k = `${bucketOf(p.bucket)}|${p.siteId}|${p.direction}`;
    const e = by.get(k) ?? { ...p, bucket: bucketOf(p.bucket), total: 0, deported: 0, spontaneous: 0, otherReason: 0 };
    e.total += p.total;
    e.deported += p.deported;
    e.spontaneous += p.spontaneous;
    e.otherReason += p.otherReason;
    by.set(k, e);
  }
  return [...by.values()].sort((a, b) => a.bucket.localeCompare(b.bucket) || a.siteId.localeCompare(b.siteId) || a.direction.localeCompare(b.direction));
}

interface Count { site: string; date: string; direction: 'in' | 'out'; total: number; deported: number; publish: boolean }
interface Survey { site: string; date: string; direction: 'in' | 'out'; size: number; adm2: string; docs: string[] }

// Independent arithmetic over the fixture: what the dashboard must answer.
function expected(counts: Count[], surveys: Survey[], from: string, to: string, opts: { sites: string[]; published: boolean; direction?: 'in' | 'out' }) {
  const inSites = (s: string) => opts.sites.includes(s);
  const cs = counts.filter((c) => inSites(c.site) && (!opts.published || c.publish) && (!opts.direction || c.direction === opts.direction));
  const inflow = cs.filter((c) => c.direction === 'in' && c.date >= from && c.date <= to).reduce((a, c) => a + c.total, 0);
  const outflow = cs.filter((c) => c.direction === 'out' && c.date >= from && c.date <= to).reduce((a, c) => a + c.total, 0);
  const weekKey = (site: string, d: string, dir: string) => `${site}|${mondayOf(d)}|${dir}`;
  const counted = new Map<string, number>();
  for (const c of cs) counted.set(weekKey(c.site, c.date, c.direction), (counted.get(weekKey(c.site, c.date, c.direction)) ?? 0) + c.total);
  const ss = surveys.filter((s) => inSites(s.site) && mondayOf(s.date) >= from && mondayOf(s.date) <= to && (!opts.direction || s.direction === opts.direction));
  const people = new Map<string, number>();
  for (const s of ss) people.set(weekKey(s.site, s.date, s.direction), (people.get(weekKey(s.site, s.date, s.direction)) ?? 0) + s.size);
  const adm2 = new Map<string, { surveys: number; people: number; weighted: number }>();
  let surveysSeen = 0;
  for (const s of ss) {
    const k = weekKey(s.site, s.date, s.direction);
    const c = counted.get(k) ?? 0;
    if (opts.published && c === 0) continue;
    surveysSeen++;
    const e = adm2.get(s.adm2) ?? { surveys: 0, people: 0, weighted: 0 };
    e.surveys++;
    e.people += s.size;
    e.weighted += (s.size * c) / people.get(k)!;
    adm2.set(s.adm2, e);
  }
  return { inflow, outflow, surveys: surveysSeen, adm2 };
}

describe.each(BACKENDS)('flows dashboard on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  const site: Record<string, string> = {};
  const counts: Count[] = [];
  const surveys: Survey[] = [];
  const dash = async (who: string, query: string) => {
    const res = await (await t.as(who)).get(`/api/v1/flows/dashboard?operation=AFG&${query}`);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    for (const s of (await admin.get('/api/v1/sites?operation=AFG&limit=1000')).json().items) site[s.code] = s.id;
    // Two weeks (1–14 April 2024) plus the two days before, at three crossings, both directions.
    const days = ['2024-03-30', '2024-03-31', ...Array.from({ length: 14 }, (_, i) => `2024-04-${String(i + 1).padStart(2, '0')}`)];
    const codes = ['BCP-TORKHAM', 'BCP-SPIN-BOLDAK', 'BCP-ISLAM-QALA'];
    let n = 0;
    for (const date of days)
      for (const code of codes)
        for (const direction of ['in', 'out'] as const) {
          n++;
          const total = 40 + ((n * 37) % 60);
          const deported = direction === 'in' ? Math.floor(total / 3) : 0;
          const publish = date <= '2024-04-07' && code !== 'BCP-ISLAM-QALA';
          counts.push({ site: code, date, direction, total, deported, publish });
        }
    for (const c of counts) {
      const men = Math.floor(c.total / 2);
      const women = Math.floor(c.total / 4);
      const boys = Math.floor(c.total / 8);
      const body = {
        id: uuidv7(), operationId: 'AFG', siteId: site[c.site], date: c.date, direction: c.direction,
        total: c.total, men, women, boys, girls: c.total - men - women - boys, afghan: c.total, otherNationality: 0,
        ...(c.direction === 'in' ? { deported: c.deported, spontaneous: c.total - c.deported, otherReason: 0 } : {}),
      };
      const res = await admin.post('/api/v1/flows/counts', body);
      if (res.statusCode !== 201) throw new Error(res.body);
      if (c.publish) for (const step of ['submit', 'verify', 'publish']) await admin.post(`/api/v1/flows/counts/${body.id}/${step}`);
    }
    const districts = ['AF0101', 'AF0601', 'AF2701', 'AF3201'];
    let m = 0;
    for (const date of ['2024-04-02', '2024-04-03', '2024-04-09', '2024-04-12'])
      for (const code of codes)
        for (let i = 0; i < 3; i++) {
          m++;
          const size = 1 + (m % 5);
          const s: Survey = { site: code, date, direction: m % 4 === 0 ? 'out' : 'in', size, adm2: districts[m % 4], docs: code === 'BCP-ISLAM-QALA' ? ['amayesh'] : ['por'] };
          surveys.push(s);
          const res = await admin.post('/api/v1/flows/surveys', {
            id: uuidv7(), operationId: 'AFG', siteId: site[code], date, direction: s.direction, respondentSex: 'm', respondentAgeBand: '25-34',
            groupSize: size, men: size, women: 0, boys: 0, girls: 0, originCountry: code === 'BCP-ISLAM-QALA' ? 'IRN' : 'PAK',
            documents: s.docs, reasons: ['return'], intendedStay: 'ge1y', destinationAdm2: s.adm2, consent: true,
          });
          if (res.statusCode !== 201) throw new Error(res.body);
        }
  });
  afterAll(async () => {
    await t?.close();
  });

  const ALL = ['BCP-TORKHAM', 'BCP-SPIN-BOLDAK', 'BCP-ISLAM-QALA'];
  const byKey = (items: { key: string; surveys: number; people: number; weighted: number }[]) => Object.fromEntries(items.map((i) => [i.key, i]));

  it('adds up the counted flow over whole weeks, whole months and the days at the edges', async () => {
    for (const [from, to, granularity] of [['2024-04-01', '2024-04-14', 'week'], ['2024-03-30', '2024-04-14', 'month'], ['2024-03-31', '2024-04-09', 'day'], ['2024-03-01', '2024-05-31', 'month']]) {
      const res = await dash('admin', `from=${from}&to=${to}&granularity=${granularity}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const e = expected(counts, surveys, from, to, { sites: ALL, published: false });
      expect(body.mode).toBe('all');
      expect(body.baseline).toBeNull(); // no published baseline round in this database
      expect(body.headline).toMatchObject({ inflow: e.inflow, outflow: e.outflow });
      const seriesIn = body.series.filter((p: { direction: string }) => p.direction === 'in').reduce((a: number, p: { total: number }) => a + p.total, 0);
      expect(seriesIn).toBe(e.inflow);
      const deported = counts.filter((c) => c.direction === 'in' && c.date >= from && c.date <= to).reduce((a, c) => a + c.deported, 0);
      expect(body.inflow.deported).toBe(deported);
      expect(body.inflow.men + body.inflow.women + body.inflow.boys + body.inflow.girls).toBe(e.inflow);
    }
    const weekly = (await dash('admin', 'from=2024-04-01&to=2024-04-14&granularity=week')).json();
    const torkhamWeek2 = counts.filter((c) => c.site === 'BCP-TORKHAM' && c.direction === 'in' && c.date >= '2024-04-08' && c.date <= '2024-04-14').reduce((a, c) => a + c.total, 0);
    expect(weekly.series.find((p: { bucket: string; siteId: string; direction: string }) => p.bucket === '2024-04-08' && p.siteId === site['BCP-TORKHAM'] && p.direction === 'in').total).toBe(torkhamWeek2);
  });

  it('weights each site-week\'s survey answers to its counted flow, and shows the raw counts beside them', async () => {
    const body = (await dash('admin', 'from=2024-04-01&to=2024-04-14&direction=in')).json();
    const e = expected(counts, surveys, '2024-04-01', '2024-04-14', { sites: ALL, published: false, direction: 'in' });
    expect(body.surveys.surveys).toBe(e.surveys);
    const got = byKey(body.surveys.dims.adm2);
    for (const [k, v] of e.adm2) expect(got[k]).toEqual({ key: k, surveys: v.surveys, people: v.people, weighted: Math.round(v.weighted) });
    // The weighted total is the counted inflow of the surveyed site-weeks (all of them here).
    expect(body.surveys.weightedTotal).toBe(Math.round([...e.adm2.values()].reduce((a, v) => a + v.weighted, 0)));
    expect(body.surveys.countedInWeeks).toBe(e.inflow);
    expect(Math.abs(body.surveys.weightedTotal - e.inflow)).toBeLessThanOrEqual(1);
    expect(byKey(body.surveys.dims.doc).amayesh.surveys).toBe(surveys.filter((s) => s.site === 'BCP-ISLAM-QALA' && s.direction === 'in').length);
  });

  it('shows published figures only to holders of reports.published.read alone', async () => {
    const res = await dash('viewer', 'from=2024-04-01&to=2024-04-14&direction=in');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const e = expected(counts, surveys, '2024-04-01', '2024-04-14', { sites: ALL, published: true, direction: 'in' });
    expect(body.mode).toBe('published');
    expect(body.headline.inflow).toBe(e.inflow);
    expect(body.surveys.surveys).toBe(e.surveys);
    const got = byKey(body.surveys.dims.adm2);
    for (const [k, v] of e.adm2) expect(got[k]).toEqual({ key: k, surveys: v.surveys, people: v.people, weighted: Math.round(v.weighted) });
  });

  it('keeps the enumerator to her crossings, and the BCP and neighbour filters to theirs', async () => {
    const mine = ['BCP-TORKHAM', 'BCP-SPIN-BOLDAK'];
    const body = (await dash('enumerator', 'from=2024-04-01&to=2024-04-14')).json();
    expect(body.sites.map((s: { code: string }) => s.code).sort()).toEqual([...mine].sort());
    expect(body.headline.inflow).toBe(expected(counts, surveys, '2024-04-01', '2024-04-14', { sites: mine, published: false }).inflow);
    // asking for Islam Qala gives nothing rather than its figures
    expect((await dash('enumerator', `from=2024-04-01&to=2024-04-14&sites=${site['BCP-ISLAM-QALA']}`)).json().headline.inflow).toBe(0);
    const iran = (await dash('analyst', 'from=2024-04-01&to=2024-04-14&neighbour=IRN')).json();
    expect(iran.headline.inflow).toBe(expected(counts, surveys, '2024-04-01', '2024-04-14', { sites: ['BCP-ISLAM-QALA'], published: false }).inflow);
    const one = (await dash('analyst', `from=2024-04-01&to=2024-04-14&sites=${site['BCP-TORKHAM']}&direction=in`)).json();
    const e = expected(counts, surveys, '2024-04-01', '2024-04-14', { sites: ['BCP-TORKHAM'], published: false, direction: 'in' });
    expect(one.headline).toMatchObject({ inflow: e.inflow, outflow: 0, surveys: e.surveys });
    expect((await dash('partner', 'from=2024-04-01&to=2024-04-14')).statusCode).toBe(404);
  });

  it('follows corrections in the same transaction, and a full rebuild gives the same figures', async () => {
    const before = (await dash('admin', 'from=2024-04-01&to=2024-04-14&direction=in')).json();
    const list = (await admin.get(`/api/v1/flows/counts?operation=AFG&site=${site['BCP-TORKHAM']}&from=2024-04-10&to=2024-04-10&direction=in`)).json().items;
    expect(list).toHaveLength(1);
    const c = list[0];
    const res = await admin.put(`/api/v1/flows/counts/${c.id}`, { total: c.total + 100, men: c.men + 100, women: c.women, boys: c.boys, girls: c.girls, afghan: c.afghan + 100, otherNationality: 0, deported: c.deported, spontaneous: c.spontaneous + 100, otherReason: c.otherReason, baseVersion: c.version });
    expect(res.statusCode, res.body).toBe(200);
    const after = (await dash('admin', 'from=2024-04-01&to=2024-04-14&direction=in')).json();
    expect(after.headline.inflow).toBe(before.headline.inflow + 100);
    expect(after.surveys.countedInWeeks).toBe(before.surveys.countedInWeeks + 100);
    await t.db.database.db.execute(sql`select flow_dash_rebuild()`);
    expect((await dash('admin', 'from=2024-04-01&to=2024-04-14&direction=in')).json()).toEqual(after);
  });

  it('reads a day series from the counts that adds up to the rollup\'s weeks and months, for every scope', async () => {
    for (const who of ['admin', 'viewer', 'enumerator']) {
      const day = (await dash(who, 'from=2024-03-30&to=2024-04-30&granularity=day')).json();
      expect(day.series.length).toBeGreaterThan(0);
      const week = (await dash(who, 'from=2024-04-01&to=2024-04-14&granularity=week')).json();
      expect(rollUp(day.series.filter((p: Point) => p.bucket >= '2024-04-01' && p.bucket <= '2024-04-14'), mondayOf)).toEqual(week.series);
      const month = (await dash(who, 'from=2024-03-30&to=2024-04-30&granularity=month')).json();
      expect(rollUp(day.series, (d) => `${d.slice(0, 7)}-01`)).toEqual(month.series);
      // the same figures whichever way the period is cut
      expect(month.headline).toEqual(day.headline);
      expect(month.inflow).toEqual(day.inflow);
    }
  });

  it('keeps the published-only and the area-limited scopes to what they may see, in the series and the survey answers', async () => {
    const viewer = (await dash('viewer', 'from=2024-03-30&to=2024-04-14&granularity=day')).json();
    // only published days: none at Islam Qala, none after 7 April
    expect(viewer.series.some((p: Point) => p.siteId === site['BCP-ISLAM-QALA'])).toBe(false);
    expect(viewer.series.every((p: Point) => p.bucket <= '2024-04-07')).toBe(true);
    const published = counts.filter((c) => c.publish && c.direction === 'in').reduce((a, c) => a + c.total, 0);
    expect(viewer.series.filter((p: Point) => p.direction === 'in').reduce((a: number, p: Point) => a + p.total, 0)).toBe(published);
    const enumerator = (await dash('enumerator', 'from=2024-04-01&to=2024-04-14&granularity=week')).json();
    const mine = new Set([site['BCP-TORKHAM'], site['BCP-SPIN-BOLDAK']]);
    expect(enumerator.series.length).toBeGreaterThan(0);
    expect(enumerator.series.every((p: Point) => mine.has(p.siteId))).toBe(true);
    // Islam Qala's travellers are the only ones holding an Amayesh card
    expect(enumerator.surveys.dims.doc.map((i: { key: string }) => i.key)).not.toContain('amayesh');
    expect(enumerator.surveys.surveys).toBe(expected(counts, surveys, '2024-04-01', '2024-04-14', { sites: ['BCP-TORKHAM', 'BCP-SPIN-BOLDAK'], published: false }).surveys);
  });

  it('answers the page from one statement with the same figures as each query on its own', async () => {
    const db = t.db.database.db;
    const ADMIN = authAs('admin', [{ operationId: 'AFG', areaPcode: null, permissions: new Set(ALL_PERMISSIONS) }]);
    const VIEWER = authAs('viewer', [{ operationId: 'AFG', areaPcode: null, permissions: new Set(['reports.published.read']) }]);
    const ENUMERATOR = authAs('enumerator', [{ operationId: 'AFG', areaPcode: 'AF06', permissions: new Set(['flows.read']) }]);
    for (const who of [ADMIN, VIEWER, ENUMERATOR])
      for (const [from, to, granularity] of [['2024-03-30', '2024-04-14', 'day'], ['2024-03-27', '2024-04-12', 'week'], ['2024-03-02', '2024-04-20', 'month'], ['2023-11-15', '2024-05-02', 'month']] as const)
        for (const direction of [undefined, 'in'] as const) {
          const q = { operation: 'AFG', from, to, granularity, direction };
          await db.transaction(async (tx) => {
            const page = await dashboard(tx, who, q);
            const scope = await dashboardScope(tx, who, q);
            const totals = await dashboardTotals(tx, scope, from, to);
            expect(page.inflow).toEqual(totals.in);
            expect(page.outflow).toEqual(totals.out);
            expect(page.series).toEqual(await dashboardSeries(tx, scope, from, to, granularity));
            const { all, ...dims } = await dashboardSurveyDims(tx, scope, from, to, ['all', ...SURVEY_DIMS]);
            expect(page.surveys.dims).toEqual(dims);
            expect(page.surveys.surveys).toBe(all.reduce((a, r) => a + r.surveys, 0));
            // each dimension read alone gives what the page gives
            for (const d of SURVEY_DIMS) expect((await dashboardSurveyDims(tx, scope, from, to, [d]))[d]).toEqual(dims[d]);
          });
        }
  });

  it('shows the latest published baseline round, or for a reader limited to areas the latest one with rows in them', async () => {
    const analyst = await t.as('analyst');
    const round = async (roundNumber: number, districts: [string, number][]) => {
      const id = uuidv7();
      const res = await analyst.post('/api/v1/mobility/rounds', { id, operationId: 'AFG', kind: 'baseline', roundNumber, name: `Baseline ${roundNumber}`, referenceDate: `2024-0${roundNumber}-01` });
      expect(res.statusCode, res.body).toBe(201);
      for (const [admin2Pcode, ind] of districts) {
        const a = await analyst.post(`/api/v1/mobility/rounds/${id}/assessments`, {
          id: uuidv7(), kind: 'baseline', admin2Pcode,
          figures: { idps: { ind, hh: 10 }, returnees: { ind: 0, hh: 0 }, idpReturnees: { ind: 0, hh: 0 }, outMigrants: { ind: 0, hh: 0 } },
        });
        expect(a.statusCode, a.body).toBe(201);
      }
      for (const step of ['submit', 'verify', 'publish']) expect((await analyst.post(`/api/v1/mobility/rounds/${id}/${step}`)).statusCode).toBe(200);
      return id;
    };
    await round(1, [['AF0101', 500], ['AF0601', 300]]);
    await round(2, [['AF0101', 800]]);
    // a draft round 3 does not count
    expect((await analyst.post('/api/v1/mobility/rounds', { id: uuidv7(), operationId: 'AFG', kind: 'baseline', roundNumber: 3, name: 'Draft', referenceDate: '2024-03-01' })).statusCode).toBe(201);
    const body = (await dash('admin', 'from=2024-04-01&to=2024-04-14')).json();
    expect(body.baseline).toEqual({ roundNumber: 2, referenceDate: '2024-02-01', districts: [{ pcode: 'AF0101', idps: 800 }] });
    expect((await dash('viewer', 'from=2024-04-01&to=2024-04-14')).json().baseline).toEqual(body.baseline);
    // mobility.read limited to Nangarhar: round 2 has nothing there, round 1 has
    const nangarhar = authAs('nangarhar', [{ operationId: 'AFG', areaPcode: 'AF06', permissions: new Set(['flows.read', 'mobility.read', 'places.read']) }]);
    const db = t.db.database.db;
    expect(await db.transaction((tx) => dashboardBaseline(tx, nangarhar, 'AFG'))).toEqual({ roundNumber: 1, referenceDate: '2024-01-01', districts: [{ pcode: 'AF0601', idps: 300 }] });
    // flows.read alone reads no baseline figures
    const flowsOnly = authAs('flows-only', [{ operationId: 'AFG', areaPcode: null, permissions: new Set(['flows.read', 'places.read']) }]);
    expect(await db.transaction((tx) => dashboard(tx, flowsOnly, { operation: 'AFG', from: '2024-04-01', to: '2024-04-14', granularity: 'week' }))).toMatchObject({ baseline: null });
  });

  it('refuses a day series longer than 400 days and a period that ends before it starts', async () => {
    expect((await dash('admin', 'from=2020-01-01&to=2024-01-01&granularity=day')).statusCode).toBe(400);
    expect((await dash('admin', 'from=2024-02-01&to=2024-01-01')).statusCode).toBe(400);
  });
});
