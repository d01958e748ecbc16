/**
 * Flow monitoring exports: counts, surveys aggregated (site × week or month × direction ×
 * destination province) and surveys row-level, each as HXL-tagged CSV or XLSX through the
 * streaming writers of src/exports. Rows are read in keyset pages of ~2,000, so memory stays flat.
 *
 * HXL has no core tag for population flows, so direction and breakdowns use custom attributes
 * (+inflow, +outflow, +deported, +spontaneous, +afghan, +transport, +origin, +destination …) on
 * core hashtags (#affected, #adm1, #indicator …), as the HXL standard allows; partners should
 * read them as such.
 */
import type { Writable } from 'node:stream';
import { and, asc, eq, gte, inArray, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { notFound } from '../../server/errors';
import type { Permission } from '../../server/permissions';
import { csvCell, RAW_ROW_MARK, sqlRow, writeTable, xlsxCell, XLSX_EMPTY, XLSX_ROW_SEPARATOR, type Column, type EncodedBatch, type ExportFormat, type RowBatch, type SqlCell, type TableOptions } from '../../exports';
import { flowCounts, flowSurveys } from './schema';
import { ALL_DOCUMENTS, REASONS, type CountStatus, type Direction, type OriginCountry } from './kinds';
import { areaParents, operationSites, operationTimeZone, type SiteFacts } from './places-lookup';
import { visibleSites } from './service';
import { addDays, daysBetween, mondayOf, monthOf, nextMonth } from './dates';

export const BATCH_SIZE = 2000;

// Scope ----------------------------------------------------------------------------------------

/** What an export may read: the operation, its sites the user reaches, and adm2 → adm1 parents. */
export interface FlowsExportScope {
  operationId: string;
  sites: SiteFacts[];
  /** adm2 → adm1 P-codes of the operation. */
  parents: Map<string, string | null>;
  /** True when `sites` are all the operation's sites: queries then skip the site list. */
  allSites?: boolean;
}

/** The caller's scope for `permission`: 404 for an operation they cannot see, sites limited by their grants' areas. */
export async function exportScope(tx: Tx, auth: AuthContext, permission: Permission, operation: string): Promise<FlowsExportScope> {
  const { operationId, sites } = await visibleSites(tx, auth, permission, operation);
  const all = await operationSites(tx, operationId);
  return { operationId, sites, parents: await areaParents(tx, operationId), allSites: all.length === sites.length };
}

/** Every site of the operation: for the CLI and benchmarks, which run with the database owner's rights. */
export async function unrestrictedScope(tx: Tx, operationId: string): Promise<FlowsExportScope> {
  if ((await operationTimeZone(tx, operationId)) === null) throw notFound(`No operation ${operationId}.`);
  return { operationId, sites: await operationSites(tx, operationId), parents: await areaParents(tx, operationId), allSites: true };
}

/** A site's province (adm1) and district (adm2): sites sit on a district or, when not located better, a province. */
function siteAreas(site: SiteFacts, parents: Map<string, string | null>): { adm1: string | null; adm2: string | null } {
  const area = site.areaPcode;
  const parent = area ? parents.get(area) : null;
  const adm2 = area && parent && parent.length > 2 ? area : null;
  const adm1 = adm2 ? parent! : area && parent && parent.length === 2 ? area : null;
  return { adm1, adm2 };
}

interface Located {
  site: SiteFacts;
  adm1: string | null;
  adm2: string | null;
}

function locator(scope: FlowsExportScope) {
  const located = new Map<string, Located>(scope.sites.map((s) => [s.id, { site: s, ...siteAreas(s, scope.parents) }]));
  return (siteId: string) => located.get(siteId)!;
}

/** The visible sites' ids, narrowed to one site when asked (none when that site is not visible). */
function siteIds(scope: FlowsExportScope, site?: string): string[] {
  const ids = scope.sites.map((s) => s.id);
  return site ? ids.filter((id) => id === site) : ids;
}

const siteColumns = <R extends Located>(): Column<R>[] => [
  { header: 'site_name', hxl: '#loc+name', value: (r) => r.site.name, type: 'text' },
  { header: 'site_code', hxl: '#loc+code', value: (r) => r.site.code, type: 'text' },
  { header: 'adm1_pcode', hxl: '#adm1+code', value: (r) => r.adm1, type: 'text' },
  { header: 'adm2_pcode', hxl: '#adm2+code', value: (r) => r.adm2, type: 'text' },
];

/**
 * Rows travel as one JSON array per row (json_build_array(...)::text), rebuilt into objects in JS:
 * PGlite decodes every field of a result separately, so one field per row instead of twenty takes
 * less than half the CPU (measured: 27,000 survey rows in 0.63 s instead of 1.4 s). The JSON is
 * built over a LIMITed subquery, so only the page's rows are serialised. Types come back as JSON
 * has them: dates as 'YYYY-MM-DD', arrays as arrays, integers as numbers.
 */
const jsonOf = (cols: SQLWrapper[]) => sql<string>`json_build_array(${sql.join(cols, sql`, `)})::text`;

function fromJson<T>(keys: string[], list: { j: string }[]): T[] {
  const out = new Array<T>(list.length);
  for (let i = 0; i < list.length; i++) {
    const a = JSON.parse(list[i].j) as unknown[];
    const o: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) o[keys[k]] = a[k];
    out[i] = o as T;
  }
  return out;
}


/**
 * Keyset pages walked through windows of dates: each query reads rows of [lo, hi] only, after the
 * last row of the previous page, so its cost is bounded by the window, whatever the planner
 * thinks of the table (PGlite has no autovacuum, so its statistics can be missing and a plain
 * "everything after the cursor, ORDER BY … LIMIT" may scan and sort the whole rest each time).
 * The window widens over sparse periods and narrows to what a page covered over dense ones.
 */
