/**
 * Dashboard figures: read from the rollups (dashboard-schema.ts) for whole weeks, months and
 * week blocks, and from flow_counts for the days at the edges of the period, so that a query over
 * ten years reads a few thousand rows at most.
 *
 * Access: holders of flows.read see every current version at the sites they reach with it (mode
 * 'all'); users who hold only reports.published.read see published versions only (mode
 * 'published'), at the sites inside their grants' areas, and survey figures only for site-weeks
 * whose counted flow is published (weighted to that published flow). Anyone else: 404 for the
 * operation (403 when they hold neither permission anywhere).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { forbidden, invalid, issueAt, notFound } from '../../server/errors';
import { holds, type Permission } from '../../server/permissions';
import { MAX_DAY_SERIES, SURVEY_DIMS, type DashboardQuery, type DashboardView, type Figures, type Granularity, type SurveyDim } from './dashboard-contract';
import type { Direction } from './kinds';
import { dtmDisplacement } from '../mobility/dtm-api';
import { operationSites, type SiteFacts } from './places-lookup';
import { siteInScope } from './service';
import { addDays, BLOCK_EPOCH, blockOf, daysBetween, mondayOf, monthOf, nextMonth } from './dates';

// Dates: dates.ts (re-exported for the dashboard's callers and tests).
export { addDays, isoWeekOf, mondayOf, mondayOfIsoWeek, monthOf } from './dates';
const EPOCH = BLOCK_EPOCH;

/**
 * Splits [from, to] into whole buckets of `grain` and the days left at either edge.
 * Returns the first and last whole bucket starts (null when none) and the edge day ranges.
 */
function wholeBuckets(from: string, to: string, grain: 'w' | 'm') {
  const start = grain === 'w' ? (mondayOf(from) === from ? from : addDays(mondayOf(from), 7)) : monthOf(from) === from ? from : nextMonth(monthOf(from));
  // the last bucket that ends on or before `to`
  const end = grain === 'w' ? (addDays(mondayOf(to), 6) === to ? mondayOf(to) : addDays(mondayOf(to), -7)) : addDays(nextMonth(monthOf(to)), -1) === to ? monthOf(to) : monthOf(addDays(monthOf(to), -1));
  if (start > end) return { first: null, last: null, edges: [[from, to]] as [string, string][] };
  const edges: [string, string][] = [];
  if (from < start) edges.push([from, addDays(start, -1)]);
  const endDay = grain === 'w' ? addDays(end, 6) : addDays(nextMonth(end), -1);
  if (endDay < to) edges.push([addDays(endDay, 1), to]);
  return { first: start, last: end, edges };
}

