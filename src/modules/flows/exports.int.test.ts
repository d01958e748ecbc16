import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { parseCsv } from '../../shared/csv';
import { auditLog } from '../access/schema';
import { cellValue, sheetCells, writeTable, type ExportFormat, type RowBatches } from '../../exports';
import { canEncode, COUNT_TABLE, countBatches, countEncodedBatches, exportCountsTo, exportSurveyRowsTo, SURVEY_ROW_TABLE, surveyRowBatches, surveyRowEncodedBatches, unrestrictedScope } from './export';
import { flowSurveys } from './schema';

/** Lets every callback and promise that can run, run (event-loop turns, no timers). */
async function settle(turns = 50) {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Counts the queries an encoded read sends for rows (PostgreSQL: the cursor's FETCHes on the
 * connection it takes from the pool; PGlite: its page queries) while `f` runs.
 */
async function countingRowQueries<T>(client: unknown, f: (count: () => number) => Promise<T>): Promise<T> {
  let n = 0;
  const isRows = (q: unknown) => {
    const text = typeof q === 'string' ? q : (q as { text?: string } | null)?.text;
    return typeof text === 'string' && (/^fetch /.test(text) || text.includes('string_agg'));
  };
  const target = client as Record<string, unknown> & { query: (...a: unknown[]) => unknown };
  if (client instanceof pg.Pool) {
    const connect = client.connect.bind(client);
    (target as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
      const c = await connect();
      const query = c.query;
      const release = c.release;
      c.query = ((...a: Parameters<typeof query>) => {
        if (isRows(a[0])) n++;
        return (query as (...b: unknown[]) => unknown).apply(c, a);
      }) as typeof query;
      c.release = (err) => {
        c.query = query;
        c.release = release;
        return release.call(c, err);
      };
      return c;
    };
    try {
      return await f(() => n);
    } finally {
      delete target.connect;
    }
  }
  const query = target.query;
  target.query = (...a: unknown[]) => {
    if (isRows(a[0])) n++;
    return query.apply(target, a);
  };
  try {
    return await f(() => n);
  } finally {
    delete (target as { query?: unknown }).query;
  }
}

/** CSV body → header, HXL row, data rows as objects keyed by the header. */
function table(body: string) {
  const rows = parseCsv(body).filter((r) => r.length > 1);
  const [header, hxl, ...data] = rows;
  return { header, hxl, data: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

/** XLSX body → the worksheet's XML. */
function sheetXml(payload: Buffer): string {
  const files = unzipSync(new Uint8Array(payload));
  expect(Object.keys(files)).toContain('[Content_Types].xml');
  return strFromU8(files['xl/worksheets/sheet1.xml']);
}

describe.each(BACKENDS)('flows exports on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let analyst: Agent;
  const site: Record<string, string> = {};
  const period = 'operation=AFG&from=2023-03-01&to=2023-03-31';

  const count = (code: string, date: string, direction: 'in' | 'out', total: number) => ({
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
    ...(direction === 'in' ? { deported: total, spontaneous: 0, otherReason: 0 } : { deported: null, spontaneous: null, otherReason: null }),
    transport: { foot: total },
  });
  const survey = (code: string, date: string, over: Record<string, unknown> = {}) => ({
    id: uuidv7(),
    operationId: 'AFG',
    siteId: site[code],
    date,
    direction: 'in',
    respondentSex: 'f',
    respondentAgeBand: '25-34',
    groupSize: 5,
    men: 1,
    women: 1,
    boys: 2,
    girls: 1,
    originCountry: 'PAK',
    documents: ['por', 'tazkira'],
    reasons: ['fear_of_arrest', 'deportation'],
    intendedStay: 'ge1y',
    destinationAdm2: 'AF0601',
    vulnerabilities: [],
    needs: ['shelter', 'cash'],
    consent: true,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    analyst = await t.as('analyst');
    for (const s of (await admin.get('/api/v1/sites?operation=AFG&limit=1000')).json().items) site[s.code] = s.id;
    const counts = [
      count('BCP-TORKHAM', '2023-03-06', 'in', 10),
      count('BCP-TORKHAM', '2023-03-06', 'out', 5),
      count('BCP-SPIN-BOLDAK', '2023-03-07', 'in', 20),
      { ...count('BCP-ISLAM-QALA', '2023-03-08', 'in', 7), neighbourCountry: 'IRN' },
    ];
    for (const c of counts) {
      const res = await admin.post('/api/v1/flows/counts', c);
      expect(res.statusCode, res.body).toBe(201);
    }
    const surveys = [
      survey('BCP-TORKHAM', '2023-03-06'),
      survey('BCP-TORKHAM', '2023-03-08', { groupSize: 2, boys: 0, girls: 0, documents: ['tazkira'], reasons: ['return'] }),
      survey('BCP-TORKHAM', '2023-03-14', { groupSize: 1, women: 0, boys: 0, girls: 0, documents: ['none'], reasons: ['economic'], destinationAdm2: null }),
      survey('BCP-SPIN-BOLDAK', '2023-03-07', { documents: ['passport'], reasons: ['return'], destinationAdm2: null, destinationAdm1: 'AF27' }),
      survey('BCP-ISLAM-QALA', '2023-03-09', { originCountry: 'IRN', documents: ['amayesh'], reasons: ['deportation'], destinationAdm2: null }),
    ];
    for (const s of surveys) {
      const res = await admin.post('/api/v1/flows/surveys', s);
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts as CSV: header row, HXL row, one row per site, date, direction and neighbour country; audited', async () => {
    const res = await analyst.get(`/api/v1/flows/exports/counts.csv?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hamrah-flows-counts-AFG-2023-03-01_2023-03-31.csv"');
    const { header, hxl, data } = table(res.body);
    expect(header.slice(0, 5)).toEqual(['date', 'site_name', 'site_code', 'adm1_pcode', 'adm2_pcode']);
    expect(hxl.slice(0, 5)).toEqual(['#date+reported', '#loc+name', '#loc+code', '#adm1+code', '#adm2+code']);
    expect(hxl).toContain('#affected+ind+inflow');
    expect(data.map((r) => [r.date, r.site_code, r.direction, r.inflow, r.outflow])).toEqual([
      ['2023-03-06', 'BCP-TORKHAM', 'in', '10', ''],
      ['2023-03-06', 'BCP-TORKHAM', 'out', '', '5'],
      ['2023-03-07', 'BCP-SPIN-BOLDAK', 'in', '20', ''],
      ['2023-03-08', 'BCP-ISLAM-QALA', 'in', '7', ''],
    ]);
    expect(data[0]).toMatchObject({ adm1_pcode: 'AF06', adm2_pcode: 'AF0617', neighbour_country: 'PAK', deported: '10', transport_foot: '10', status: 'draft', version: '1' });
    const filtered = table((await analyst.get(`/api/v1/flows/exports/counts.csv?${period}&direction=out`)).body).data;
    expect(filtered.map((r) => r.outflow)).toEqual(['5']);
    const audits = await t.db.database.db.select().from(auditLog).where(eq(auditLog.action, 'flow_count.export'));
    expect(audits.map((a) => (a.changes as { _details?: { kind?: string } } | null)?._details?.kind)).toContain('flows-counts');
  });

  it('counts as XLSX: one sheet with the header, the HXL row, dates as dates and figures as numbers', async () => {
    const res = await analyst.get(`/api/v1/flows/exports/counts.xlsx?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hamrah-flows-counts-AFG-2023-03-01_2023-03-31.xlsx"');
    const xml = sheetXml(res.rawPayload);
    const cells = sheetCells(xml);
    expect(cells[0][0]).toBe('<c s="3" t="inlineStr"><is><t>date</t></is></c>');
    expect(cells[1][0]).toBe('<c s="4" t="inlineStr"><is><t>#date+reported</t></is></c>');
    expect(cells[0].map(cellValue).slice(0, 8)).toEqual(['date', 'site_name', 'site_code', 'adm1_pcode', 'adm2_pcode', 'neighbour_country', 'direction', 'inflow']);
    // 2023-03-06 is serial day 44991, styled as a date; inflow (column H) 10 is a number.
    expect(cells[2][0]).toBe('<c s="1"><v>44991</v></c>');
    expect(cells[2][2]).toBe('<c t="inlineStr"><is><t>BCP-TORKHAM</t></is></c>');
    expect(cells[2][7]).toBe('<c><v>10</v></c>');
    // The outflow row leaves inflow empty and fills outflow (column I).
    expect(cells[3].slice(7, 9).map(cellValue)).toEqual(['', '5']);
    expect(xml.match(/<row /g)).toHaveLength(6);
  });

  it('surveys aggregated per week and per month: groups, persons, document and reason shares', async () => {
    const res = await analyst.get(`/api/v1/flows/exports/surveys.csv?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="hamrah-flows-surveys-AFG-2023-03-01_2023-03-31.csv"');
    const { hxl, data } = table(res.body);
    expect(hxl).toContain('#indicator+pct+documents+por');
    expect(hxl).toContain('#affected+ind+surveyed');
    expect(data.map((r) => [r.period_start, r.period_end, r.site_code, r.destination_adm1_pcode, r.groups, r.persons])).toEqual([
      ['2023-03-06', '2023-03-12', 'BCP-ISLAM-QALA', '', '1', '5'],
      ['2023-03-06', '2023-03-12', 'BCP-SPIN-BOLDAK', 'AF27', '1', '5'],
      ['2023-03-06', '2023-03-12', 'BCP-TORKHAM', 'AF06', '2', '7'],
      ['2023-03-13', '2023-03-19', 'BCP-TORKHAM', '', '1', '1'],
    ]);
    expect(data[2]).toMatchObject({ documents_por_pct: '50', documents_tazkira_pct: '100', documents_none_pct: '0', reason_deportation_pct: '50', reason_return_pct: '50', reason_fear_of_arrest_pct: '50', men: '2', women: '2', boys: '2', girls: '1' });
    expect(data[3]).toMatchObject({ documents_none_pct: '100', reason_economic_pct: '100' });

    const monthly = table((await analyst.get(`/api/v1/flows/exports/surveys.csv?${period}&period=month`)).body).data;
    expect(monthly.filter((r) => r.site_code === 'BCP-TORKHAM').map((r) => [r.period_start, r.period_end, r.destination_adm1_pcode, r.groups])).toEqual([
      ['2023-03-01', '2023-03-31', 'AF06', '2'],
      ['2023-03-01', '2023-03-31', '', '1'],
    ]);
    const xml = sheetXml((await analyst.get(`/api/v1/flows/exports/surveys.xlsx?${period}`)).rawPayload);
    expect(xml).toContain('<t>#indicator+pct+reason+deportation</t>');
    expect(xml.match(/<row /g)).toHaveLength(6);
  });

  it('surveys row-level: one row per survey with multi-select answers space-separated, CSV and XLSX', async () => {
    const res = await analyst.get(`/api/v1/flows/exports/survey-rows.csv?${period}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="hamrah-flows-surveys-rows-AFG-2023-03-01_2023-03-31.csv"');
    const { header, hxl, data } = table(res.body);
    expect(header).not.toContain('name');
    expect(hxl[header.indexOf('destination_adm1_pcode')]).toBe('#adm1+code+destination');
    expect(data).toHaveLength(5);
    expect(data[0]).toMatchObject({ date: '2023-03-06', site_code: 'BCP-TORKHAM', group_size: '5', documents: 'por tazkira', reasons: 'deportation fear_of_arrest', destination_adm1_pcode: 'AF06', destination_adm2_pcode: 'AF0601', needs: 'cash shelter' });
    expect(data.map((r) => r.date)).toEqual(['2023-03-06', '2023-03-07', '2023-03-08', '2023-03-09', '2023-03-14']);
    const xml = sheetXml((await analyst.get(`/api/v1/flows/exports/survey-rows.xlsx?${period}&originCountry=IRN`)).rawPayload);
    expect(xml.match(/<row /g)).toHaveLength(3);
    expect(xml).toContain('<t>amayesh</t>');
  });

  it('an exporter limited to Nangarhar (AF06) and Kandahar (AF27), like the enumerator, sees only Torkham and Spin Boldak', async () => {
    const made = await admin.post('/api/v1/users', {
      username: 'east.south.analyst',
      displayName: 'East and south analyst',
      password: 'exports-password-123',
      grants: [
        { roleId: 'analyst', operationId: 'AFG', areaPcode: 'AF06' },
        { roleId: 'analyst', operationId: 'AFG', areaPcode: 'AF27' },
      ],
    });
    expect(made.statusCode, made.body).toBe(201);
    const scoped = await t.as('east.south.analyst', 'exports-password-123');
    const sites = async (path: string) => new Set(table((await scoped.get(`/api/v1/flows/exports/${path}?${period}`)).body).data.map((r) => r.site_code));
    const theirs = new Set(['BCP-TORKHAM', 'BCP-SPIN-BOLDAK']);
    expect(await sites('counts.csv')).toEqual(theirs);
    expect(await sites('surveys.csv')).toEqual(theirs);
    expect(await sites('survey-rows.csv')).toEqual(theirs);
    const xml = sheetXml((await scoped.get(`/api/v1/flows/exports/counts.xlsx?${period}`)).rawPayload);
    expect(xml).not.toContain('BCP-ISLAM-QALA');
    // Asking for a site outside their areas gives an empty table, not somebody else's rows.
    expect(table((await scoped.get(`/api/v1/flows/exports/counts.csv?${period}&site=${site['BCP-ISLAM-QALA']}`)).body).data).toEqual([]);
  });

  it('who may not: enumerator, partner and viewer 403; row-level needs its own permission; hidden operation 404; bad period 400', async () => {
    for (const who of ['enumerator', 'partner', 'viewer']) {
      const agent = await t.as(who);
      for (const path of ['counts.csv', 'counts.xlsx', 'surveys.csv', 'survey-rows.xlsx']) expect((await agent.get(`/api/v1/flows/exports/${path}?${period}`)).statusCode, `${who} ${path}`).toBe(403);
    }
    const role = await admin.post('/api/v1/roles', { id: 'flows-aggregates', name: 'Flows aggregates', permissions: ['flows.read', 'flows.export'] });
    expect(role.statusCode, role.body).toBe(201);
    const made = await admin.post('/api/v1/users', { username: 'aggregates.only', displayName: 'Aggregates only', password: 'exports-password-123', grants: [{ roleId: 'flows-aggregates', operationId: 'AFG' }] });
    expect(made.statusCode, made.body).toBe(201);
    const aggregates = await t.as('aggregates.only', 'exports-password-123');
    expect((await aggregates.get(`/api/v1/flows/exports/surveys.csv?${period}`)).statusCode).toBe(200);
    expect((await aggregates.get(`/api/v1/flows/exports/survey-rows.csv?${period}`)).statusCode).toBe(403);
    expect((await analyst.get('/api/v1/flows/exports/counts.csv?operation=IRN')).statusCode).toBe(404);
    expect((await analyst.get('/api/v1/flows/exports/counts.xlsx?operation=XYZ')).statusCode).toBe(404);
    expect((await analyst.get('/api/v1/flows/exports/counts.csv?operation=AFG&from=2023-03-31&to=2023-03-01')).statusCode).toBe(400);
    expect((await analyst.get(`/api/v1/flows/exports/surveys.csv?${period}&period=year`)).statusCode).toBe(400);
  });

  it('the old counts.csv route still answers with the same table', async () => {
    const res = await analyst.get(`/api/v1/flows/counts.csv?${period}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="flow-counts-AFG-2023-03-01-to-2023-03-31.csv"');
    const { header, hxl, data } = table(res.body);
    expect(header[0]).toBe('date');
    expect(hxl[0]).toBe('#date+reported');
    expect(data).toHaveLength(4);
    // The exports writer makes it: the same bytes as the new counts export.
    expect(res.body).toBe((await analyst.get(`/api/v1/flows/exports/counts.csv?${period}`)).body);
  });

  it('exportCountsTo and exportSurveyRowsTo write to any stream and say how many rows (for the CLI and benchmarks)', async () => {
    const db = t.db.database.db;
    const scope = await unrestrictedScope(db, 'AFG');
    let text = '';
    const sink = () => new Writable({ write(c: Buffer, _e, done) { text += c.toString('utf8'); done(); } });
    expect(await exportCountsTo(db, scope, { from: '2023-03-01', to: '2023-03-31' }, 'csv', sink())).toBe(4);
    expect(table(text).data).toHaveLength(4);
    text = '';
    expect(await exportSurveyRowsTo(db, scope, { from: '2023-03-01', to: '2023-03-31', site: site['BCP-TORKHAM'] }, 'csv', sink())).toBe(3);
    await expect(unrestrictedScope(db, 'XYZ')).rejects.toThrow();
    // Tiny pages walk the date windows and keyset cursors: every row once, in order.
    const all: string[] = [];
    for await (const b of surveyRowBatches(db, scope, {}, 2)) all.push(...b.map((r) => `${r.date} ${r.site.code}`));
    expect(all).toEqual(['2023-03-06 BCP-TORKHAM', '2023-03-07 BCP-SPIN-BOLDAK', '2023-03-08 BCP-TORKHAM', '2023-03-09 BCP-ISLAM-QALA', '2023-03-14 BCP-TORKHAM']);
    const counted: string[] = [];
    for await (const b of countBatches(db, scope, { from: '2023-03-01' }, 1)) counted.push(...b.map((r) => `${r.date} ${r.site.code} ${r.direction}`));
    expect(counted).toEqual(['2023-03-06 BCP-TORKHAM in', '2023-03-06 BCP-TORKHAM out', '2023-03-07 BCP-SPIN-BOLDAK in', '2023-03-08 BCP-ISLAM-QALA in']);
  });

  it('encoded reads query no further ahead than the writer asks: one FETCH ahead on PostgreSQL, no page ahead on PGlite', async () => {
    const db = t.db.database.db;
    const scope = await unrestrictedScope(db, 'AFG');
    for (const format of ['csv', 'xlsx'] as const) {
      await countingRowQueries((db as unknown as { $client: unknown }).$client, async (queries) => {
        let taken = 0;
        for await (const batch of surveyRowEncodedBatches(db, scope, {}, format, 1)) {
          taken++;
          expect(batch.lines).toHaveLength(1);
          // While this batch is held, the reader sends nothing more.
          const sent = queries();
          await settle();
          expect(queries()).toBe(sent);
          if (backend === 'postgres') expect(sent).toBeLessThanOrEqual(taken + 1);
        }
        expect(taken).toBeGreaterThan(3);
        expect(queries()).toBeGreaterThanOrEqual(taken);
      });
    }
  });

  it('encoded reads (rows written by SQL: a cursor on PostgreSQL, one text per page on PGlite) give byte for byte the file of the typed reads', async () => {
    const db = t.db.database.db;
    expect(canEncode(db)).toBe(true);
    // Rows whose text needs quoting, a formula guard or XML escaping go back to the writer; plain rows are written by SQL.
    const tricky: Record<string, unknown>[] = [
      { originPcode: '=HYPERLINK("x")', destinationAdm2: 'AF06, "east"', vulnerabilities: ['a&b', '<c>'] },
      { originPcode: ' padded ', destinationAdm2: 'line\nbreak', needs: ['-1', '+2', '@3'] },
      { originPcode: 'tab\there', destinationAdm1: 'ctl\u0001char', needs: ['ok'] },
      { originPcode: 'بولدک', destinationAdm2: 'x'.repeat(40_000) },
    ];
    const base = survey('BCP-SPIN-BOLDAK', '2023-03-20');
    await db.insert(flowSurveys).values(
      tricky.map((over, i) => ({ ...base, ...over, id: uuidv7(), date: `2023-03-2${i}`, bodyHash: `tricky-${i}`, consent: true }) as typeof flowSurveys.$inferInsert),
    );
    const scope = await unrestrictedScope(db, 'AFG');
    const write = async (format: ExportFormat, columns: typeof SURVEY_ROW_TABLE | typeof COUNT_TABLE, batches: RowBatches<never>) => {
      const parts: Buffer[] = [];
      const rows = await writeTable(format, columns as never, batches, new Writable({ write(c: Buffer, _e, done) { parts.push(c); done(); } }));
      const bytes = Buffer.concat(parts);
      return { rows, text: format === 'csv' ? bytes.toString('utf8') : strFromU8(unzipSync(new Uint8Array(bytes))['xl/worksheets/sheet1.xml']) };
    };
    for (const format of ['csv', 'xlsx'] as const) {
      for (const q of [{}, { from: '2023-03-07', to: '2023-03-22' }, { site: site['BCP-TORKHAM'] }, { direction: 'out' as const }]) {
        const typed = await write(format, SURVEY_ROW_TABLE, surveyRowBatches(db, scope, q) as RowBatches<never>);
        // Pages of 2 rows walk the windows and keyset cursors (PGlite) or the FETCH loop (PostgreSQL).
        for (const size of [undefined, 2]) {
          const encoded = await write(format, SURVEY_ROW_TABLE, surveyRowEncodedBatches(db, scope, q, format, size) as RowBatches<never>);
          expect(encoded.rows, `${format} ${JSON.stringify(q)} ${size}`).toBe(typed.rows);
          expect(encoded.text === typed.text, `${format} ${JSON.stringify(q)} ${size}`).toBe(true);
        }
      }
      const typedCounts = await write(format, COUNT_TABLE, countBatches(db, scope, {}) as RowBatches<never>);
      const encodedCounts = await write(format, COUNT_TABLE, countEncodedBatches(db, scope, {}, format, 1) as RowBatches<never>);
      expect(encodedCounts.rows).toBe(4);
      expect(encodedCounts.text === typedCounts.text).toBe(true);
    }
    const csv = (await write('csv', SURVEY_ROW_TABLE, surveyRowEncodedBatches(db, scope, { from: '2023-03-20' }, 'csv') as RowBatches<never>)).text;
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"AF06, ""east"""');
    const xml = (await write('xlsx', SURVEY_ROW_TABLE, surveyRowEncodedBatches(db, scope, { from: '2023-03-20' }, 'xlsx') as RowBatches<never>)).text;
    expect(xml).toContain('<t>a&amp;b &lt;c&gt;</t>');
    expect(xml).toContain('<t xml:space="preserve"> padded </t>');
    // An operation the scope does not reach, or a site outside it, gives no rows on the encoded path either.
    const narrow = { ...scope, sites: scope.sites.filter((s) => s.code === 'BCP-TORKHAM'), allSites: false };
    const only = await write('csv', SURVEY_ROW_TABLE, surveyRowEncodedBatches(db, narrow, {}, 'csv') as RowBatches<never>);
    expect(table(only.text).data.map((r) => r.site_code)).toEqual(['BCP-TORKHAM', 'BCP-TORKHAM', 'BCP-TORKHAM']);
    expect((await write('csv', SURVEY_ROW_TABLE, surveyRowEncodedBatches(db, narrow, { site: site['BCP-ISLAM-QALA'] }, 'csv') as RowBatches<never>)).rows).toBe(0);
  });
});