async function* windowedPages<K extends { date: string }, B>(
  range: { first: string | null; last: string | null } | undefined,
  page: (lo: string, hi: string, after: K | null) => Promise<Page<K, B>>,
  batchSize: number,
): AsyncGenerator<B> {
  if (!range?.first || !range.last) return;
  const end = range.last;
  let lo = range.first;
  let span = 7;
  let after: K | null = null;
  for (;;) {
    const hi = addDays(lo, span - 1) < end ? addDays(lo, span - 1) : end;
    const got = await page(lo, hi, after);
    if (got.count) yield got.batch;
    if (got.count >= batchSize && got.last) {
      after = got.last;
      span = Math.max(1, Math.min(span, 2 * (daysBetween(lo, after.date) + 1)));
      lo = after.date;
      continue;
    }
    if (hi >= end) return;
    if (got.count < batchSize / 2) span = Math.min(span * 2, 4096);
    lo = addDays(hi, 1);
    after = null;
  }
}

/** What one windowed query gave: how many rows, the last row's key, and the batch to yield. */
interface Page<K, B> {
  count: number;
  last: K | null;
  batch: B;
}

const typedPage = <T>(list: T[]): Page<T, T[]> => ({ count: list.length, last: list.length ? list[list.length - 1] : null, batch: list });

// Encoded reads ---------------------------------------------------------------------------------
//
// For a download the rows do not need to become objects at all: SQL writes each row as the text
// the writer would make of it (src/exports/sql-cells.ts), and the writer copies it. How the text
// is read depends on the driver:
// - PostgreSQL: one ordered query through a server-side cursor (DECLARE … NO SCROLL CURSOR, FETCH
//   n, rows in array mode) inside a read-only REPEATABLE READ transaction on a connection of its
//   own, so the export is one consistent snapshot; the next FETCH is sent before the current
//   batch is written, so the server formats rows while Node writes them. cursor_tuple_fraction = 1
//   lets the planner pick the plan that is fastest for the whole result (a scan and one sort)
//   instead of the fastest first rows (an index walk that visits the heap at random).
// - PGlite (one connection in this thread, where a long transaction would stall every other
//   request): the windowed keyset pages above, each page's rows aggregated into ONE text value
//   (string_agg over the ordered page), because PGlite decodes every row and field of a result
//   in JavaScript; and larger pages.
// - Anything else (e.g. a transaction handle): the typed batches, encoded by the writer in JS.

/**
 * Rows per FETCH (PostgreSQL) or per page (PGlite) of an encoded read. XLSX rows are ~4× longer
 * than CSV rows: its PGlite pages stay under the default work_mem (4 MB), beyond which the page
 * would be written to a temporary file and read back.
 */
export const ENCODED_BATCH_SIZE: Record<ExportFormat, number> = { csv: 10_000, xlsx: 3_000 };

const dialect = new PgDialect();

interface PgliteLike {
  query<T>(text: string, params?: unknown[], opts?: { rowMode?: 'array' | 'object' }): Promise<{ rows: T[] }>;
}

/** The driver behind a database handle (not a transaction): a node-postgres pool, a PGlite instance, or null. */
function driverOf(db: Tx): { pool: pg.Pool } | { pglite: PgliteLike } | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) return { pool: client };
  if (client && typeof (client as PgliteLike).query === 'function' && typeof (client as { exec?: unknown }).exec === 'function' && 'waitReady' in (client as object)) return { pglite: client as PgliteLike };
  return null;
}

/** Whether `db` can serve encoded reads (a PostgreSQL pool or PGlite, not a transaction). */
export function canEncode(db: Tx): boolean {
  return driverOf(db) !== null;
}

/** Streams an ordered query's single text column through a server-side cursor, one FETCH ahead of the writer. */
async function* cursorLines<R>(pool: pg.Pool, query: SQL, format: ExportFormat, fetchSize: number, revive: (line: string) => string | R): AsyncGenerator<EncodedBatch<R>> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const client = await pool.connect();
  let pending: Promise<pg.QueryArrayResult<[string]>> | null = null;
  let broken = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query('set local cursor_tuple_fraction = 1');
    await client.query({ text: `declare hamrah_export no scroll cursor for ${text}`, values: params });
    const fetch = () => {
      const p = client.query<[string]>({ text: `fetch ${fetchSize} from hamrah_export`, rowMode: 'array' });
      p.catch(() => {}); // awaited below; this only keeps an early stop from leaving it unhandled
      return p;
    };
    pending = fetch();
    for (;;) {
      const res = await pending;
      pending = null;
      if (!res.rows.length) break;
      if (res.rows.length === fetchSize) pending = fetch();
      const lines = new Array<string | R>(res.rows.length);
      for (let i = 0; i < lines.length; i++) lines[i] = revive(res.rows[i][0]);
      yield { encoded: format, lines };
      if (!pending) break;
    }
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    if (pending) await pending.catch(() => {});
    try {
      await client.query('rollback');
    } catch {
      broken = true;
    }
    client.release(broken);
  }
}

/**
 * One PGlite page as one text: the page's encoded rows joined in order (the page is a sorted,
 * LIMITed subquery read once, so string_agg sees its order), their number, and the last row's
 * key; split into the batch's lines, each revived (a row SQL left to the writer becomes an object).
 */