/** The week-block buckets (lvl 0 weeks, lvl 1 4-week blocks, lvl 2 52-week blocks) covering the weeks whose Monday is in [from, to]. */
export function surveyBuckets(from: string, to: string): { weeks: string[]; blocks4: string[]; blocks52: string[]; first: string | null; last: string | null } {
  const first = mondayOf(from) === from ? from : addDays(mondayOf(from), 7);
  const last = mondayOf(to);
  const out = { weeks: [] as string[], blocks4: [] as string[], blocks52: [] as string[], first: first <= last ? first : null, last: first <= last ? last : null };
  for (let w = first; w <= last; ) {
    if (blockOf(w, 364) === w && addDays(w, 357) <= last) {
      out.blocks52.push(w);
      w = addDays(w, 364);
    } else if (blockOf(w, 28) === w && addDays(w, 21) <= last) {
      out.blocks4.push(w);
      w = addDays(w, 28);
    } else {
      out.weeks.push(w);
      w = addDays(w, 7);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scope

export interface DashboardScope {
  operationId: string;
  mode: 'all' | 'published';
  /** The sites the figures cover (after the caller's grants and the filters). */
  sites: SiteFacts[];
  /** True when that is every site of the operation: the all-sites rollup rows apply. */
  allSites: boolean;
  directions: Direction[];
}

function sitesIn(grantsSites: SiteFacts[], auth: AuthContext, permission: Permission) {
  return grantsSites.filter((s) => siteInScope(auth.grants, permission, s));
}

export async function dashboardScope(tx: Tx, auth: AuthContext, q: Pick<DashboardQuery, 'operation' | 'sites' | 'direction' | 'neighbour'>): Promise<DashboardScope> {
  const operationId = q.operation.toUpperCase();
  const full = holds(auth.grants, 'flows.read', operationId);
  const published = holds(auth.grants, 'reports.published.read', operationId);
  if (!full && !published) {
    if (!holds(auth.grants, 'flows.read') && !holds(auth.grants, 'reports.published.read')) throw forbidden('flows.read');
    throw notFound(`No operation ${q.operation}.`);
  }
  const all = await operationSites(tx, operationId);
  const permission: Permission = full ? 'flows.read' : 'reports.published.read';
  const reachable = sitesIn(all, auth, permission);
  let chosen = reachable;
  if (q.sites) {
    const wanted = new Set(q.sites.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
    // Sites the caller cannot see are silently not there (as if they did not exist).
    chosen = chosen.filter((s) => wanted.has(s.id));
  }
  if (q.neighbour) chosen = chosen.filter((s) => s.neighbourCountry === q.neighbour!.toUpperCase());
  return {
    operationId,
    mode: full ? 'all' : 'published',
    sites: chosen,
    allSites: chosen.length === all.length,
    directions: q.direction ? [q.direction] : ['in', 'out'],
  };
}

// ---------------------------------------------------------------------------------------------
// SQL helpers
//
// Every read below is a *part*: one SQL expression that yields one value (JSON arrays of arrays,
// or the series' compact text), decoded here. A single query runs one part; the whole page runs all
// of its parts as the columns of one statement, so the page costs one round trip and reads one
// consistent snapshot.

const arr = (xs: readonly string[]) => `{${xs.map((x) => `"${x}"`).join(',')}}`;
const num = (v: unknown) => Number(v ?? 0);
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

/** Runs parts as the columns of one select; returns their values in the same order (JSON ones still to parse with `json`). */
async function runParts(tx: Tx, parts: readonly SQL[]): Promise<unknown[]> {
  if (!parts.length) return [];
  const [r] = await rows<Record<string, unknown>>(tx, sql`select ${sql.join(parts.map((p, i) => sql`(${p}) as ${sql.raw(`p${i}`)}`), sql`, `)}`);
  return parts.map((_, i) => r[`p${i}`]);
}
const runPart = async (tx: Tx, part: SQL) => (await runParts(tx, [part]))[0];

function siteFilter(scope: DashboardScope, column: SQL) {
  return sql`${column} = any(${arr(scope.sites.map((s) => s.id))}::uuid[])`;
}

/** The figure columns of flow_counts and flow_dash_counts, in the order the parts return them. */
const FIGURE_COLS = ['total', 'men', 'women', 'boys', 'girls', 'deported', 'spontaneous', 'other_reason'] as const;
/** A series carries the totals and the inflow reasons only. */
const SERIES_COLS = ['total', 'deported', 'spontaneous', 'other_reason'] as const;
// Summed as float8 (exact for integers below 2^53): the bigint sum accumulates in numeric, which
// is several times slower (most of a query's time on PGlite, which has no 128-bit integers).
const sums = (cols: readonly string[]) => sql.raw(cols.map((c) => `coalesce(sum(${c}::float8), 0)::int8 as ${c}`).join(', '));
const list = (cols: readonly string[]) => sql.raw(cols.join(', '));

/**
 * Rows (bucket, site_id, direction, figures…) of the counted flow over exactly [from, to]:
 * - a day series straight from flow_counts (covering index flow_counts_dash_idx, migration 0016);
 * - a week series from the weekly rollup's whole weeks plus flow_counts for the days at the edges;
 * - a month series and the totals (`granularity` null, no bucket) from the monthly rollup's whole
 *   months, and at each edge (inside one month) the weekly rollup's whole weeks and flow_counts for
 *   the days left: a ten-year total reads ~120 months, a few weeks and at most 12 days per site
 *   and direction.
 */
function countedRows(scope: DashboardScope, from: string, to: string, granularity: Granularity | null, cols: readonly string[]): SQL {
  const pub = scope.mode === 'published';
  const dirs = arr(scope.directions);
  const where = (site: string) => sql`operation_id = ${scope.operationId} and ${siteFilter(scope, sql.raw(site))} and direction = any(${dirs}::text[])`;
  const bucketOfDate = granularity === 'day' ? sql.raw('date') : granularity === 'week' ? sql.raw(`date_trunc('week', date)::date`) : granularity === 'month' ? sql.raw(`date_trunc('month', date)::date`) : sql.raw('null::date');
  const days = (a: string, b: string) =>
    sql`select ${bucketOfDate} as bucket, site_id, direction, ${list(cols)}
          from flow_counts
         where ${where('site_id')} and current and date >= ${a}::date and date <= ${b}::date${pub ? sql` and status = 'published'` : sql``}`;
  const rollup = (grain: 'w' | 'm', first: string, last: string, bucket: SQL) =>
    sql`select ${bucket} as bucket, site_id, direction, ${list(cols)}
          from flow_dash_counts
         where ${where('site_id')} and grain = ${grain} and pub = ${pub} and bucket >= ${first}::date and bucket <= ${last}::date`;
  if (granularity === 'day') return days(from, to);
  const parts: SQL[] = [];
  if (granularity === 'week') {
    const w = wholeBuckets(from, to, 'w');
    if (w.first) parts.push(rollup('w', w.first, w.last!, sql.raw('bucket')));
    for (const [a, b] of w.edges) parts.push(days(a, b));
  } else {
    const m = wholeBuckets(from, to, 'm');
    if (m.first) parts.push(rollup('m', m.first, m.last!, granularity ? sql.raw('bucket') : sql.raw('null::date')));
    // An edge (or a period shorter than a month) is cut at month starts; the whole weeks inside
    // each piece count towards its month.
    const pieces: [string, string][] = [];
    for (const [a, b] of m.edges)
      for (let x = a; x <= b; x = nextMonth(monthOf(x))) pieces.push([x, addDays(nextMonth(monthOf(x)), -1) < b ? addDays(nextMonth(monthOf(x)), -1) : b]);
    for (const [a, b] of pieces) {
      const w = wholeBuckets(a, b, 'w');
      if (w.first) parts.push(rollup('w', w.first, w.last!, granularity ? sql`${monthOf(a)}::date` : sql.raw('null::date')));
      for (const [c, d] of w.edges) parts.push(days(c, d));
    }
  }
  return sql.join(parts, sql` union all `);
}

const emptyFigures = (): Figures => ({ total: 0, men: 0, women: 0, boys: 0, girls: 0, deported: 0, spontaneous: 0, otherReason: 0 });

/** Part: inflow and outflow figures over [from, to] — [[direction, total, men, women, boys, girls, deported, spontaneous, other_reason], …]. */
function totalsPart(scope: DashboardScope, from: string, to: string): SQL {
  return sql`select coalesce(json_agg(json_build_array(direction, ${list(FIGURE_COLS)})), '[]'::json)
               from (select direction, ${sums(FIGURE_COLS)} from (${countedRows(scope, from, to, null, FIGURE_COLS)}) u group by direction) g`;
}
function readTotals(v: unknown) {
  const out = { in: emptyFigures(), out: emptyFigures() };
  for (const [direction, total, men, women, boys, girls, deported, spontaneous, otherReason] of json(v) as [Direction, ...number[]][])
    out[direction] = { total, men, women, boys, girls, deported, spontaneous, otherReason };
  return out;
}

/**
 * The series rows of `g` (bucket, site_id, direction, figures) as one compact text, in the order
 * the page shows them: `days since EPOCH,site (1-based in scope.sites),direction,total,deported,
 * spontaneous,other_reason` joined by ';'. Ten years of weeks at every BCP are ~11,500 rows: as
 * JSON objects their encoding and decoding cost several times their reading (on PGlite above all).
 */
function seriesText(scope: DashboardScope, g: SQL): SQL {
  return sql`select coalesce(string_agg(concat_ws(',', bucket - ${EPOCH}::date, array_position(${arr(scope.sites.map((s) => s.id))}::uuid[], site_id), direction, ${list(SERIES_COLS)}), ';' order by bucket, site_id, direction), '') from ${g}`;
}
function readSeries(v: unknown, scope: DashboardScope): DashboardView['series'] {
  if (typeof v !== 'string' || !v) return [];
  const buckets = new Map<string, string>();
  return v.split(';').map((row) => {
    const [b, site, direction, total, deported, spontaneous, otherReason] = row.split(',');
    let bucket = buckets.get(b);
    if (bucket === undefined) buckets.set(b, (bucket = addDays(EPOCH, Number(b))));
    return { bucket, siteId: scope.sites[Number(site) - 1].id, direction: direction as Direction, total: Number(total), deported: Number(deported), spontaneous: Number(spontaneous), otherReason: Number(otherReason) };
  });
}

/** Part: flow per bucket × site × direction (seriesText). */
function seriesPart(scope: DashboardScope, from: string, to: string, granularity: Granularity): SQL {
  return seriesText(scope, sql`(select bucket, site_id, direction, ${sums(SERIES_COLS)} from (${countedRows(scope, from, to, granularity, SERIES_COLS)}) u group by bucket, site_id, direction) g`);
}

/**
 * Part for the page: the series and the totals from one read — [series text, totals] as above.
 * The series' rows cover [from, to] exactly, so their sums per direction are the totals.
 */
function flowPart(scope: DashboardScope, from: string, to: string, granularity: Granularity): SQL {
  return sql`with g as (select bucket, site_id, direction, ${sums(FIGURE_COLS)} from (${countedRows(scope, from, to, granularity, FIGURE_COLS)}) u group by bucket, site_id, direction)
             select json_build_array(
               (${seriesText(scope, sql.raw('g'))}),
               (select coalesce(json_agg(json_build_array(direction, ${list(FIGURE_COLS)})), '[]'::json) from (select direction, ${sums(FIGURE_COLS)} from g group by direction) t))`;
}

/** Inflow and outflow figures over [from, to] (headline, pyramid, deported/spontaneous/other). */
export async function dashboardTotals(tx: Tx, scope: DashboardScope, from: string, to: string) {
  if (!scope.sites.length) return readTotals([]);
  return readTotals(await runPart(tx, totalsPart(scope, from, to)));
}

/** Flow per bucket × site × direction. */
export async function dashboardSeries(tx: Tx, scope: DashboardScope, from: string, to: string, granularity: Granularity): Promise<DashboardView['series']> {
  if (!scope.sites.length) return [];
  return readSeries(await runPart(tx, seriesPart(scope, from, to, granularity)), scope);
}

const ALL_DIMS = ['all', ...SURVEY_DIMS] as const;

/** Survey answers for one dimension over the weeks starting in [from, to]: raw and weighted to the counted flow. */
type SurveyItems = { key: string; surveys: number; people: number; weighted: number }[];

/**
 * Part: survey answers for several dimensions over the weeks starting in [from, to] —
 * [[dim, key, surveys, people, weighted], …]; null when there is nothing to read. One key range
 * of flow_dash_answers per level (weeks, 4-week blocks, 52-week blocks), each row one dimension's
 * answers as arrays, unnested here.
 */
function surveysPart(scope: DashboardScope, from: string, to: string, dims: readonly (SurveyDim | 'all')[]): SQL | null {
  const b = surveyBuckets(from, to);
  if (!scope.sites.length || !b.first || !dims.length) return null;
  const pub = scope.mode === 'published';
  const siteKeys = arr(scope.sites.map((s) => s.id));
  const blockKeys = scope.allSites ? arr(['*']) : siteKeys;
  // Every dimension (the page): whole index ranges, no filter on dim.
  const everyDim = ALL_DIMS.every((d) => dims.includes(d));
  const cols = pub ? sql.raw('a.keys, a.surveys_pub, a.people_pub, a.est_pub') : sql.raw('a.keys, a.surveys, a.people, a.est');
  const level = (lvl: number, buckets: string[], keys: string) =>
    sql`select a.dim, u.key, u.surveys, u.people, u.est from flow_dash_answers a cross join lateral unnest(${cols}) as u(key, surveys, people, est)
         where a.operation_id = ${scope.operationId} and a.lvl = ${lvl} and a.site_key = any(${keys}::text[]) and a.direction = any(${arr(scope.directions)}::text[])
           and a.bucket = any(${arr(buckets)}::date[])${everyDim ? sql`` : sql` and a.dim = any(${arr(dims)}::text[])`}`;
  const levels: SQL[] = [];
  if (b.weeks.length) levels.push(level(0, b.weeks, siteKeys));
  if (b.blocks4.length) levels.push(level(1, b.blocks4, blockKeys));
  if (b.blocks52.length) levels.push(level(2, b.blocks52, blockKeys));
  return sql`select coalesce(json_agg(json_build_array(dim, key, surveys, people, weighted)), '[]'::json)
               from (select dim, key, sum(surveys)::int8 as surveys, sum(people::float8)::int8 as people, sum(est) as weighted
                       from (${sql.join(levels, sql` union all `)}) u group by dim, key) g
              where surveys > 0`;
}
function readSurveys(v: unknown, dims: readonly (SurveyDim | 'all')[]): Record<string, SurveyItems> {
  const out: Record<string, SurveyItems> = Object.fromEntries(dims.map((d) => [d, []]));
  for (const [dim, key, surveys, people, weighted] of (json(v) ?? []) as [string, string, number, number, number][]) out[dim]?.push({ key, surveys, people, weighted: Math.round(weighted) });
  for (const d of dims) out[d].sort((a, b) => b.weighted - a.weighted || b.people - a.people || a.key.localeCompare(b.key));
  return out;
}

/** Survey answers for several dimensions at once (one read of the rollup): raw and weighted to the counted flow. */
export async function dashboardSurveyDims(tx: Tx, scope: DashboardScope, from: string, to: string, dims: readonly (SurveyDim | 'all')[]): Promise<Record<string, SurveyItems>> {
  const part = surveysPart(scope, from, to, dims);
  return readSurveys(part ? await runPart(tx, part) : [], dims);
}

/** Survey answers for one dimension. */
export async function dashboardSurveyDim(tx: Tx, scope: DashboardScope, from: string, to: string, dim: SurveyDim | 'all'): Promise<SurveyItems> {
  return (await dashboardSurveyDims(tx, scope, from, to, [dim]))[dim];
}

/**
 * Part: counted flow in the weeks starting in [from, to] (Monday of the first to Sunday of the
 * last, read like the totals: months, weeks, edge days); null when none.
 */
function countedInWeeksPart(scope: DashboardScope, from: string, to: string): SQL | null {
  const b = surveyBuckets(from, to);
  if (!scope.sites.length || !b.first) return null;
  return sql`select ${sums(['total'])} from (${countedRows(scope, b.first, addDays(b.last!, 6), null, ['total'])}) u`;
}

/** Part: inflow in the 7 days ending `to` and in the 7 days before, straight from flow_counts — [last, previous]; null without sites. */
function lastWeeksInflowPart(scope: DashboardScope, to: string): SQL | null {
  if (!scope.sites.length) return null;
  const start = addDays(to, -6);
  return sql`select json_build_array(coalesce(sum(total) filter (where date >= ${start}::date), 0), coalesce(sum(total) filter (where date < ${start}::date), 0)) from flow_counts
              where operation_id = ${scope.operationId} and ${siteFilter(scope, sql.raw('site_id'))} and direction = 'in' and current
                and date >= ${addDays(to, -13)}::date and date <= ${to}::date${scope.mode === 'published' ? sql` and status = 'published'` : sql``}`;
}

/**
 * Part: the number of the latest published baseline round of the operation with any current
 * assessment (null when none), whoever may read it: the caller's own reading rules stay with the
 * mobility module (dashboardBaseline).
 */
function latestBaselinePart(operationId: string): SQL {
  return sql`select max(r.round_number) from mobility_rounds r
              where r.operation_id = ${operationId} and r.kind = 'baseline' and r.status = 'published'
                and exists (select 1 from mobility_assessments a where a.round_id = r.id and a.current)`;
}

/**
 * IDPs per district in the latest published baseline round the caller may read (mobility module's
 * DTM service). `latest` is latestBaselinePart's answer: only that round is read when the caller
 * sees any of it; a caller limited to areas without rows in it falls back to every round, as before.
 */
export async function dashboardBaseline(tx: Tx, auth: AuthContext, operationId: string, latest?: number | null): Promise<DashboardView['baseline']> {
  const round = latest === undefined ? num(await runPart(tx, latestBaselinePart(operationId))) || null : latest;
  if (round === null) return null;
  let list = await dtmDisplacement(tx, auth, 2, { Admin0Pcode: operationId, FromRoundNumber: round, ToRoundNumber: round });
  if (!list.length) list = await dtmDisplacement(tx, auth, 2, { Admin0Pcode: operationId });
  if (!list.length) return null;
  const top = list.reduce((a, r) => (r.roundNumber > a.roundNumber ? r : a), list[0]);
  const per = new Map<string, number>();
  for (const r of list) if (r.roundNumber === top.roundNumber && r.admin2Pcode) per.set(r.admin2Pcode, (per.get(r.admin2Pcode) ?? 0) + r.numPresentIdpInd);
  return {
    roundNumber: top.roundNumber,
    referenceDate: top.reportingDate.slice(0, 10),
    districts: [...per.entries()].map(([pcode, idps]) => ({ pcode, idps })).sort((a, b) => b.idps - a.idps),
  };
}

export async function dashboard(tx: Tx, auth: AuthContext, q: DashboardQuery): Promise<DashboardView> {
  if (q.from > q.to) throw invalid([issueAt('querystring.to', 'period.endsBeforeStart')]);
  if (q.granularity === 'day' && daysBetween(q.from, q.to) + 1 > MAX_DAY_SERIES)
    throw invalid([issueAt('querystring.granularity', 'flows.dailyTooLong', { days: MAX_DAY_SERIES })]);
  const scope = await dashboardScope(tx, auth, q);
  // Every figure of the page in one statement (one round trip, one snapshot); the baseline's
  // district figures follow only when the operation has a published baseline round at all.
  const zero = sql`select 0`;
  const none = sql`select null::json`;
  const [flow, lastWeeks, surveyRows, counted, latest] = await runParts(tx, [
    scope.sites.length ? flowPart(scope, q.from, q.to, q.granularity) : sql`select '["", []]'::json`,
    lastWeeksInflowPart(scope, q.to) ?? sql`select '[0, 0]'::json`,
    surveysPart(scope, q.from, q.to, ALL_DIMS) ?? none,
    countedInWeeksPart(scope, q.from, q.to) ?? zero,
    latestBaselinePart(scope.operationId),
  ]);
  const { all, ...dims } = readSurveys(surveyRows, ALL_DIMS);
  const [series, totals] = json(flow) as [string, unknown];
  const t = readTotals(totals);
  const [lastWeekInflow, previousWeekInflow] = (json(lastWeeks) as unknown[]).map(num);
  const b = surveyBuckets(q.from, q.to);
  const surveysTotal = all.reduce((a, r) => a + r.surveys, 0);
  return {
    operation: scope.operationId,
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    mode: scope.mode,
    sites: scope.sites.map((s) => ({ id: s.id, code: s.code, name: s.name, neighbourCountry: s.neighbourCountry, areaPcode: s.areaPcode })),
    headline: {
      inflow: t.in.total,
      outflow: t.out.total,
      surveys: surveysTotal,
      lastWeekInflow,
      previousWeekInflow,
      weekOnWeekPct: previousWeekInflow > 0 ? Math.round(((lastWeekInflow - previousWeekInflow) / previousWeekInflow) * 1000) / 10 : null,
    },
    inflow: t.in,
    outflow: t.out,
    series: readSeries(series, scope),
    surveys: {
      weeks: { from: b.first, to: b.last ? addDays(b.last, 6) : null },
      surveys: surveysTotal,
      people: all.reduce((a, r) => a + r.people, 0),
      weightedTotal: all.reduce((a, r) => a + r.weighted, 0),
      countedInWeeks: num(counted),
      dims,
    },
    baseline: await dashboardBaseline(tx, auth, scope.operationId, latest === null || latest === undefined ? null : num(latest)),
  };
}
