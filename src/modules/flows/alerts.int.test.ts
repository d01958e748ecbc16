import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, fieldsOf, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { auditLog } from '../access/schema';
import { seedFlowAlertsDemo, DEMO_ALERT_RULES } from './alerts-demo';
import { seedFlowsDemo, demoSeries } from './demo';
import { evaluateAlertsForCounts } from './alerts-service';
import { flowCounts } from './schema';
import { flowCountsImport } from './import-counts';
import { runImport } from '../../imports/pipeline';
import { suggestMapping } from '../../imports/mapping';
import type { ImportAdapter } from '../../imports/types';
import { ALL_PERMISSIONS } from '../../server/permissions';
import type { AuthContext } from '../../server/context';

const DAY = 86_400_000;
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * The rules restated independently of the service, to compute what must fire:
 * ratio: week (end-6..end) > factor × (28 days before it) / 4, with ≥ 21 of those 28 days counted;
 * absolute: the day or the week > threshold.
 */
function expectedFiring(rule: { kind: string; window?: string; factor?: number; threshold?: number }, daily: Map<string, number>, end: string) {
  const sum = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => daily.get(addDays(end, -(a + k))) ?? 0).reduce((x, y) => x + y, 0);
  if (rule.kind === 'ratio') {
    const counted = Array.from({ length: 28 }, (_, k) => addDays(end, -(7 + k))).filter((d) => daily.has(d)).length;
    const observed = sum(0, 6);
    const expected = sum(7, 34) / 4;
    return counted >= 21 && expected > 0 && observed > rule.factor! * expected ? { observed, expected, level: rule.factor! * expected } : null;
  }
  const observed = rule.window === '1d' ? sum(0, 0) : sum(0, 6);
  return observed > rule.threshold! ? { observed, expected: null, level: rule.threshold! } : null;
}

