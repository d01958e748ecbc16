/**
 * The dashboard rollups (flow_dash_counts, flow_dash_answers) are maintained by differences: by the
 * triggers of migrations 0015/0021 and, for a survey import's inserts, by SurveyRollupWriter
 * (dashboard-upkeep.ts). After every step of a mix of writes (counts and surveys by hand and by import, corrections, status changes, updates, the removal an import rollback does) they
 * must equal what `flow_dash_rebuild()` recomputes from the source tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { rows, type Tx } from '../../db/client';
import { uuidv7 } from '../../shared/ids';
import { importFile } from '../imports/service';
import { ALL_PERMISSIONS } from '../../server/permissions';
import type { AuthContext } from '../../server/context';
import { flowSurveysImport, SURVEY_FIELDS, type SurveyRecord } from './import-surveys';
import { flowCountsImport, type CountRecord } from './import-counts';
import type { ImportAdapter, IssueSink, MappedRow } from '../../imports/types';
import { runImport } from '../../imports/pipeline';
import { suggestMapping } from '../../imports/mapping';
import { AppError } from '../../server/errors';
import { hashOf } from './service';
import { pgArray } from '../../imports/ids';
import { rollupUpkeepLimits } from './dashboard-upkeep';

type Row = Record<string, unknown>;
const COUNT_KEY = ['operation_id', 'grain', 'pub', 'bucket', 'site_id', 'direction'];
const SURVEY_KEY = ['operation_id', 'dim', 'lvl', 'site_key', 'direction', 'bucket', 'key'];

async function snapshot(tx: Pick<Tx, 'execute'>) {
  const counts = await rows<Row>(tx as Tx, sql`select operation_id, grain, pub, bucket::text, site_id::text, direction, days, total::text, men::text, women::text, boys::text, girls::text,
      deported::text, spontaneous::text, other_reason::text from flow_dash_counts order by 1, 2, 3, 4, 5, 6`);
  const surveys = await rows<Row>(tx as Tx, sql`select operation_id, dim, lvl, site_key, direction, bucket::text, key, surveys, people::text, est, surveys_pub, people_pub::text, est_pub
      from flow_dash_survey_rows order by operation_id, dim, lvl, site_key, direction, bucket, key`);
  return { counts, surveys };
}

const keyOf = (r: Row, cols: string[]) => cols.map((c) => String(r[c])).join('|');
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Differences between two snapshots (exact for counts and integers, 1e-9 relative for estimates). */
function differences(got: Awaited<ReturnType<typeof snapshot>>, want: Awaited<ReturnType<typeof snapshot>>): string[] {
  const out: string[] = [];
  const cmp = (g: Row[], w: Row[], key: string[], floats: string[]) => {
    const wm = new Map(w.map((r) => [keyOf(r, key), r]));
    const gm = new Map(g.map((r) => [keyOf(r, key), r]));
    for (const [k, r] of gm) {
      const e = wm.get(k);
      if (!e) out.push(`extra ${k} ${JSON.stringify(r)}`);
      else
        for (const c of Object.keys(r))
          if (floats.includes(c) ? !close(Number(r[c]), Number(e[c])) : String(r[c]) !== String(e[c])) out.push(`${k} ${c}: ${r[c]} instead of ${e[c]}`);
    }
    for (const k of wm.keys()) if (!gm.has(k)) out.push(`missing ${k} ${JSON.stringify(wm.get(k))}`);
  };
  cmp(got.counts, want.counts, COUNT_KEY, []);
  cmp(got.surveys, want.surveys, SURVEY_KEY, ['est', 'est_pub']);
  return out;
}