async function pglitePage<K, R>(client: PgliteLike, pageQuery: SQL, key: Record<string, SQL>, format: ExportFormat, revive: (line: string) => string | R): Promise<Page<K, EncodedBatch<R>>> {
  const keyNames = Object.keys(key);
  const keyText = Object.values(key);
  const sep = format === 'csv' ? '\r\n' : XLSX_ROW_SEPARATOR;
  // One pass over the page for the text and the count; the last row's key is read by position
  // (a materialized CTE is read back in the order it was written).
  // The key is built for that one row only: OFFSET would otherwise evaluate it for every row it skips.
  const q = sql`with p as materialized (${pageQuery}), a as (select string_agg(line, ${sep}) as t, count(*)::int as n from p)
    select a.t, a.n, (select json_build_array(${sql.join(keyText, sql`, `)})::text from (select * from p offset (select greatest(n - 1, 0) from a) limit 1) as p) as k from a`;
  const { sql: text, params } = dialect.sqlToQuery(q);
  const [r] = (await client.query<{ t: string | null; n: number; k: string | null }>(text, params)).rows;
  // PGlite runs the query on this thread and answers through promise callbacks alone: without a
  // turn of the event loop between pages, a long export would hold off timers and every other
  // request until its end.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const n = Number(r.n);
  // Encoded rows hold neither separator (CSV ones no CR or LF, XLSX ones no U+0001), nor do the
  // JSON texts of the rows left to the writer (JSON escapes control characters).
  const lines = n && r.t !== null ? r.t.split(sep).map(revive) : [];
  const batch: EncodedBatch<R> = { encoded: format, lines };
  const last = r.k ? (Object.fromEntries((JSON.parse(r.k) as unknown[]).map((v, i) => [keyNames[i], v])) as K) : null;
  return { count: n, last, batch };
}

/**
 * The site columns of each visible site, encoded once in JS (by the writers' own cell functions)
 * and looked up per row in SQL from one jsonb object keyed by site id (no join: the query stays on
 * one table, so its sort carries the table's columns and rows are formatted after it).
 */
function siteCells(scope: FlowsExportScope, format: ExportFormat, siteId: SQLWrapper): SqlCell {
  const bySite: Record<string, string> = {};
  for (const site of scope.sites) {
    const { adm1, adm2 } = siteAreas(site, scope.parents);
    const values = [site.name, site.code, adm1, adm2];
    bySite[site.id] = format === 'csv' ? values.map((v) => csvCell(v, 'text')).join(',') : values.map((v) => xlsxCell(v, 'text') || XLSX_EMPTY).join('');
  }
  return { kind: 'cells', expr: sql`(${JSON.stringify(bySite)}::jsonb ->> (${siteId})::text)` };
}

/** Turns a line of an encoded read back into a row object when SQL left it to the writer (RAW_ROW_MARK + the row's JSON). */
function reviver<T>(keys: string[], locate: (siteId: string) => Located): (line: string) => string | (T & Located) {
  return (line) => {
    if (line.charCodeAt(0) !== 2) return line;
    const a = JSON.parse(line.slice(RAW_ROW_MARK.length)) as unknown[];
    const o: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) o[keys[k]] = a[k];
    return Object.assign(o, locate(o.siteId as string)) as T & Located;
  };
}

/** `columns` as SQL cells, in the table's order; `sql` maps each header to its cell (the four site columns come as one). */
function encodedCells<R>(columns: Column<R>[], cells: Record<string, SqlCell>, site: SqlCell): SqlCell[] {
  const out: SqlCell[] = [];
  for (const c of columns) {
    if (SITE_HEADERS.includes(c.header)) {
      if (c.header === SITE_HEADERS[0]) out.push(site);
      continue;
    }
    const cell = cells[c.header];
    if (!cell) throw new Error(`No SQL cell for export column ${c.header}`);
    out.push(cell);
  }
  return out;
}

const SITE_HEADERS = ['site_name', 'site_code', 'adm1_pcode', 'adm2_pcode'];

// Counts ---------------------------------------------------------------------------------------

export interface CountsExportQuery {
  from?: string;
  to?: string;
  site?: string;
  direction?: Direction;
  status?: CountStatus;
}

const countFields = {
  id: flowCounts.id,
  version: flowCounts.version,
  siteId: flowCounts.siteId,
  date: flowCounts.date,
  direction: flowCounts.direction,
  neighbourCountry: flowCounts.neighbourCountry,
  total: flowCounts.total,
  men: flowCounts.men,
  women: flowCounts.women,
  boys: flowCounts.boys,
  girls: flowCounts.girls,
  afghan: flowCounts.afghan,
  otherNationality: flowCounts.otherNationality,
  deported: flowCounts.deported,
  spontaneous: flowCounts.spontaneous,
  otherReason: flowCounts.otherReason,
  transportFoot: flowCounts.transportFoot,
  transportCar: flowCounts.transportCar,
  transportBus: flowCounts.transportBus,
  transportTruck: flowCounts.transportTruck,
  transportOther: flowCounts.transportOther,
  status: flowCounts.status,
};

type CountRecord = Pick<typeof flowCounts.$inferSelect, keyof typeof countFields>;

const countKeys = Object.keys(countFields);

async function selectCounts(db: Tx, where: SQL | undefined, limit: number): Promise<CountRecord[]> {
  const page = db
    .select(countFields)
    .from(flowCounts)
    .where(where)
    .orderBy(asc(flowCounts.date), asc(flowCounts.siteId), asc(flowCounts.direction), asc(flowCounts.neighbourCountry))
    .limit(limit)
    .as('page');
  const list = await db
    .select({ j: jsonOf(countKeys.map((k) => page[k as keyof typeof countFields])) })
    .from(page)
    .orderBy(asc(page.date), asc(page.siteId), asc(page.direction), asc(page.neighbourCountry));
  return fromJson<CountRecord>(countKeys, list);
}
export type CountExportRow = CountRecord & Located;

/**
 * One row per site × date × direction × neighbour country (current version only, any status):
 * exactly one of the inflow / outflow columns is filled.
 */