describe.each(BACKENDS)('flow surge alerts on %s', (backend) => {
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

  /** An inflow count whose breakdowns add up, for any total. */
  const inflow = (code: string, date: string, total: number, direction: 'in' | 'out' = 'in') => ({
    id: uuidv7(),
    operationId: 'AFG',
    siteId: site[code],
    date,
    direction,
    total,
    men: total,
    women: 0,
    boys: 0,
    girls: 0,
    afghan: total,
    otherNationality: 0,
    ...(direction === 'in' ? { deported: 0, spontaneous: total, otherReason: 0 } : {}),
  });
  const alertsOf = async (who: Agent, query: string) => {
    const res = await who.get(`/api/v1/flows/alerts?operation=AFG&${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('a ratio rule fires when the week is above factor × the expected week, once per day, in the count\'s transaction', async () => {
    // 34 days of 100 at Torkham (inflow), then the rule (evaluated at once on the latest day: quiet).
    const daily = new Map<string, number>();
    const start = '2023-01-01';
    for (let k = 0; k < 34; k++) {
      const d = addDays(start, k);
      daily.set(d, 100);
      expect((await enumerator.post('/api/v1/flows/counts', inflow('BCP-TORKHAM', d, 100))).statusCode).toBe(201);
    }
    const rule = { kind: 'ratio', factor: 2 };
    const created = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-TORKHAM'], direction: 'in', ...rule, notes: 'doubling' });
    expect(created.statusCode, created.body).toBe(201);
    const ruleId = created.json().id as string;
    expect(created.json()).toMatchObject({ kind: 'ratio', window: '7d', factor: 2, threshold: null, active: true, openAlerts: 0, siteCode: 'BCP-TORKHAM' });
    expect((await alertsOf(analyst, `rule=${ruleId}`)).total).toBe(0);

    // Day 35 brings 900: the week is 6 × 100 + 900 = 1,500 against 2 × 700.
    const surgeDay = addDays(start, 34);
    daily.set(surgeDay, 900);
    const surge = inflow('BCP-TORKHAM', surgeDay, 900);
    expect((await enumerator.post('/api/v1/flows/counts', surge)).statusCode).toBe(201);
    const want = expectedFiring(rule, daily, surgeDay);
    expect(want).toEqual({ observed: 1500, expected: 700, level: 1400 });
    let list = await alertsOf(enumerator, `rule=${ruleId}`);
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ date: surgeDay, ruleId, kind: 'ratio', direction: 'in', status: 'open', factor: 2, acknowledged: null, siteCode: 'BCP-TORKHAM', ...want });

    // Re-sending the count, correcting it and submitting it: the day has its alert, no second one.
    expect((await enumerator.post('/api/v1/flows/counts', surge)).statusCode).toBe(200);
    const corrected = await enumerator.put(`/api/v1/flows/counts/${surge.id}`, { ...inflow('BCP-TORKHAM', surgeDay, 1000), baseVersion: 1 });
    expect(corrected.statusCode, corrected.body).toBe(200);
    daily.set(surgeDay, 1000);
    expect((await enumerator.post(`/api/v1/flows/counts/${surge.id}/submit`)).statusCode).toBe(200);
    list = await alertsOf(analyst, `rule=${ruleId}`);
    expect(list.total).toBe(1);
    expect(list.items[0].observed).toBe(1500);

    // The next day fires again (a new day), with the figures the rule computes then.
    const next = addDays(surgeDay, 1);
    daily.set(next, 900);
    expect((await enumerator.post('/api/v1/flows/counts', inflow('BCP-TORKHAM', next, 900))).statusCode).toBe(201);
    const want2 = expectedFiring(rule, daily, next)!;
    expect(want2).toEqual({ observed: 500 + 1000 + 900, expected: 700, level: 1400 });
    list = await alertsOf(analyst, `rule=${ruleId}`);
    expect(list.items.map((a: { date: string }) => a.date)).toEqual([next, surgeDay]);
    expect(list.items[0]).toMatchObject(want2);

    // Each raised alert is audited in the same transaction as the count.
    const raised = await t.db.database.db.select().from(auditLog).where(eq(auditLog.action, 'flow_alert.raise'));
    expect(raised.filter((r) => list.items.some((a: { id: string }) => a.id === r.entityId))).toHaveLength(2);

    // Every day of the series, recomputed: exactly the two days fired.
    const fired = [...daily.keys()].filter((d) => expectedFiring(rule, daily, d));
    expect(fired.sort()).toEqual([surgeDay, next]);
  });

  it('an absolute daily rule fires above its threshold only; outflow counts do not touch an inflow rule', async () => {
    const res = await admin.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-SPIN-BOLDAK'], direction: 'in', kind: 'absolute', window: '1d', threshold: 500 });
    expect(res.statusCode, res.body).toBe(201);
    const ruleId = res.json().id;
    const days = ['2023-03-01', '2023-03-02', '2023-03-03'];
    const totals = [400, 500, 501];
    for (let i = 0; i < days.length; i++) expect((await enumerator.post('/api/v1/flows/counts', inflow('BCP-SPIN-BOLDAK', days[i], totals[i]))).statusCode).toBe(201);
    expect((await enumerator.post('/api/v1/flows/counts', inflow('BCP-SPIN-BOLDAK', '2023-03-04', 9000, 'out'))).statusCode).toBe(201);
    const list = await alertsOf(analyst, `rule=${ruleId}`);
    expect(list.items.map((a: { date: string; observed: number; level: number }) => [a.date, a.observed, a.level])).toEqual([['2023-03-03', 501, 500]]);
    expect(list.items[0]).toMatchObject({ window: '1d', kind: 'absolute', expected: null });
  });

  it('a 7-day absolute rule, and a switched-off rule raises nothing', async () => {
    const week = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-SPIN-BOLDAK'], direction: 'out', kind: 'absolute', window: '7d', threshold: 1000, minTotal: 0 });
    const off = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-SPIN-BOLDAK'], direction: 'out', kind: 'absolute', window: '1d', threshold: 0, active: false });
    expect([week.statusCode, off.statusCode]).toEqual([201, 201]);
    // The new rule looked at once at the latest outflow day there: 9,000 on 4 March.
    const daily = new Map<string, number>([['2023-03-04', 9000]]);
    for (const [d, n] of [['2023-04-01', 300], ['2023-04-03', 300], ['2023-04-05', 300], ['2023-04-07', 200]] as const) {
      daily.set(d, n);
      expect((await enumerator.post('/api/v1/flows/counts', inflow('BCP-SPIN-BOLDAK', d, n, 'out'))).statusCode).toBe(201);
    }
    const rule = { kind: 'absolute', window: '7d', threshold: 1000 };
    // Days with counts are evaluated (a window ends on a counted day).
    const want = [...daily.keys()].filter((d) => expectedFiring(rule, daily, d));
    expect(want).toEqual(['2023-03-04', '2023-04-07']); // 9,000; then 300 + 300 + 300 + 200 = 1,100 > 1,000
    const list = await alertsOf(analyst, `rule=${week.json().id}`);
    expect(list.items.map((a: { date: string; observed: number }) => [a.date, a.observed])).toEqual([['2023-04-07', 1100], ['2023-03-04', 9000]]);
    expect((await alertsOf(analyst, `rule=${off.json().id}`)).total).toBe(0);
    // Switching it on evaluates the latest day at once.
    const on = await analyst.patch(`/api/v1/flows/alert-rules/${off.json().id}`, { active: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ active: true, openAlerts: 1 });
  });

  it('acknowledging records who, when and a note, once, and is audited', async () => {
    const open = await alertsOf(analyst, 'status=open&limit=1000');
    const target = open.items[0];
    expect(target).toBeTruthy();
    expect((await enumerator.post(`/api/v1/flows/alerts/${target.id}/acknowledge`, { note: 'x' })).statusCode).toBe(403);
    const res = await analyst.post(`/api/v1/flows/alerts/${target.id}/acknowledge`, { note: 'Partners informed' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: target.id, status: 'acknowledged', acknowledged: { by: expect.any(String), byName: 'Omid Analyst', note: 'Partners informed' } });
    const again = await admin.post(`/api/v1/flows/alerts/${target.id}/acknowledge`);
    expect(again.statusCode).toBe(409);
    const after = await alertsOf(analyst, 'status=open&limit=1000');
    expect(after.total).toBe(open.total - 1);
    expect(after.items.some((a: { id: string }) => a.id === target.id)).toBe(false);
    expect((await alertsOf(analyst, 'status=acknowledged')).items.map((a: { id: string }) => a.id)).toContain(target.id);
    const rows = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'flow_alert.acknowledge'), eq(auditLog.entityId, target.id)));
    expect(rows).toHaveLength(1);
  });

  it('scoping: the enumerator sees alerts and rules of her crossings only; lists page with cursors', async () => {
    const rule = await admin.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-ISLAM-QALA'], direction: 'in', kind: 'absolute', window: '1d', threshold: 10 });
    expect(rule.statusCode).toBe(201);
    expect((await admin.post('/api/v1/flows/counts', inflow('BCP-ISLAM-QALA', '2023-05-01', 50))).statusCode).toBe(201);
    const all = await alertsOf(analyst, 'limit=1000');
    const mine = await alertsOf(enumerator, 'limit=1000');
    expect(all.items.some((a: { siteCode: string }) => a.siteCode === 'BCP-ISLAM-QALA')).toBe(true);
    expect(mine.items.every((a: { siteCode: string }) => a.siteCode === 'BCP-TORKHAM' || a.siteCode === 'BCP-SPIN-BOLDAK')).toBe(true);
    expect(mine.total).toBe(all.total - 1);
    expect((await alertsOf(enumerator, `site=${site['BCP-ISLAM-QALA']}`)).total).toBe(0);
    expect((await enumerator.get(`/api/v1/flows/alert-rules/${rule.json().id}`)).statusCode).toBe(404);
    expect((await analyst.get(`/api/v1/flows/alert-rules/${rule.json().id}`)).statusCode).toBe(200);
    const rules = (await enumerator.get('/api/v1/flows/alert-rules?operation=AFG')).json();
    expect(rules.items.map((r: { siteCode: string }) => r.siteCode)).not.toContain('BCP-ISLAM-QALA');
    expect((await enumerator.get('/api/v1/flows/alerts?operation=PAK')).statusCode).toBe(404);
    // Cursor paging walks every alert once, newest day first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; date: string }[]; nextCursor: string | null; total: number } = await alertsOf(analyst, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(all.total);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((a: { id: string }) => a.id));
  });

  it('a bulk write (as an import does) is evaluated in one pass over every window it touches', async () => {
    const rule = { kind: 'absolute', window: '7d', threshold: 250 };
    const res = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-TORKHAM'], direction: 'out', ...rule });
    expect(res.statusCode).toBe(201);
    const daily = new Map<string, number>([['2023-06-01', 100], ['2023-06-02', 100], ['2023-06-04', 100], ['2023-06-09', 60], ['2023-06-10', 300]]);
    const db = t.db.database.db;
    const raised = await db.transaction(async (tx) => {
      await tx.insert(flowCounts).values([...daily].map(([date, total]) => ({
        id: uuidv7(), version: 1, current: true, operationId: 'AFG', siteId: site['BCP-TORKHAM'], date, direction: 'out' as const, neighbourCountry: 'PAK',
        total, men: total, afghan: total, bodyHash: `bulk-${date}`,
      })));
      return evaluateAlertsForCounts(tx, { userId: null, requestId: null }, [...daily.keys()].map((date) => ({ siteId: site['BCP-TORKHAM'], direction: 'out' as const, date })));
    });
    // Every window ending on a day from the first written day to the last counted one is checked.
    const ends = Array.from({ length: 10 }, (_, k) => addDays('2023-06-01', k));
    const want = ends.flatMap((d) => {
      const f = expectedFiring(rule, daily, d);
      return f ? [[d, f.observed]] : [];
    });
    expect(want).toEqual([['2023-06-04', 300], ['2023-06-05', 300], ['2023-06-06', 300], ['2023-06-07', 300], ['2023-06-10', 460]]);
    expect(raised.map((a) => [a.date, a.observed]).sort()).toEqual(want);
    const list = await alertsOf(analyst, `rule=${res.json().id}`);
    expect(list.total).toBe(want.length);
  });

  it('an import that fails after its first written chunk leaves no alert open from the rows it took back', async () => {
    const rule = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-GHULAM-KHAN'], direction: 'in', kind: 'absolute', window: '1d', threshold: 500 });
    expect(rule.statusCode, rule.body).toBe(201);
    const header = ['bcp', 'date', 'direction', 'total', 'men', 'women', 'boys', 'girls', 'deported', 'spontaneous', 'other_reason'];
    const lines = [header.join(',')];
    // Ten days; the third (900) fires the rule, and it is in the first chunk of five written.
    for (let i = 0; i < 10; i++) {
      const total = i === 2 ? 900 : 100;
      lines.push(['BCP-GHULAM-KHAN', addDays('2021-05-01', i), 'in', total, total, 0, 0, 0, 0, total, 0].join(','));
    }
    const auth: AuthContext = {
      user: { id: uuidv7(), username: 'importer', displayName: 'importer', organisationId: null, language: 'en', isDemo: false },
      grants: [{ roleId: 'admin', organisationId: null, operationId: 'AFG', areaPcode: null, permissions: new Set(ALL_PERMISSIONS) }],
      via: 'session',
    };
    // The second chunk's write fails: on PGlite the first chunk was committed and is taken back;
    // on PostgreSQL the import's one transaction rolls back.
    let inserts = 0;
    const adapter = {
      ...flowCountsImport,
      writeChunkSize: 5,
      async begin(scope: Parameters<typeof flowCountsImport.begin>[0]) {
        const session = await flowCountsImport.begin(scope);
        return {
          ...session,
          async insert(tx: Parameters<typeof session.insert>[0], recs: Parameters<typeof session.insert>[1]) {
            if (++inserts === 2) throw new Error('the disk is full');
            return session.insert(tx, recs);
          },
        };
      },
    } as unknown as ImportAdapter<unknown>;
    await expect(
      runImport({
        database: t.db.database, adapter, auth, userId: null, operationId: 'AFG', bytes: Buffer.from(lines.join('\r\n') + '\r\n'), format: 'csv',
        mapping: suggestMapping(header, flowCountsImport.fields), mode: 'all', commit: true,
      }),
    ).rejects.toThrow('the disk is full');
    expect(inserts).toBe(2);
    const counts = await admin.get(`/api/v1/flows/counts?operation=AFG&site=${site['BCP-GHULAM-KHAN']}&from=2021-05-01&to=2021-05-10`);
    expect(counts.statusCode, counts.body).toBe(200);
    expect(counts.json().items).toEqual([]);
    const list = await alertsOf(analyst, `rule=${rule.json().id}`);
    expect(list.items.filter((a: { status: string }) => a.status !== 'withdrawn')).toEqual([]);
    if (backend === 'pglite') expect(list.items.map((a: { date: string; status: string }) => [a.date, a.status])).toEqual([['2021-05-03', 'withdrawn']]);
  });

  it('a correction that lowers the flow below the rule withdraws its alert (open or acknowledged); raising it again re-opens it', async () => {
    const rule = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-ISLAM-QALA'], direction: 'out', kind: 'absolute', window: '7d', threshold: 1000 });
    expect(rule.statusCode, rule.body).toBe(201);
    const ruleId = rule.json().id as string;
    // 1–6 Aug 200 a day, 7 Aug 800: the week to 6 Aug is 1,200 and to 7 Aug 2,000, both above 1,000.
    const ids: Record<string, string> = {};
    for (let k = 1; k <= 7; k++) {
      const d = `2023-08-0${k}`;
      const body = inflow('BCP-ISLAM-QALA', d, k === 7 ? 800 : 200, 'out');
      ids[d] = body.id;
      expect((await admin.post('/api/v1/flows/counts', body)).statusCode).toBe(201);
    }
    const byDay = async (status?: string) => {
      const list = await alertsOf(analyst, `rule=${ruleId}${status ? `&status=${status}` : ''}`);
      return Object.fromEntries(list.items.map((a: { date: string }) => [a.date, a]));
    };
    let alerts = await byDay();
    expect(Object.keys(alerts).sort()).toEqual(['2023-08-06', '2023-08-07']);
    const sixth = alerts['2023-08-06'];
    expect(sixth).toMatchObject({ status: 'open', observed: 1200, withdrawn: null, reopenedAt: null });
    expect((await analyst.post(`/api/v1/flows/alerts/${sixth.id}/acknowledge`, { note: 'Checked with the team' })).statusCode).toBe(200);

    // 4 Aug corrected from 200 to 0 (version 2): the week to 6 Aug is 1,000, not above the threshold.
    const down = await admin.put(`/api/v1/flows/counts/${ids['2023-08-04']}`, { ...inflow('BCP-ISLAM-QALA', '2023-08-04', 0, 'out'), baseVersion: 1 });
    expect(down.statusCode, down.body).toBe(200);
    alerts = await byDay();
    expect(alerts['2023-08-06']).toMatchObject({
      id: sixth.id,
      status: 'withdrawn',
      observed: 1200,
      withdrawn: { at: expect.any(String), by: expect.any(String), byName: 'Ayesha Admin', observed: 1000 },
      acknowledged: { byName: 'Omid Analyst', note: 'Checked with the team' },
    });
    // 7 Aug still fires (1,800): it stays open with the figures it was raised with.
    expect(alerts['2023-08-07']).toMatchObject({ status: 'open', observed: 2000, withdrawn: null });
    // Status filters: open (what the dashboard banner asks for) leaves the withdrawn one out; the list filter shows it.
    expect(Object.keys(await byDay('open'))).toEqual(['2023-08-07']);
    expect(Object.keys(await byDay('withdrawn'))).toEqual(['2023-08-06']);
    expect(Object.keys(await byDay('open,acknowledged'))).toEqual(['2023-08-07']);
    expect(Object.keys(await byDay('acknowledged'))).toEqual([]);
    expect((await analyst.get('/api/v1/flows/alerts?operation=AFG&status=closed')).statusCode).toBe(400);
    expect((await analyst.get(`/api/v1/flows/alert-rules/${ruleId}`)).json().openAlerts).toBe(1);
    // A withdrawn alert cannot be acknowledged.
    expect((await analyst.post(`/api/v1/flows/alerts/${sixth.id}/acknowledge`)).statusCode).toBe(409);
    const withdrawAudit = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'flow_alert.withdraw'), eq(auditLog.entityId, sixth.id)));
    expect(withdrawAudit).toHaveLength(1);
    expect(withdrawAudit[0].changes).toEqual({ status: { before: 'acknowledged', after: 'withdrawn' }, observed: { before: 1200, after: 1000 } });

    // Corrected back to 200 (version 3): the window fires again; the same alert is open again with
    // the new figures and without the old acknowledgement (kept in the audit log).
    const up = await admin.put(`/api/v1/flows/counts/${ids['2023-08-04']}`, { ...inflow('BCP-ISLAM-QALA', '2023-08-04', 200, 'out'), baseVersion: 2 });
    expect(up.statusCode, up.body).toBe(200);
    alerts = await byDay();
    expect(Object.keys(alerts).sort()).toEqual(['2023-08-06', '2023-08-07']);
    expect(alerts['2023-08-06']).toMatchObject({ id: sixth.id, status: 'open', observed: 1200, level: 1000, withdrawn: null, acknowledged: null, reopenedAt: expect.any(String) });
    const reopenAudit = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'flow_alert.reopen'), eq(auditLog.entityId, sixth.id)));
    expect(reopenAudit).toHaveLength(1);
    expect(reopenAudit[0].changes).toMatchObject({ status: { before: 'withdrawn', after: 'open' }, withdrawnObserved: { before: 1000 }, acknowledgeNote: { before: 'Checked with the team' } });
    // A re-sent correction (same figures) changes nothing.
    expect((await admin.put(`/api/v1/flows/counts/${ids['2023-08-04']}`, { ...inflow('BCP-ISLAM-QALA', '2023-08-04', 200, 'out'), baseVersion: 3 })).statusCode).toBe(200);
    expect((await byDay())['2023-08-06']).toMatchObject({ status: 'open', reopenedAt: alerts['2023-08-06'].reopenedAt });
  });

  it('a ratio alert is withdrawn when a correction in its baseline raises the usual week', async () => {
    const rule = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-ISLAM-QALA'], direction: 'out', kind: 'ratio', factor: 1.5 });
    expect(rule.statusCode, rule.body).toBe(201);
    const ruleId = rule.json().id as string;
    const start = '2023-10-01';
    const daily = new Map<string, number>();
    const ids: string[] = [];
    for (let k = 0; k < 35; k++) {
      const d = addDays(start, k);
      const n = k === 34 ? 800 : 100;
      daily.set(d, n);
      const body = inflow('BCP-ISLAM-QALA', d, n, 'out');
      ids.push(body.id);
      expect((await admin.post('/api/v1/flows/counts', body)).statusCode).toBe(201);
    }
    const last = addDays(start, 34);
    const spec = { kind: 'ratio', factor: 1.5 };
    expect(expectedFiring(spec, daily, last)).toEqual({ observed: 1400, expected: 700, level: 1050 });
    let list = await alertsOf(analyst, `rule=${ruleId}`);
    expect(list.items.map((a: { date: string; status: string }) => [a.date, a.status])).toEqual([[last, 'open']]);
    // 10 Oct (in the 28-day baseline of the week to 4 Nov, 25 days before it) corrected from 100 to 2,000.
    daily.set(addDays(start, 9), 2000);
    expect(expectedFiring(spec, daily, last)).toBeNull(); // expected 1,175 → level 1,762.5 > 1,400
    const res = await admin.put(`/api/v1/flows/counts/${ids[9]}`, { ...inflow('BCP-ISLAM-QALA', addDays(start, 9), 2000, 'out'), baseVersion: 1 });
    expect(res.statusCode, res.body).toBe(200);
    list = await alertsOf(analyst, `rule=${ruleId}`);
    // Nothing else fires either (the corrected day's own weeks are not above 1.5 × their baseline… or lack one).
    const fired = [...daily.keys()].filter((d) => expectedFiring(spec, daily, d));
    expect(list.items.filter((a: { status: string }) => a.status !== 'withdrawn').map((a: { date: string }) => a.date).sort()).toEqual(fired.sort());
    expect(list.items.find((a: { date: string }) => a.date === last)).toMatchObject({ status: 'withdrawn', withdrawn: { observed: 1400 } });
  });

  it('offers Pakistani districts for the survey origin to the AFG-only enumerator', async () => {
    expect((await enumerator.get('/api/v1/areas?operation=PAK&q=peshawar')).statusCode).toBe(404);
    const res = await enumerator.get('/api/v1/flows/origin-districts?q=peshawar');
    expect(res.statusCode, res.body).toBe(200);
    const hit = res.json().items.find((d: { name: string }) => d.name === 'Peshawar');
    expect(hit).toMatchObject({ pcode: expect.stringMatching(/^PK\d+$/) });
    const byCode = (await enumerator.get(`/api/v1/flows/origin-districts?q=${hit.pcode}`)).json().items;
    expect(byCode.map((d: { pcode: string }) => d.pcode)).toContain(hit.pcode);
    // The gazetteer's own search: every word, in any order.
    const words = (await enumerator.get('/api/v1/flows/origin-districts?q=khan%20ghazi%20dera')).json().items;
    expect(words.map((d: { name: string }) => d.name)).toContain('Dera Ghazi Khan');
  });

  it('names the field of a rule that does not make sense', async () => {
    const noFactor = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-TORKHAM'], kind: 'ratio', window: '1d', threshold: 5 });
    expect(noFactor.statusCode).toBe(400);
    expect(fieldsOf(noFactor.json())).toEqual(['body.factor', 'body.threshold', 'body.window']);
    const noThreshold = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['BCP-TORKHAM'], kind: 'absolute', factor: 2 });
    expect(fieldsOf(noThreshold.json())).toEqual(['body.factor', 'body.threshold']);
    const notBcp = await analyst.post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: site['TC-KDH-01'], kind: 'absolute', threshold: 5 });
    expect(notBcp.statusCode).toBe(400);
    expect(fieldsOf(notBcp.json())).toEqual(['body.siteId']);
  });
});

// The demo rules over the demo series (the last 3 months of it, to keep the seed short).
describe.each(BACKENDS)('demo surge alerts on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await t.db.database.db.transaction((tx) => seedFlowsDemo(tx, { from: '2024-12-01', to: '2025-03-31', surveyScale: 0, today: '2025-04-03' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('Spin Boldak alerts after Torkham closes on 21 Feb 2025, exactly on the days the rules say', async () => {
    const seeded = await t.db.database.db.transaction((tx) => seedFlowAlertsDemo(tx));
    expect(seeded.rules).toBe(DEMO_ALERT_RULES.length);
    const analyst = await t.as('analyst');
    const list = (await analyst.get('/api/v1/flows/alerts?operation=AFG&limit=1000')).json();
    // Expected: the rules applied to the seeded days of the demo series.
    const codes = (await analyst.get('/api/v1/sites?operation=AFG&limit=1000')).json().items.filter((s: { flowMonitoring: boolean }) => s.flowMonitoring).map((s: { code: string }) => s.code);
    const cells = demoSeries(new Set<string>(codes));
    const want: string[] = [];
    for (const r of DEMO_ALERT_RULES) {
      const daily = new Map(cells.filter((c) => c.siteCode === r.site && c.direction === r.direction && c.date >= '2024-12-01').map((c) => [c.date, c.total]));
      for (const d of daily.keys()) if (expectedFiring({ kind: r.kind, window: r.window ?? '7d', factor: r.factor ?? undefined, threshold: r.threshold ?? undefined }, daily, d)) want.push(`${r.id}|${d}`);
    }
    const got = list.items.map((a: { ruleId: string; date: string }) => `${a.ruleId}|${a.date}`);
    expect(got.sort()).toEqual(want.sort());
    const spin = list.items.filter((a: { siteCode: string }) => a.siteCode === 'BCP-SPIN-BOLDAK');
    expect(spin.length).toBeGreaterThan(0);
    expect(spin.every((a: { date: string }) => a.date > '2025-02-21')).toBe(true);
    expect(list.items.filter((a: { kind: string; siteCode: string }) => a.kind === 'ratio' && a.siteCode === 'BCP-SPIN-BOLDAK').length).toBeGreaterThan(5);
    // Raised the evening of the day; the 2024 ones are acknowledged the next morning, 2025 ones are open.
    for (const a of list.items) {
      expect(a.raisedAt).toBe(`${a.date}T18:05:00.000Z`);
      if (a.date < '2025-01-01') expect(a.acknowledged).toMatchObject({ byName: 'Omid Analyst', at: `${addDays(a.date, 1)}T09:30:00.000Z` });
      else expect(a.status).toBe('open');
    }
    // Seeding again adds nothing.
    expect((await t.db.database.db.transaction((tx) => seedFlowAlertsDemo(tx))).alerts).toBe(0);
    expect((await analyst.get('/api/v1/flows/alerts?operation=AFG&limit=1')).json().total).toBe(list.total);
  });
});
