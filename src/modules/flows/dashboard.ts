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
import { forbidden, invalid, notFound } from '../../server/errors';
import { holds, type Permission } from '../../server/permissions';
import { MAX_DAY_SERIES, SURVEY_DIMS, type DashboardQuery, type DashboardView, type Figures, type Granularity, type SurveyDim } from './dashboard-contract';
import type { Direction } from './kinds';
import { dtmDisplacement } from '../mobility/dtm-api';
import { operationSites, type SiteFacts } from './places-lookup';
import { siteInScope } from './service';

// ---------------------------------------------------------------------------------------------
// Dates (UTC calendar arithmetic on YYYY-MM-DD)

const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => iso(ms(d) + n * DAY);
/** Monday of the ISO week holding d. */
export const mondayOf = (d: string) => addDays(d, -((new Date(ms(d)).getUTCDay() + 6) % 7));
export const monthOf = (d: string) => `${d.slice(0, 7)}-01`;
const nextMonth = (m: string) => {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
};
const EPOCH = '2000-01-03';
const blockOf = (monday: string, len: number) => addDays(EPOCH, Math.floor((ms(monday) - ms(EPOCH)) / DAY / len) * len);

/** ISO week label (YYYY-Www) of a date, and the Monday of a label. */
export function isoWeekOf(d: string): string {
  const thursday = addDays(mondayOf(d), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((ms(thursday) - ms(mondayOf(`${year}-01-04`))) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
export function mondayOfIsoWeek(label: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const monday = addDays(mondayOf(`${m[1]}-01-04`), (Number(m[2]) - 1) * 7);
  return isoWeekOf(monday) === label ? monday : null;
}

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

const arr = (xs: readonly string[]) => `{${xs.map((x) => `"${x}"`).join(',')}}`;
const num = (v: unknown) => Number(v ?? 0);

function siteFilter(scope: DashboardScope, column: SQL) {
  return sql`${column} = any(${arr(scope.sites.map((s) => s.id))}::uuid[])`;
}

const FIGURE_SUMS = sql.raw(`sum(total) as total, sum(men) as men, sum(women) as women, sum(boys) as boys, sum(girls) as girls,
  coalesce(sum(deported), 0) as deported, coalesce(sum(spontaneous), 0) as spontaneous, coalesce(sum(other_reason), 0) as other_reason`);

const SERIES_SUMS = sql.raw(`sum(total) as total, coalesce(sum(deported), 0) as deported, coalesce(sum(spontaneous), 0) as spontaneous, coalesce(sum(other_reason), 0) as other_reason`);

type FigureRow = { total: unknown; men: unknown; women: unknown; boys: unknown; girls: unknown; deported: unknown; spontaneous: unknown; other_reason: unknown };

/**
 * Counted flow grouped by (bucket of `granularity` | nothing) × site × direction, over [from, to]:
 * whole weeks/months from the rollup, edge days from flow_counts.
 */
async function countedBy(tx: Tx, scope: DashboardScope, from: string, to: string, granularity: Granularity | null) {
  if (!scope.sites.length) return [] as (FigureRow & { bucket: string | null; site_id: string; direction: Direction })[];
  const pub = scope.mode === 'published';
  const dirs = arr(scope.directions);
  const grain: 'w' | 'm' = granularity === 'week' ? 'w' : 'm';
  const parts: SQL[] = [];
  const bucketOfDate = granularity === 'day' ? sql.raw('date') : granularity === 'week' ? sql.raw(`date_trunc('week', date)::date`) : granularity === 'month' ? sql.raw(`date_trunc('month', date)::date`) : sql.raw('null::date');
  const fromBase = (a: string, b: string) =>
    sql`select ${bucketOfDate} as bucket, site_id, direction, total, men, women, boys, girls, deported, spontaneous, other_reason
          from flow_counts
         where operation_id = ${scope.operationId} and current and date >= ${a}::date and date <= ${b}::date
           and ${siteFilter(scope, sql.raw('site_id'))} and direction = any(${dirs}::text[])${pub ? sql` and status = 'published'` : sql``}`;
  if (granularity === 'day') parts.push(fromBase(from, to));
  else {
    const w = wholeBuckets(from, to, grain);
    if (w.first)
      parts.push(sql`select ${granularity ? sql.raw('bucket') : sql.raw('null::date')} as bucket, site_id, direction, total, men, women, boys, girls, deported, spontaneous, other_reason
                       from flow_dash_counts
                      where operation_id = ${scope.operationId} and grain = ${grain} and pub = ${pub} and bucket >= ${w.first}::date and bucket <= ${w.last}::date
                        and ${siteFilter(scope, sql.raw('site_id'))} and direction = any(${dirs}::text[])`);
    for (const [a, b] of w.edges) parts.push(fromBase(a, b));
  }
  const union = sql.join(parts, sql` union all `);
  return rows<FigureRow & { bucket: string | null; site_id: string; direction: Direction }>(
    tx,
    // A series needs the totals and the inflow reasons only: fewer columns to carry back.
    sql`select bucket::text as bucket, site_id::text as site_id, direction, ${granularity ? SERIES_SUMS : FIGURE_SUMS} from (${union}) u group by bucket, site_id, direction order by bucket, site_id, direction`,
  );
}

const emptyFigures = (): Figures => ({ total: 0, men: 0, women: 0, boys: 0, girls: 0, deported: 0, spontaneous: 0, otherReason: 0 });
function addFigures(f: Figures, r: FigureRow) {
  f.total += num(r.total);
  f.men += num(r.men);
  f.women += num(r.women);
  f.boys += num(r.boys);
  f.girls += num(r.girls);
  f.deported += num(r.deported);
  f.spontaneous += num(r.spontaneous);
  f.otherReason += num(r.other_reason);
}

/** Inflow and outflow figures over [from, to] (headline, pyramid, deported/spontaneous/other). */
export async function dashboardTotals(tx: Tx, scope: DashboardScope, from: string, to: string) {
  const out = { in: emptyFigures(), out: emptyFigures() };
  for (const r of await countedBy(tx, scope, from, to, null)) addFigures(out[r.direction], r);
  return out;
}

/** Flow per bucket × site × direction. */
export async function dashboardSeries(tx: Tx, scope: DashboardScope, from: string, to: string, granularity: Granularity): Promise<DashboardView['series']> {
  return (await countedBy(tx, scope, from, to, granularity)).map((r) => ({
    bucket: r.bucket!,
    siteId: r.site_id,
    direction: r.direction,
    total: num(r.total),
    deported: num(r.deported),
    spontaneous: num(r.spontaneous),
    otherReason: num(r.other_reason),
  }));
}

/** Survey answers for one dimension over the weeks starting in [from, to]: raw and weighted to the counted flow. */
type SurveyItems = { key: string; surveys: number; people: number; weighted: number }[];

/** Survey answers for several dimensions at once (one read of the rollup): raw and weighted to the counted flow. */
export async function dashboardSurveyDims(tx: Tx, scope: DashboardScope, from: string, to: string, dims: readonly (SurveyDim | 'all')[]): Promise<Record<string, SurveyItems>> {
  const out: Record<string, SurveyItems> = Object.fromEntries(dims.map((d) => [d, []]));
  const b = surveyBuckets(from, to);
  if (!scope.sites.length || !b.first || !dims.length) return out;
  const pub = scope.mode === 'published';
  const siteKeys = arr(scope.sites.map((s) => s.id));
  const blockKeys = scope.allSites ? arr(['*']) : siteKeys;
  const levels: SQL[] = [];
  if (b.weeks.length) levels.push(sql`(lvl = 0 and bucket = any(${arr(b.weeks)}::date[]) and site_key = any(${siteKeys}::text[]))`);
  if (b.blocks4.length) levels.push(sql`(lvl = 1 and bucket = any(${arr(b.blocks4)}::date[]) and site_key = any(${blockKeys}::text[]))`);
  if (b.blocks52.length) levels.push(sql`(lvl = 2 and bucket = any(${arr(b.blocks52)}::date[]) and site_key = any(${blockKeys}::text[]))`);
  const cols = pub ? sql.raw('sum(surveys_pub) as surveys, sum(people_pub) as people, sum(est_pub) as weighted') : sql.raw('sum(surveys) as surveys, sum(people) as people, sum(est) as weighted');
  const list = await rows<{ dim: string; key: string; surveys: unknown; people: unknown; weighted: unknown }>(
    tx,
    sql`select dim, key, ${cols} from flow_dash_surveys
         where operation_id = ${scope.operationId} and dim = any(${arr(dims)}::text[]) and direction = any(${arr(scope.directions)}::text[])
           and (${sql.join(levels, sql` or `)})
         group by dim, key`,
  );
  for (const r of list) {
    const item = { key: r.key, surveys: num(r.surveys), people: num(r.people), weighted: Math.round(num(r.weighted)) };
    if (item.surveys > 0) out[r.dim].push(item);
  }
  for (const d of dims) out[d].sort((a, b) => b.weighted - a.weighted || b.people - a.people || a.key.localeCompare(b.key));
  return out;
}

/** Survey answers for one dimension. */
export async function dashboardSurveyDim(tx: Tx, scope: DashboardScope, from: string, to: string, dim: SurveyDim | 'all'): Promise<SurveyItems> {
  return (await dashboardSurveyDims(tx, scope, from, to, [dim]))[dim];
}

/** Counted flow in the weeks starting in [from, to] (whole weeks from the weekly rollup). */
async function countedInWeeks(tx: Tx, scope: DashboardScope, from: string, to: string): Promise<number> {
  const b = surveyBuckets(from, to);
  if (!scope.sites.length || !b.first) return 0;
  const [r] = await rows<{ total: unknown }>(
    tx,
    sql`select coalesce(sum(total), 0) as total from flow_dash_counts
         where operation_id = ${scope.operationId} and grain = 'w' and pub = ${scope.mode === 'published'} and bucket >= ${b.first}::date and bucket <= ${b.last}::date
           and ${siteFilter(scope, sql.raw('site_id'))} and direction = any(${arr(scope.directions)}::text[])`,
  );
  return num(r.total);
}

async function inflowBetween(tx: Tx, scope: DashboardScope, from: string, to: string): Promise<number> {
  if (!scope.sites.length) return 0;
  const [r] = await rows<{ total: unknown }>(
    tx,
    sql`select coalesce(sum(total), 0) as total from flow_counts
         where operation_id = ${scope.operationId} and current and date >= ${from}::date and date <= ${to}::date and direction = 'in'
           and ${siteFilter(scope, sql.raw('site_id'))}${scope.mode === 'published' ? sql` and status = 'published'` : sql``}`,
  );
  return num(r.total);
}

/** IDPs per district in the latest published baseline round the caller may read (mobility module's DTM service). */
export async function dashboardBaseline(tx: Tx, auth: AuthContext, operationId: string): Promise<DashboardView['baseline']> {
  const list = await dtmDisplacement(tx, auth, 2, { Admin0Pcode: operationId });
  if (!list.length) return null;
  const latest = list.reduce((a, r) => (r.roundNumber > a.roundNumber ? r : a), list[0]);
  const per = new Map<string, number>();
  for (const r of list) if (r.roundNumber === latest.roundNumber && r.admin2Pcode) per.set(r.admin2Pcode, (per.get(r.admin2Pcode) ?? 0) + r.numPresentIdpInd);
  return {
    roundNumber: latest.roundNumber,
    referenceDate: latest.reportingDate.slice(0, 10),
    districts: [...per.entries()].map(([pcode, idps]) => ({ pcode, idps })).sort((a, b) => b.idps - a.idps),
  };
}

export async function dashboard(tx: Tx, auth: AuthContext, q: DashboardQuery): Promise<DashboardView> {
  if (q.from > q.to) throw invalid([{ path: 'querystring.to', message: 'The period ends before it starts.' }]);
  if (q.granularity === 'day' && (ms(q.to) - ms(q.from)) / DAY + 1 > MAX_DAY_SERIES)
    throw invalid([{ path: 'querystring.granularity', message: `A daily series covers at most ${MAX_DAY_SERIES} days; choose week or month.` }]);
  const scope = await dashboardScope(tx, auth, q);
  const totals = await dashboardTotals(tx, scope, q.from, q.to);
  const series = await dashboardSeries(tx, scope, q.from, q.to, q.granularity);
  const lastWeekInflow = await inflowBetween(tx, scope, addDays(q.to, -6), q.to);
  const previousWeekInflow = await inflowBetween(tx, scope, addDays(q.to, -13), addDays(q.to, -7));
  const { all, ...dims } = await dashboardSurveyDims(tx, scope, q.from, q.to, ['all', ...SURVEY_DIMS]);
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
      inflow: totals.in.total,
      outflow: totals.out.total,
      surveys: surveysTotal,
      lastWeekInflow,
      previousWeekInflow,
      weekOnWeekPct: previousWeekInflow > 0 ? Math.round(((lastWeekInflow - previousWeekInflow) / previousWeekInflow) * 1000) / 10 : null,
    },
    inflow: totals.in,
    outflow: totals.out,
    series,
    surveys: {
      weeks: { from: b.first, to: b.last ? addDays(b.last, 6) : null },
      surveys: surveysTotal,
      people: all.reduce((a, r) => a + r.people, 0),
      weightedTotal: all.reduce((a, r) => a + r.weighted, 0),
      countedInWeeks: await countedInWeeks(tx, scope, q.from, q.to),
      dims,
    },
    baseline: await dashboardBaseline(tx, auth, scope.operationId),
  };
}