export const COUNT_TABLE: Column<CountExportRow>[] = [
  { header: 'date', hxl: '#date+reported', value: (r) => r.date, type: 'date' },
  ...siteColumns<CountExportRow>(),
  { header: 'neighbour_country', hxl: '#country+code+neighbour', value: (r) => r.neighbourCountry, type: 'text' },
  { header: 'direction', hxl: '#indicator+direction', value: (r) => r.direction, type: 'text' },
  { header: 'inflow', hxl: '#affected+ind+inflow', value: (r) => (r.direction === 'in' ? r.total : null), type: 'number' },
  { header: 'outflow', hxl: '#affected+ind+outflow', value: (r) => (r.direction === 'out' ? r.total : null), type: 'number' },
  { header: 'men', hxl: '#affected+m+adults', value: (r) => r.men, type: 'number' },
  { header: 'women', hxl: '#affected+f+adults', value: (r) => r.women, type: 'number' },
  { header: 'boys', hxl: '#affected+m+children', value: (r) => r.boys, type: 'number' },
  { header: 'girls', hxl: '#affected+f+children', value: (r) => r.girls, type: 'number' },
  { header: 'afghan', hxl: '#affected+afghan', value: (r) => r.afghan, type: 'number' },
  { header: 'other_nationality', hxl: '#affected+other_nationality', value: (r) => r.otherNationality, type: 'number' },
  { header: 'deported', hxl: '#affected+returnees+deported', value: (r) => r.deported, type: 'number' },
  { header: 'spontaneous', hxl: '#affected+returnees+spontaneous', value: (r) => r.spontaneous, type: 'number' },
  { header: 'other_reason', hxl: '#affected+returnees+other', value: (r) => r.otherReason, type: 'number' },
  { header: 'transport_foot', hxl: '#affected+transport+foot', value: (r) => r.transportFoot, type: 'number' },
  { header: 'transport_car', hxl: '#affected+transport+car', value: (r) => r.transportCar, type: 'number' },
  { header: 'transport_bus', hxl: '#affected+transport+bus', value: (r) => r.transportBus, type: 'number' },
  { header: 'transport_truck', hxl: '#affected+transport+truck', value: (r) => r.transportTruck, type: 'number' },
  { header: 'transport_other', hxl: '#affected+transport+other', value: (r) => r.transportOther, type: 'number' },
  { header: 'status', hxl: '#status+workflow', value: (r) => r.status, type: 'text' },
  { header: 'version', hxl: '#meta+version', value: (r) => r.version, type: 'number' },
  { header: 'id', hxl: '#meta+id', value: (r) => r.id, type: 'text' },
];

/** Header and HXL tag of each counts column (the contract of counts.csv). */
export const COUNT_COLUMNS: { header: string; hxl: string }[] = COUNT_TABLE.map(({ header, hxl }) => ({ header, hxl }));

function countFilters(scope: FlowsExportScope, q: CountsExportQuery): SQL[] | null {
  const ids = siteIds(scope, q.site);
  if (!ids.length) return null;
  const filters = [eq(flowCounts.operationId, scope.operationId), eq(flowCounts.current, true)];
  if (q.site || !scope.allSites) filters.push(inArray(flowCounts.siteId, ids));
  if (q.from) filters.push(gte(flowCounts.date, q.from));
  if (q.to) filters.push(lte(flowCounts.date, q.to));
  if (q.direction) filters.push(eq(flowCounts.direction, q.direction));
  if (q.status) filters.push(eq(flowCounts.status, q.status));
  return filters;
}

/** Counts in keyset pages ordered by (date, site, direction, neighbour country). */
export async function* countBatches(db: Tx, scope: FlowsExportScope, q: CountsExportQuery, batchSize = BATCH_SIZE): AsyncGenerator<CountExportRow[]> {
  const filters = countFilters(scope, q);
  if (!filters) return;
  const locate = locator(scope);
  const range = await countRange(db, filters);
  const pages = windowedPages<CountRecord, CountRecord[]>(
    range,
    async (lo, hi, after) =>
      typedPage(await selectCounts(
        db,
        and(
          ...filters,
          gte(flowCounts.date, lo),
          lte(flowCounts.date, hi),
          after
            ? sql`(${flowCounts.date}, ${flowCounts.siteId}, ${flowCounts.direction}, ${flowCounts.neighbourCountry}) > (${after.date}::date, ${after.siteId}::uuid, ${after.direction}, ${after.neighbourCountry})`
            : undefined,
        ),
        batchSize,
      )),
    batchSize,
  );
  for await (const list of pages) yield list.map((r) => Object.assign(r, locate(r.siteId)));
}

/** First and last count date under the filters. */
async function countRange(db: Tx, filters: SQL[]) {
  const [range] = await db
    .select({ first: sql<string | null>`to_char(min(${flowCounts.date}), 'YYYY-MM-DD')`, last: sql<string | null>`to_char(max(${flowCounts.date}), 'YYYY-MM-DD')` })
    .from(flowCounts)
    .where(and(...filters));
  return range;
}

const int = (expr: SQLWrapper): SqlCell => ({ kind: 'integer', expr });
const text = (expr: SQLWrapper): SqlCell => ({ kind: 'text', expr });

/** COUNT_TABLE's columns as SQL (besides the site columns). */
const COUNT_SQL: Record<string, SqlCell> = {
  date: { kind: 'date', expr: flowCounts.date },
  neighbour_country: text(flowCounts.neighbourCountry),
  direction: text(flowCounts.direction),
  inflow: int(sql`case when ${flowCounts.direction} = 'in' then ${flowCounts.total} end`),
  outflow: int(sql`case when ${flowCounts.direction} = 'out' then ${flowCounts.total} end`),
  men: int(flowCounts.men),
  women: int(flowCounts.women),
  boys: int(flowCounts.boys),
  girls: int(flowCounts.girls),
  afghan: int(flowCounts.afghan),
  other_nationality: int(flowCounts.otherNationality),
  deported: int(flowCounts.deported),
  spontaneous: int(flowCounts.spontaneous),
  other_reason: int(flowCounts.otherReason),
  transport_foot: int(flowCounts.transportFoot),
  transport_car: int(flowCounts.transportCar),
  transport_bus: int(flowCounts.transportBus),
  transport_truck: int(flowCounts.transportTruck),
  transport_other: int(flowCounts.transportOther),
  status: text(flowCounts.status),
  version: int(flowCounts.version),
  id: { kind: 'uuid', expr: flowCounts.id },
};

interface CountKey {
  date: string;
  siteId: string;
  direction: string;
  neighbourCountry: string;
}