const SURVEY_HEADER = ['bcp', 'date', 'direction', 'sex', 'age_band', 'group_size', 'men', 'women', 'boys', 'girls', 'origin_country', 'documents', 'reasons', 'intended_stay', 'destination_adm2', 'needs', 'consent', '_uuid'];
const COUNT_HEADER = ['bcp', 'date', 'direction', 'total', 'men', 'women', 'boys', 'girls', 'deported', 'spontaneous', 'other_reason'];
const csv = (lines: (string | number)[][]) => lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
const day = (from: string, n: number) => new Date(Date.parse(`${from}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const DISTRICTS = ['AF0101', 'AF0601', 'AF0602', 'AF2701', 'AF3301'];

function surveyCsv(first: number, n: number, from: string, spanDays: number): string {
  const lines: (string | number)[][] = [SURVEY_HEADER];
  for (let i = first; i < first + n; i++) {
    const size = 1 + (i % 5);
    const men = Math.ceil(size / 2);
    lines.push([
      i % 3 ? 'BCP-TORKHAM' : 'Spin Boldak', day(from, (i * 7) % spanDays), i % 4 ? 'in' : 'out', i % 2 ? 'm' : 'f', '25-34', size, men, size - men, 0, 0, 'PAK',
      ['por', 'acc', 'por tazkira', 'none'][i % 4], ['deportation', 'return economic', 'family_visit'][i % 3], i % 5 ? 'ge1y' : 'lt1y', DISTRICTS[i % DISTRICTS.length], 'shelter', 'yes',
      `7d1c2b3a-0000-4000-8000-${String(i).padStart(12, '0')}`,
    ]);
  }
  return csv(lines);
}

function countCsv(from: string, days: number, site: string, base: number): string {
  const lines: (string | number)[][] = [COUNT_HEADER];
  for (let i = 0; i < days; i++)
    for (const dir of ['in', 'out'] as const) {
      const total = base + ((i * 37) % 50) + (dir === 'in' ? 40 : 0);
      const men = Math.floor(total / 2);
      const women = total - men;
      lines.push([site, day(from, i), dir, total, men, women, 0, 0, ...(dir === 'in' ? [Math.floor(total / 3), total - Math.floor(total / 3), 0] : ['', '', ''])]);
    }
  return csv(lines);
}

describe.each(BACKENDS)('dashboard rollups kept by differences on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  const site: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    for (const s of (await admin.get('/api/v1/sites?operation=AFG&limit=1000')).json().items) site[s.code] = s.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The rollups as the triggers left them, and as a rebuild computes them (rolled back). */
  async function expectEqualToRebuild(minSurveyRows = 1) {
    const db = t.db.database.db;
    const got = await snapshot(db);
    let want: Awaited<ReturnType<typeof snapshot>> | null = null;
    const rollback = new Error('rollback');
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`select flow_dash_rebuild()`);
        want = await snapshot(tx);
        throw rollback;
      })
      .catch((e) => {
        if (e !== rollback) throw e;
      });
    expect(want).not.toBeNull();
    expect(differences(got, want!).slice(0, 20)).toEqual([]);
    expect(got.surveys.length).toBeGreaterThanOrEqual(minSurveyRows);
    return got;
  }

  const count = (over: Record<string, unknown> = {}) => ({
    id: uuidv7(), operationId: 'AFG', siteId: site['BCP-TORKHAM'], date: '2024-11-25', direction: 'in', total: 100, men: 40, women: 20, boys: 22, girls: 18,
    afghan: 100, otherNationality: 0, deported: 30, spontaneous: 68, otherReason: 2, transport: { foot: 100, car: 0, bus: 0, truck: 0, other: 0 }, ...over,
  });
  const survey = (over: Record<string, unknown> = {}) => ({
    id: uuidv7(), operationId: 'AFG', siteId: site['BCP-TORKHAM'], date: '2024-11-26', direction: 'in', respondentSex: 'f', respondentAgeBand: '25-34', groupSize: 5,
    men: 1, women: 1, boys: 2, girls: 1, originCountry: 'PAK', originPcode: null, documents: ['por', 'tazkira'], reasons: ['deportation'], intendedStay: 'ge1y',
    destinationAdm2: 'AF0601', vulnerabilities: [], needs: ['shelter'], consent: true, ...over,
  });

  it('follows counts and surveys entered by hand, their corrections and status changes', async () => {
    // Both sides of the 52-week block boundary of 2024-12-02 and of several 4-week blocks.
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const body = count({ date: day('2024-11-18', i * 2), total: 100 + i, men: 40 + i, afghan: 100 + i, spontaneous: 68 + i });
      expect((await admin.post('/api/v1/flows/counts', body)).statusCode).toBe(201);
      ids.push(body.id);
    }
    for (let i = 0; i < 10; i++)
      expect((await admin.post('/api/v1/flows/surveys', survey({ date: day('2024-11-18', i * 3), destinationAdm2: DISTRICTS[i % 5], documents: i % 2 ? ['acc'] : ['por', 'tazkira'] }))).statusCode).toBe(201);
    await expectEqualToRebuild();

    // Publishing moves counts (and the weeks' surveys) into the published-only figures.
    for (const id of ids.slice(0, 6)) for (const step of ['submit', 'verify', 'publish']) expect((await admin.post(`/api/v1/flows/counts/${id}/${step}`)).statusCode).toBe(200);
    await expectEqualToRebuild();

    // A correction lowers a published count: a new draft version replaces it.
    const fixed = await admin.put(`/api/v1/flows/counts/${ids[1]}`, { total: 10, men: 4, women: 2, boys: 2, girls: 2, afghan: 10, otherNationality: 0, deported: 3, spontaneous: 5, otherReason: 2, transport: { foot: 10 }, baseVersion: 1 });
    expect(fixed.statusCode, fixed.body).toBe(200);
    await expectEqualToRebuild();
  });

  it('follows a survey import written in many parts, overlapped on PostgreSQL, and one whose late part fails', async () => {
    const db = t.db.database;
    const auth: AuthContext = {
      user: { id: uuidv7(), username: 'importer', displayName: 'importer', organisationId: null, language: 'en', isDemo: false },
      grants: [{ roleId: 'admin', organisationId: null, operationId: 'AFG', areaPcode: null, permissions: new Set(ALL_PERMISSIONS) }],
      via: 'session',
    };
    // Parts of 60 rows checked 35 at a time: on PostgreSQL a part's rollups are merged while the next part is inserted.
    const adapter = { ...flowSurveysImport, chunkSize: 35, writeChunkSize: 60 } as ImportAdapter<unknown>;
    const run = (text: string, a = adapter) =>
      runImport({ database: db, adapter: a, auth, userId: null, operationId: 'AFG', bytes: Buffer.from(text), format: 'csv', mapping: suggestMapping(SURVEY_HEADER, SURVEY_FIELDS), mode: 'all', commit: true });
    const many = await run(surveyCsv(5000, 420, '2024-09-02', 150));
    expect(many).toMatchObject({ outcome: 'committed', summary: { inserted: 420 } });
    await expectEqualToRebuild(100);

    // The writer holding few rows: it writes them out after almost every part, and a later part
    // touching the same site-weeks reads them again (on the transaction, where they were written).
    const held = rollupUpkeepLimits.heldRows;
    rollupUpkeepLimits.heldRows = 40;
    try {
      const flushed = await run(surveyCsv(7000, 360, '2024-09-02', 150));
      expect(flushed).toMatchObject({ outcome: 'committed', summary: { inserted: 360 } });
    } finally {
      rollupUpkeepLimits.heldRows = held;
    }
    await expectEqualToRebuild(100);

    // A later part holds ids stored meanwhile (the check is made to miss them): that part's insert
    // fails while earlier parts' rollups are under way; the import fails with the conflict and
    // leaves neither surveys nor rollup changes.
    const blind: ImportAdapter<unknown> = {
      ...adapter,
      async begin(scope) {
        const session = await adapter.begin(scope);
        return { ...session, existing: async () => new Map() };
      },
    };
    const lines = surveyCsv(6000, 300, '2024-09-02', 150) + surveyCsv(5000, 5, '2024-09-02', 150).split('\r\n').slice(1).join('\r\n');
    const before = await snapshot(db.db);
    const failed = await run(lines, blind).catch((e: unknown) => e);
    expect((failed as AppError).coded?.code).toBe('conflict.surveysStoredMeanwhile');
    expect((await rows<{ n: number }>(db.db as unknown as Tx, sql`select count(*)::int as n from flow_surveys where id::text like '7d1c2b3a-0000-4000-8000-0000000060%'`))[0].n).toBe(0);
    expect(differences(await snapshot(db.db), before)).toEqual([]);
    await db.db.execute(sql`delete from flow_surveys where id::text like '7d1c2b3a-0000-4000-8000-0000000050%' or id::text like '7d1c2b3a-0000-4000-8000-0000000054%'`);
    await expectEqualToRebuild(100);
  });

  it('follows survey and count imports, a re-import, updates, and the removal of imported rows', async () => {
    const db = t.db.database;
    const surveys = await importFile(db, 'admin', 'flows.surveys', Buffer.from(surveyCsv(0, 400, '2024-10-01', 120)), { operation: 'AFG', mode: 'all', fileName: 's.csv' });
    expect(surveys).toMatchObject({ status: 'committed', summary: { inserted: 400 } });
    await expectEqualToRebuild(100);
    // The insert computes each row's body hash in SQL: it must be the digest createSurvey stores
    // (canonical JSON of the stored answers and the id), or a re-sent survey would not be recognised.
    const stored = await rows<Record<string, unknown>>(
      db.db as unknown as Tx,
      sql`select id::text, operation_id, site_id::text, date::text, direction, respondent_sex, respondent_age_band, group_size, men, women, boys, girls, origin_country, origin_pcode,
                 documents, reasons, intended_stay, destination_adm1, destination_adm2, vulnerabilities, needs, consent, body_hash
            from flow_surveys where id::text like '7d1c2b3a-0000-4000-8000-000000000%' order by id`,
    );
    expect(stored).toHaveLength(400);
    for (const r of stored)
      expect(r.body_hash, String(r.id)).toBe(
        hashOf({
          id: r.id, operationId: r.operation_id, siteId: r.site_id, date: r.date, direction: r.direction, respondentSex: r.respondent_sex, respondentAgeBand: r.respondent_age_band,
          groupSize: r.group_size, men: r.men, women: r.women, boys: r.boys, girls: r.girls, originCountry: r.origin_country, originPcode: r.origin_pcode, documents: r.documents,
          reasons: r.reasons, intendedStay: r.intended_stay, destinationAdm1: r.destination_adm1, destinationAdm2: r.destination_adm2, vulnerabilities: r.vulnerabilities, needs: r.needs,
          consent: r.consent,
        }),
      );

    const counts = await importFile(db, 'admin', 'flows.counts', Buffer.from(countCsv('2024-10-07', 60, 'BCP-SPIN-BOLDAK', 200)), { operation: 'AFG', mode: 'all', fileName: 'c.csv' });
    expect(counts).toMatchObject({ status: 'committed', summary: { inserted: 120 } });
    await expectEqualToRebuild(100);

    // Re-importing adds nothing and leaves the rollups as they are.
    const before = await snapshot(db.db);
    const again = await importFile(db, 'admin', 'flows.surveys', Buffer.from(surveyCsv(0, 400, '2024-10-01', 120)), { operation: 'AFG', mode: 'all', fileName: 's.csv' });
    expect(again.summary).toMatchObject({ inserted: 0, existing: 400, invalid: 0 });
    expect(differences(await snapshot(db.db), before)).toEqual([]);

    // Whoever writes: an update that moves surveys to another week, site and direction.
    await db.db.execute(sql`update flow_surveys set date = date + 9, direction = case when direction = 'in' then 'out' else 'in' end, site_id = ${site['BCP-SPIN-BOLDAK']}::uuid
                              where id in (select id from flow_surveys order by id limit 25)`);
    await expectEqualToRebuild(100);
    // Publishing imported counts in bulk (one statement) changes the published estimates.
    await db.db.execute(sql`update flow_counts set status = 'published' where current and site_id = ${site['BCP-SPIN-BOLDAK']}::uuid and date < '2024-11-01'`);
    await expectEqualToRebuild(100);

    // What a PGlite import does when a later chunk fails: the adapters remove what was written.
    const auth: AuthContext = {
      user: { id: uuidv7(), username: 'importer', displayName: 'importer', organisationId: null, language: 'en', isDemo: false },
      grants: [{ roleId: 'admin', organisationId: null, operationId: 'AFG', areaPcode: null, permissions: new Set(ALL_PERMISSIONS) }],
      via: 'session',
    };
    const scope = { tx: db.db as unknown as Tx, database: db, auth, operationId: 'AFG', userId: null };
    const sSession = await flowSurveysImport.begin(scope);
    const sRecs = parse<SurveyRecord>(surveyCsv(0, 150, '2024-10-01', 120), (row, issue) => sSession.validate(row, issue));
    const cSession = await flowCountsImport.begin(scope);
    const cRecs = parse<CountRecord>(countCsv('2024-10-07', 20, 'BCP-SPIN-BOLDAK', 200), (row, issue) => cSession.validate(row, issue));
    await db.db.transaction(async (tx) => {
      await sSession.remove(tx as unknown as Tx, sRecs);
      await cSession.remove(tx as unknown as Tx, cRecs);
    });
    await expectEqualToRebuild(100);

    // Surveys stored by another writer between the import's existence check and its insert: the
    // insert fails on the primary key with a 409 naming why, and its transaction leaves nothing.
    await db.db.transaction((tx) => sSession.insert(tx as unknown as Tx, sRecs.slice(0, 10)));
    const raced = await db.db.transaction((tx) => sSession.insert(tx as unknown as Tx, sRecs.slice(5, 20))).catch((e: unknown) => e);
    expect(raced).toBeInstanceOf(AppError);
    expect((raced as AppError).code).toBe('CONFLICT');
    expect((raced as AppError).coded?.code).toBe('conflict.surveysStoredMeanwhile');
    expect((await rows<{ n: number }>(db.db as unknown as Tx, sql`select count(*)::int as n from flow_surveys where id = any(${pgArray(sRecs.slice(0, 20).map((r) => r.id))}::uuid[])`))[0].n).toBe(10);
    await expectEqualToRebuild(100);
    await db.db.transaction((tx) => sSession.remove(tx as unknown as Tx, sRecs.slice(0, 10)));

    // Removing everything leaves empty rollups, as a rebuild would.
    await db.db.execute(sql`delete from flow_surveys`);
    await db.db.execute(sql`delete from flow_counts where version > 1`);
    await db.db.execute(sql`delete from flow_counts`);
    expect(await expectEqualToRebuild(0)).toEqual({ counts: [], surveys: [] });
  });
});

/** Maps a CSV (header names equal to the adapters' aliases) to validated records. */
function parse<R>(text: string, validate: (row: MappedRow, issue: IssueSink) => R | null): R[] {
  const [header, ...lines] = text.trim().split('\r\n').map((l) => l.split(','));
  const alias: Record<string, string> = {
    bcp: 'site', sex: 'respondentSex', age_band: 'respondentAgeBand', group_size: 'groupSize', origin_country: 'originCountry', intended_stay: 'intendedStay',
    destination_adm2: 'destinationAdm2', _uuid: 'id', other_reason: 'otherReason',
  };
  const multiple = new Set(['documents', 'reasons', 'needs']);
  return lines.map((cells) => {
    const row: MappedRow = {};
    header.forEach((h, i) => {
      const k = alias[h] ?? h;
      if (cells[i] !== '') row[k] = multiple.has(k) ? cells[i].split(' ') : cells[i];
    });
    const problems: string[] = [];
    const rec = validate(row, (f, m) => problems.push(`${f}: ${m.code} ${JSON.stringify(m.params ?? {})}`));
    if (!rec) throw new Error(problems.join('; '));
    return rec;
  });
}