/**
 * The counts export already encoded for `format`, in the order of countBatches (date, site,
 * direction, neighbour country) and under the same filters: on PostgreSQL through a cursor, on
 * PGlite in windowed pages of one text each (see "Encoded reads").
 */
export async function* countEncodedBatches(db: Tx, scope: FlowsExportScope, q: CountsExportQuery, format: ExportFormat, batchSize = ENCODED_BATCH_SIZE[format]): AsyncGenerator<EncodedBatch<CountExportRow>> {
  // The same filters, always with the site list: every row then has its site's cells.
  const filters = countFilters({ ...scope, allSites: false }, q);
  if (!filters) return;
  const driver = driverOf(db);
  if (!driver) throw new Error('Encoded reads need a database handle, not a transaction.');
  const line = sql`${sqlRow(format, encodedCells(COUNT_TABLE, COUNT_SQL, siteCells(scope, format, flowCounts.siteId)), jsonOf(countKeys.map((k) => countFields[k as keyof typeof countFields])))} as line`;
  const revive = reviver<CountRecord>(countKeys, locator(scope));
  const from = sql`${flowCounts}`;
  const order = sql`order by ${flowCounts.date}, ${flowCounts.siteId}, ${flowCounts.direction}, ${flowCounts.neighbourCountry}`;
  if ('pool' in driver) {
    // The sort runs on the table's columns in the fenced subquery (OFFSET 0); rows are formatted after it.
    yield* cursorLines(driver.pool, sql`select ${line} from (select * from ${from} where ${and(...filters)} ${order} offset 0) as ${from} ${order}`, format, batchSize, revive);
    return;
  }
  const client = driver.pglite;
  yield* windowedPages<CountKey, EncodedBatch<CountExportRow>>(
    await countRange(db, filters),
    (lo, hi, after) =>
      pglitePage<CountKey, CountExportRow>(
        client,
        sql`select ${flowCounts.date} as date, ${flowCounts.siteId} as site_id, ${flowCounts.direction} as direction, ${flowCounts.neighbourCountry} as neighbour_country, ${line}
              from ${from}
             where ${and(
               ...filters,
               gte(flowCounts.date, lo),
               lte(flowCounts.date, hi),
               after
                 ? sql`(${flowCounts.date}, ${flowCounts.siteId}, ${flowCounts.direction}, ${flowCounts.neighbourCountry}) > (${after.date}::date, ${after.siteId}::uuid, ${after.direction}, ${after.neighbourCountry})`
                 : undefined,
             )}
             ${order} limit ${batchSize}`,
        { date: sql`to_char(date, 'YYYY-MM-DD')`, siteId: sql`site_id`, direction: sql`direction`, neighbourCountry: sql`neighbour_country` },
        format,
        revive,
      ),
    batchSize,
  );
}

/** How many rows the counts export will have (for progress bars). */
export async function countCountRows(db: Tx, scope: FlowsExportScope, q: CountsExportQuery): Promise<number> {
  const filters = countFilters(scope, q);
  if (!filters) return 0;
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(flowCounts).where(and(...filters));
  return Number(r.n);
}

// Surveys, row-level ----------------------------------------------------------------------------

export interface SurveysExportQuery {
  from?: string;
  to?: string;
  site?: string;
  direction?: Direction;
  originCountry?: OriginCountry;
}

const surveyFields = {
  id: flowSurveys.id,
  siteId: flowSurveys.siteId,
  date: flowSurveys.date,
  direction: flowSurveys.direction,
  respondentSex: flowSurveys.respondentSex,
  respondentAgeBand: flowSurveys.respondentAgeBand,
  groupSize: flowSurveys.groupSize,
  men: flowSurveys.men,
  women: flowSurveys.women,
  boys: flowSurveys.boys,
  girls: flowSurveys.girls,
  originCountry: flowSurveys.originCountry,
  originPcode: flowSurveys.originPcode,
  documents: flowSurveys.documents,
  reasons: flowSurveys.reasons,
  intendedStay: flowSurveys.intendedStay,
  destinationAdm1: flowSurveys.destinationAdm1,
  destinationAdm2: flowSurveys.destinationAdm2,
  vulnerabilities: flowSurveys.vulnerabilities,
  needs: flowSurveys.needs,
};

type SurveyRecord = Pick<typeof flowSurveys.$inferSelect, keyof typeof surveyFields>;

const surveyKeys = Object.keys(surveyFields);

async function selectSurveys(db: Tx, where: SQL | undefined, limit: number): Promise<SurveyRecord[]> {
  const page = db.select(surveyFields).from(flowSurveys).where(where).orderBy(asc(flowSurveys.date), asc(flowSurveys.id)).limit(limit).as('page');
  const list = await db
    .select({ j: jsonOf(surveyKeys.map((k) => page[k as keyof typeof surveyFields])) })
    .from(page)
    .orderBy(asc(page.date), asc(page.id));
  return fromJson<SurveyRecord>(surveyKeys, list);
}

export type SurveyExportRow = SurveyRecord & Located;

/** One row per interviewed group (surveys hold no names). Multi-select answers are space-separated, as Kobo exports them. */
export const SURVEY_ROW_TABLE: Column<SurveyExportRow>[] = [
  { header: 'date', hxl: '#date+reported', value: (r) => r.date, type: 'date' },
  ...siteColumns<SurveyExportRow>(),
  { header: 'direction', hxl: '#indicator+direction', value: (r) => r.direction, type: 'text' },
  { header: 'respondent_sex', hxl: '#respondee+sex', value: (r) => r.respondentSex, type: 'text' },
  { header: 'respondent_age_band', hxl: '#respondee+age+band', value: (r) => r.respondentAgeBand, type: 'text' },
  { header: 'group_size', hxl: '#affected+ind+group', value: (r) => r.groupSize, type: 'number' },
  { header: 'men', hxl: '#affected+m+adults', value: (r) => r.men, type: 'number' },
  { header: 'women', hxl: '#affected+f+adults', value: (r) => r.women, type: 'number' },
  { header: 'boys', hxl: '#affected+m+children', value: (r) => r.boys, type: 'number' },
  { header: 'girls', hxl: '#affected+f+children', value: (r) => r.girls, type: 'number' },
  { header: 'origin_country', hxl: '#country+code+origin', value: (r) => r.originCountry, type: 'text' },
  { header: 'origin_adm2_pcode', hxl: '#adm2+code+origin', value: (r) => r.originPcode, type: 'text' },
  { header: 'destination_adm1_pcode', hxl: '#adm1+code+destination', value: (r) => r.destinationAdm1, type: 'text' },
  { header: 'destination_adm2_pcode', hxl: '#adm2+code+destination', value: (r) => r.destinationAdm2, type: 'text' },
  { header: 'documents', hxl: '#indicator+documents+list', value: (r) => r.documents, type: 'text' },
  { header: 'reasons', hxl: '#indicator+reasons+list', value: (r) => r.reasons, type: 'text' },
  { header: 'intended_stay', hxl: '#indicator+intended_stay', value: (r) => r.intendedStay, type: 'text' },
  { header: 'vulnerabilities', hxl: '#indicator+vulnerabilities+list', value: (r) => r.vulnerabilities, type: 'text' },
  { header: 'needs', hxl: '#indicator+needs+list', value: (r) => r.needs, type: 'text' },
  { header: 'id', hxl: '#meta+id', value: (r) => r.id, type: 'text' },
];

function surveyFilters(scope: FlowsExportScope, q: SurveysExportQuery): SQL[] | null {
  const ids = siteIds(scope, q.site);
  if (!ids.length) return null;
  const filters = [eq(flowSurveys.operationId, scope.operationId)];
  if (q.site || !scope.allSites) filters.push(inArray(flowSurveys.siteId, ids));
  if (q.from) filters.push(gte(flowSurveys.date, q.from));
  if (q.to) filters.push(lte(flowSurveys.date, q.to));
  if (q.direction) filters.push(eq(flowSurveys.direction, q.direction));
  if (q.originCountry) filters.push(eq(flowSurveys.originCountry, q.originCountry));
  return filters;
}

/** Surveys in keyset pages ordered by (date, id). */
export async function* surveyRowBatches(db: Tx, scope: FlowsExportScope, q: SurveysExportQuery, batchSize = BATCH_SIZE): AsyncGenerator<SurveyExportRow[]> {
  const filters = surveyFilters(scope, q);
  if (!filters) return;
  const locate = locator(scope);
  const pages = windowedPages<SurveyRecord, SurveyRecord[]>(
    await surveyRange(db, filters),
    async (lo, hi, after) =>
      typedPage(
        await selectSurveys(
          db,
          and(...filters, gte(flowSurveys.date, lo), lte(flowSurveys.date, hi), after ? sql`(${flowSurveys.date}, ${flowSurveys.id}) > (${after.date}::date, ${after.id}::uuid)` : undefined),
          batchSize,
        ),
      ),
    batchSize,
  );
  for await (const list of pages) yield list.map((r) => Object.assign(r, locate(r.siteId)));
}

/** SURVEY_ROW_TABLE's columns as SQL (besides the site columns). */
const SURVEY_SQL: Record<string, SqlCell> = {
  date: { kind: 'date', expr: flowSurveys.date },
  direction: text(flowSurveys.direction),
  respondent_sex: text(flowSurveys.respondentSex),
  respondent_age_band: text(flowSurveys.respondentAgeBand),
  group_size: int(flowSurveys.groupSize),
  men: int(flowSurveys.men),
  women: int(flowSurveys.women),
  boys: int(flowSurveys.boys),
  girls: int(flowSurveys.girls),
  origin_country: text(flowSurveys.originCountry),
  origin_adm2_pcode: text(flowSurveys.originPcode),
  destination_adm1_pcode: text(flowSurveys.destinationAdm1),
  destination_adm2_pcode: text(flowSurveys.destinationAdm2),
  documents: { kind: 'text[]', expr: flowSurveys.documents },
  reasons: { kind: 'text[]', expr: flowSurveys.reasons },
  intended_stay: text(flowSurveys.intendedStay),
  vulnerabilities: { kind: 'text[]', expr: flowSurveys.vulnerabilities },
  needs: { kind: 'text[]', expr: flowSurveys.needs },
  id: { kind: 'uuid', expr: flowSurveys.id },
};

/** Row-level surveys already encoded for `format`, in the order of surveyRowBatches (date, id), under the same filters. */
export async function* surveyRowEncodedBatches(db: Tx, scope: FlowsExportScope, q: SurveysExportQuery, format: ExportFormat, batchSize = ENCODED_BATCH_SIZE[format]): AsyncGenerator<EncodedBatch<SurveyExportRow>> {
  // The same filters, always with the site list: every row then has its site's cells.
  const filters = surveyFilters({ ...scope, allSites: false }, q);
  if (!filters) return;
  const driver = driverOf(db);
  if (!driver) throw new Error('Encoded reads need a database handle, not a transaction.');
  const line = sql`${sqlRow(format, encodedCells(SURVEY_ROW_TABLE, SURVEY_SQL, siteCells(scope, format, flowSurveys.siteId)), jsonOf(surveyKeys.map((k) => surveyFields[k as keyof typeof surveyFields])))} as line`;
  const revive = reviver<SurveyRecord>(surveyKeys, locator(scope));
  const from = sql`${flowSurveys}`;
  const order = sql`order by ${flowSurveys.date}, ${flowSurveys.id}`;
  if ('pool' in driver) {
    // The sort runs on the table's columns in the fenced subquery (OFFSET 0); rows are formatted after it.
    yield* cursorLines(driver.pool, sql`select ${line} from (select * from ${from} where ${and(...filters)} ${order} offset 0) as ${from} ${order}`, format, batchSize, revive);
    return;
  }
  const client = driver.pglite;
  yield* windowedPages<{ date: string; id: string }, EncodedBatch<SurveyExportRow>>(
    await surveyRange(db, filters),
    (lo, hi, after) =>
      pglitePage<{ date: string; id: string }, SurveyExportRow>(
        client,
        sql`select ${flowSurveys.date} as date, ${flowSurveys.id} as id, ${line}
              from ${from}
             where ${and(...filters, gte(flowSurveys.date, lo), lte(flowSurveys.date, hi), after ? sql`(${flowSurveys.date}, ${flowSurveys.id}) > (${after.date}::date, ${after.id}::uuid)` : undefined)}
             ${order} limit ${batchSize}`,
        { date: sql`to_char(date, 'YYYY-MM-DD')`, id: sql`id` },
        format,
        revive,
      ),
    batchSize,
  );
}

/** First and last survey date under the filters. */
async function surveyRange(db: Tx, filters: SQL[]) {
  const [range] = await db
    .select({ first: sql<string | null>`to_char(min(${flowSurveys.date}), 'YYYY-MM-DD')`, last: sql<string | null>`to_char(max(${flowSurveys.date}), 'YYYY-MM-DD')` })
    .from(flowSurveys)
    .where(and(...filters));
  return range;
}

export async function countSurveyRows(db: Tx, scope: FlowsExportScope, q: SurveysExportQuery): Promise<number> {
  const filters = surveyFilters(scope, q);
  if (!filters) return 0;
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(flowSurveys).where(and(...filters));
  return Number(r.n);
}

// Surveys, aggregated ---------------------------------------------------------------------------

export const SURVEY_PERIODS = ['week', 'month'] as const;
export type SurveyPeriod = (typeof SURVEY_PERIODS)[number];

export interface SurveysAggregateQuery extends SurveysExportQuery {
  /** Weeks start on Monday (ISO). Default week. */
  period?: SurveyPeriod;
}

export interface SurveyAggregateRow extends Located {
  periodStart: string;
  periodEnd: string;
  direction: Direction;
  destinationAdm1: string | null;
  groups: number;
  persons: number;
  men: number;
  women: number;
  boys: number;
  girls: number;
  /** Groups holding each document / giving each reason. */
  documents: Record<string, number>;
  reasons: Record<string, number>;
}

const pct = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : null);

/**
 * One row per period × site × direction × destination province: surveyed groups and persons,
 * and the share (%) of groups holding each document and giving each reason (a group may give
 * several, so reasons add up to more than 100). Shares are of surveyed groups, unweighted.
 */
export const SURVEY_AGGREGATE_TABLE: Column<SurveyAggregateRow>[] = [
  { header: 'period_start', hxl: '#date+start', value: (r) => r.periodStart, type: 'date' },
  { header: 'period_end', hxl: '#date+end', value: (r) => r.periodEnd, type: 'date' },
  ...siteColumns<SurveyAggregateRow>(),
  { header: 'direction', hxl: '#indicator+direction', value: (r) => r.direction, type: 'text' },
  { header: 'destination_adm1_pcode', hxl: '#adm1+code+destination', value: (r) => r.destinationAdm1, type: 'text' },
  { header: 'groups', hxl: '#indicator+num+groups', value: (r) => r.groups, type: 'number' },
  { header: 'persons', hxl: '#affected+ind+surveyed', value: (r) => r.persons, type: 'number' },
  { header: 'men', hxl: '#affected+m+adults+surveyed', value: (r) => r.men, type: 'number' },
  { header: 'women', hxl: '#affected+f+adults+surveyed', value: (r) => r.women, type: 'number' },
  { header: 'boys', hxl: '#affected+m+children+surveyed', value: (r) => r.boys, type: 'number' },
  { header: 'girls', hxl: '#affected+f+children+surveyed', value: (r) => r.girls, type: 'number' },
  ...ALL_DOCUMENTS.map((d): Column<SurveyAggregateRow> => ({ header: `documents_${d}_pct`, hxl: `#indicator+pct+documents+${d}`, value: (r) => pct(r.documents[d], r.groups), type: 'number' })),
  ...REASONS.map((d): Column<SurveyAggregateRow> => ({ header: `reason_${d}_pct`, hxl: `#indicator+pct+reason+${d}`, value: (r) => pct(r.reasons[d], r.groups), type: 'number' })),
];

/** The start of the period holding `date`. */
export function periodStart(date: string, period: SurveyPeriod): string {
  return period === 'month' ? monthOf(date) : mondayOf(date);
}

/** The start of the period after the one starting at `start`. */
function nextPeriod(start: string, period: SurveyPeriod, n = 1): string {
  return period === 'week' ? addDays(start, 7 * n) : nextMonth(start, n);
}

/** Periods aggregated per query: the result of one window stays small whatever the total. */
const WINDOW = { week: 13, month: 3 } as const;

/** Aggregated surveys, one query per window of periods (13 weeks or 3 months), in batches. */
export async function* surveyAggregateBatches(db: Tx, scope: FlowsExportScope, q: SurveysAggregateQuery, batchSize = BATCH_SIZE): AsyncGenerator<SurveyAggregateRow[]> {
  const filters = surveyFilters(scope, q);
  if (!filters) return;
  const period = q.period ?? 'week';
  const range = await surveyRange(db, filters);
  if (!range?.first || !range.last) return;
  const locate = locator(scope);
  const trunc = sql.raw(period === 'month' ? `'month'` : `'week'`);
  const docs = ALL_DOCUMENTS.map((d) => sql<number>`count(*) filter (where ${d} = any(${flowSurveys.documents}))::int`);
  const reasons = REASONS.map((d) => sql<number>`count(*) filter (where ${d} = any(${flowSurveys.reasons}))::int`);
  const fields: Record<string, SQL | typeof flowSurveys.siteId | typeof flowSurveys.direction | typeof flowSurveys.destinationAdm1> = {
    periodStart: sql<string>`to_char(date_trunc(${trunc}, ${flowSurveys.date}), 'YYYY-MM-DD')`,
    siteId: flowSurveys.siteId,
    direction: flowSurveys.direction,
    destinationAdm1: flowSurveys.destinationAdm1,
    groups: sql<number>`count(*)::int`,
    persons: sql<number>`sum(${flowSurveys.groupSize})::int`,
    men: sql<number>`sum(${flowSurveys.men})::int`,
    women: sql<number>`sum(${flowSurveys.women})::int`,
    boys: sql<number>`sum(${flowSurveys.boys})::int`,
    girls: sql<number>`sum(${flowSurveys.girls})::int`,
  };
  docs.forEach((d, i) => (fields[`d_${i}`] = d));
  reasons.forEach((d, i) => (fields[`r_${i}`] = d));
  for (let start = periodStart(range.first, period); start <= range.last; start = nextPeriod(start, period, WINDOW[period])) {
    const end = nextPeriod(start, period, WINDOW[period]);
    const list = (await db
      .select(fields)
      .from(flowSurveys)
      .where(and(...filters, gte(flowSurveys.date, start), sql`${flowSurveys.date} < ${end}::date`))
      .groupBy(sql`1`, flowSurveys.siteId, flowSurveys.direction, flowSurveys.destinationAdm1)) as unknown as Record<string, unknown>[];
    const rows: SurveyAggregateRow[] = list.map((r) => {
      const ps = r.periodStart as string;
      return {
        ...locate(r.siteId as string),
        periodStart: ps,
        periodEnd: addDays(nextPeriod(ps, period), -1),
        direction: r.direction as Direction,
        destinationAdm1: (r.destinationAdm1 as string | null) ?? null,
        groups: Number(r.groups),
        persons: Number(r.persons),
        men: Number(r.men),
        women: Number(r.women),
        boys: Number(r.boys),
        girls: Number(r.girls),
        documents: Object.fromEntries(ALL_DOCUMENTS.map((d, i) => [d, Number(r[`d_${i}`])])),
        reasons: Object.fromEntries(REASONS.map((d, i) => [d, Number(r[`r_${i}`])])),
      };
    });
    rows.sort(
      (a, b) =>
        a.periodStart.localeCompare(b.periodStart) ||
        a.site.code.localeCompare(b.site.code) ||
        a.direction.localeCompare(b.direction) ||
        (a.destinationAdm1 ?? '\uffff').localeCompare(b.destinationAdm1 ?? '\uffff'),
    );
    for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
  }
}

// One entry point per kind ------------------------------------------------------------------------

export const FLOWS_EXPORT_KINDS = ['flows-counts', 'flows-surveys', 'flows-surveys-rows'] as const;
export type FlowsExportKind = (typeof FLOWS_EXPORT_KINDS)[number];

export type FlowsExportQuery = CountsExportQuery & SurveysAggregateQuery;

/**
 * The columns and the row batches of an export kind. Given the `format` and a database handle
 * (not a transaction), counts and row-level surveys come already encoded by SQL (see "Encoded
 * reads"); otherwise, and for the aggregated surveys, as typed rows that the writer encodes.
 */
export function flowsTable(
  kind: FlowsExportKind,
  db: Tx,
  scope: FlowsExportScope,
  q: FlowsExportQuery,
  batchSize?: number,
  format?: ExportFormat,
): { columns: Column<never>[]; batches: AsyncIterable<RowBatch<never>> } {
  const encode = format !== undefined && canEncode(db);
  const t =
    kind === 'flows-counts'
      ? { columns: COUNT_TABLE, batches: encode ? countEncodedBatches(db, scope, q, format, batchSize) : countBatches(db, scope, q, batchSize) }
      : kind === 'flows-surveys'
        ? { columns: SURVEY_AGGREGATE_TABLE, batches: surveyAggregateBatches(db, scope, q, batchSize) }
        : { columns: SURVEY_ROW_TABLE, batches: encode ? surveyRowEncodedBatches(db, scope, q, format, batchSize) : surveyRowBatches(db, scope, q, batchSize) };
  return t as unknown as { columns: Column<never>[]; batches: AsyncIterable<RowBatch<never>> };
}

/** Sheet names of the XLSX files. */
export const SHEET_NAMES: Record<FlowsExportKind, string> = { 'flows-counts': 'counts', 'flows-surveys': 'surveys', 'flows-surveys-rows': 'survey rows' };

/** Writes an export to any Writable (file, socket) with backpressure; resolves with the data rows written. */
export async function exportFlowsTo(kind: FlowsExportKind, db: Tx, scope: FlowsExportScope, q: FlowsExportQuery, format: ExportFormat, out: Writable, opts: TableOptions = {}): Promise<number> {
  const { columns, batches } = flowsTable(kind, db, scope, q, undefined, format);
  return writeTable(format, columns, batches, out, { sheetName: SHEET_NAMES[kind], ...opts });
}

/** Counts export for benchmarks: `exportCountsTo(db, await unrestrictedScope(db, 'AFG'), {from, to}, 'csv', sink)` → rows. */
export function exportCountsTo(db: Tx, scope: FlowsExportScope, q: CountsExportQuery, format: ExportFormat, out: Writable, opts: TableOptions = {}): Promise<number> {
  return exportFlowsTo('flows-counts', db, scope, q, format, out, opts);
}

export function exportSurveysTo(db: Tx, scope: FlowsExportScope, q: SurveysAggregateQuery, format: ExportFormat, out: Writable, opts: TableOptions = {}): Promise<number> {
  return exportFlowsTo('flows-surveys', db, scope, q, format, out, opts);
}

export function exportSurveyRowsTo(db: Tx, scope: FlowsExportScope, q: SurveysExportQuery, format: ExportFormat, out: Writable, opts: TableOptions = {}): Promise<number> {
  return exportFlowsTo('flows-surveys-rows', db, scope, q, format, out, opts);
}
