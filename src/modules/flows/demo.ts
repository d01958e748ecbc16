/**
 * Synthetic, calibrated DTM flow monitoring data for the demo (never real personal data).
 * Daily counts at every AFG border crossing from 10 Jan 2024 to 31 Mar 2025, both directions,
 * whose national totals match published DTM figures exactly over the calibration windows
 * (Q2 2024: 858,170 in / 532,854 out; hence H1 2024: 1,429,710 / 942,174; 1–7 Sep 2024:
 * 71,524 / 50,639; 9–15 Mar 2025: 71,823 / 41,631), with policy shocks: the IFRP second phase
 * (April 2024), the run-up to the 31 March 2025 deadline, and Torkham closed from 21 Feb 2025
 * (zero there afterwards, its flow moving to Spin Boldak and Bahramcha).
 * Surveys: exactly 81,292 in Q2 2024 (the published figure); other periods at a lower rate
 * (`otherSurveyRate`) to keep the seed fast, stated here and in the seed's result.
 * Everything comes from a fixed-seed PRNG, so two runs give the same figures.
 */
import { and, eq, getTableColumns, gte, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { flowMonitoringSites, type SiteFacts } from './places-lookup';
import { flowCounts, flowSurveys } from './schema';

export const DEMO_RANGE = { from: '2024-01-10', to: '2025-03-31' } as const;

/** National totals (inflow, outflow) that the demo reproduces exactly. */
export const CALIBRATION: { from: string; to: string; inflow: number; outflow: number }[] = [
  { from: '2024-01-10', to: '2024-03-31', inflow: 1_429_710 - 858_170, outflow: 942_174 - 532_854 },
  { from: '2024-04-01', to: '2024-06-30', inflow: 858_170, outflow: 532_854 },
  { from: '2024-09-01', to: '2024-09-07', inflow: 71_524, outflow: 50_639 },
  { from: '2025-03-09', to: '2025-03-15', inflow: 71_823, outflow: 41_631 },
];
export const Q2_2024 = { from: '2024-04-01', to: '2024-06-30', surveys: 81_292 } as const;
export const TORKHAM_CLOSED_FROM = '2025-02-21';

export interface FlowsDemoOptions {
  /** Only days in [from, to] are written (the figures are those of the full series). */
  from?: string;
  to?: string;
  /** Multiplies every survey figure (1 = 81,292 in Q2 2024); 0 writes no surveys. */
  surveyScale?: number;
  /** Surveys outside Q2 2024, as a share of Q2 2024's surveys-per-movement rate. */
  otherSurveyRate?: number;
  /** Counts older than 7 days before this date are published (default: today). */
  today?: string;
}

export interface FlowsDemoResult {
  counts: number;
  surveys: number;
  countMs: number;
  surveyMs: number;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and exact splitting

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `total` into integers proportional to `weights` that add up exactly (largest remainder). */
export function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

const DAY = 86_400_000;
const toMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = toMs(from); t <= toMs(to); t += DAY) out.push(toDate(t));
  return out;
}

/** Daily national level (before calibration): piecewise linear through dated anchors. */
const ANCHORS: [string, number, number][] = [
  ['2024-01-10', 7600, 5200],
  ['2024-02-15', 6500, 4800],
  ['2024-03-31', 7000, 5000],
  ['2024-04-12', 10400, 6000], // IFRP second phase announced
  ['2024-06-30', 9000, 5700],
  ['2024-09-04', 10200, 7200],
  ['2024-11-15', 7400, 5500],
  ['2025-01-15', 6000, 4300],
  ['2025-02-20', 7000, 4800],
  ['2025-03-12', 10300, 5950],
  ['2025-03-31', 14500, 5000], // run-up to the 31 March 2025 deadline for ACC holders
];
function level(date: string): [number, number] {
  const t = toMs(date);
  for (let i = 1; i < ANCHORS.length; i++) {
    const [d1, i1, o1] = ANCHORS[i];
    const [d0, i0, o0] = ANCHORS[i - 1];
    if (t <= toMs(d1)) {
      const f = (t - toMs(d0)) / (toMs(d1) - toMs(d0));
      return [i0 + (i1 - i0) * f, o0 + (o1 - o0) * f];
    }
  }
  return [ANCHORS[ANCHORS.length - 1][1], ANCHORS[ANCHORS.length - 1][2]];
}

/** Site weights within each border; Torkham carries ~59 % of Pakistan-border movements until it closes. */
const PAK_WEIGHTS: Record<string, [number, number]> = {
  'BCP-TORKHAM': [59, 0],
  'BCP-SPIN-BOLDAK': [27, 62],
  'BCP-BAHRAMCHA': [4, 24],
  'BCP-GHULAM-KHAN': [3.5, 5],
  'BCP-ANGOR-ADDA': [2.5, 4],
  'BCP-PATHAN': [2, 3],
  'BCP-DAK': [1, 1],
  'BCP-NAZAR-POSTA': [1, 1],
};
const IRN_WEIGHTS: Record<string, number> = { 'BCP-ISLAM-QALA': 62, 'BCP-MILAK': 32, 'BCP-ABU-NASR-FARAHI': 6 };

export interface DemoCell {
  date: string;
  siteCode: string;
  neighbour: string;
  direction: 'in' | 'out';
  total: number;
}

/** The whole national series split over the sites (exact sums), for the given site codes. */
export function demoSeries(siteCodes: Set<string>): DemoCell[] {
  const rng = mulberry32(20240110);
  const all = days(DEMO_RANGE.from, DEMO_RANGE.to);
  // 1. National daily totals with a weekly rhythm (Fridays quieter) and noise.
  const raw = all.map((d) => {
    const [i, o] = level(d);
    const friday = new Date(`${d}T00:00:00Z`).getUTCDay() === 5 ? 0.8 : 1;
    return [i * friday * (0.9 + 0.2 * rng()), o * friday * (0.9 + 0.2 * rng())];
  });
  const national = raw.map(([i, o]) => [Math.round(i), Math.round(o)]);
  // 2. Calibration windows: scale so that the window sums are exactly the published figures.
  for (const w of CALIBRATION) {
    const idx = all.map((d, k) => (d >= w.from && d <= w.to ? k : -1)).filter((k) => k >= 0);
    const ins = split(w.inflow, idx.map((k) => raw[k][0]));
    const outs = split(w.outflow, idx.map((k) => raw[k][1]));
    idx.forEach((k, j) => (national[k] = [ins[j], outs[j]]));
  }
  // 3. Split each day over the borders and then the sites.
  const cells: DemoCell[] = [];
  all.forEach((d, k) => {
    const closed = d >= TORKHAM_CLOSED_FROM;
    const surge = d >= '2025-03-16' ? 0.15 : d >= '2024-04-01' && d <= '2024-05-15' ? 0.05 : 0;
    for (const [dir, total, pakShare] of [['in', national[k][0], 0.42 + surge], ['out', national[k][1], 0.45]] as const) {
      const pakCodes = Object.keys(PAK_WEIGHTS).filter((c) => siteCodes.has(c));
      const irnCodes = Object.keys(IRN_WEIGHTS).filter((c) => siteCodes.has(c));
      const codes = [...pakCodes, ...irnCodes];
      const weights = [
        ...pakCodes.map((c) => (pakShare * PAK_WEIGHTS[c][closed ? 1 : 0] * (0.92 + 0.16 * rng())) / 100),
        ...irnCodes.map((c) => ((1 - pakShare) * IRN_WEIGHTS[c] * (0.92 + 0.16 * rng())) / 100),
      ];
      const parts = split(total, weights);
      codes.forEach((c, j) => cells.push({ date: d, siteCode: c, neighbour: c in IRN_WEIGHTS ? 'IRN' : 'PAK', direction: dir, total: parts[j] }));
    }
  });
  return cells;
}

/** A UUIDv7 whose timestamp is the counted day and whose other bits come from the PRNG. */
function demoUuid(ms: number, rng: () => number): string {
  const hex = (n: number, len: number) => Math.floor(n).toString(16).padStart(len, '0').slice(-len);
  const r = () => hex(rng() * 0x10000, 4);
  const ts = hex(ms, 12);
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${r().slice(1)}-${(8 + Math.floor(rng() * 4)).toString(16)}${r().slice(1)}-${r()}${r()}${r()}`;
}

// ---------------------------------------------------------------------------------------------
// Seeding

/** Writes the demo counts and surveys for the AFG crossing points. Idempotent per day and site (existing days are skipped). */
export async function seedFlowsDemo(tx: Tx, opts: FlowsDemoOptions = {}): Promise<FlowsDemoResult> {
  const from = opts.from ?? DEMO_RANGE.from;
  const to = opts.to ?? DEMO_RANGE.to;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const publishedBefore = toDate(toMs(today) - 7 * DAY);
  const sites = await flowMonitoringSites(tx, 'AFG');
  const byCode = new Map(sites.map((s) => [s.code, s]));
  const cells = demoSeries(new Set(byCode.keys())).filter((c) => c.date >= from && c.date <= to);
  const t0 = Date.now();

  const [{ n: already }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(flowCounts)
    .where(and(eq(flowCounts.operationId, 'AFG'), gte(flowCounts.date, from), lte(flowCounts.date, to)));
  if (Number(already) > 0) return { counts: 0, surveys: 0, countMs: 0, surveyMs: 0 };
  // A bulk load: the dashboard rollup triggers stay off while the series is written (they would
  // rework each touched site-week once per statement), and one rebuild at the end recomputes the
  // rollups from the source tables. ALTER TABLE is transactional: the triggers are back on at
  // commit, and a failed seed leaves them as they were.
  await tx.execute(sql`alter table flow_counts disable trigger user`);
  await tx.execute(sql`alter table flow_surveys disable trigger user`);

  const rng = mulberry32(777);
  const rows: (typeof flowCounts.$inferInsert)[] = cells.map((c) => {
    const T = c.total;
    const fromIran = c.neighbour === 'IRN';
    const [men, women, boys, girls] = split(T, [0.4 + 0.06 * rng(), 0.21 + 0.04 * rng(), 0.2 + 0.04 * rng(), 0.18 + 0.04 * rng()]);
    const otherNationality = Math.min(T, Math.round(T * 0.004 * rng()));
    const deportedShare = fromIran ? 0.5 + 0.15 * rng() : c.date >= '2025-03-16' || (c.date >= '2024-04-01' && c.date <= '2024-05-15') ? 0.3 + 0.1 * rng() : 0.12 + 0.08 * rng();
    const reasons = c.direction === 'in' ? split(T, [deportedShare, 1 - deportedShare - 0.02, 0.02]) : null;
    const transport = split(T, fromIran ? [0.05, 0.15, 0.65, 0.1, 0.05] : [0.15, 0.2, 0.35, 0.28, 0.02]);
    const ms = toMs(c.date);
    const status = c.date < publishedBefore ? 'published' : 'submitted';
    const stampAt = new Date(ms + DAY);
    return {
      id: demoUuid(ms, rng),
      version: 1,
      current: true,
      operationId: 'AFG',
      siteId: byCode.get(c.siteCode)!.id,
      date: c.date,
      direction: c.direction,
      neighbourCountry: c.neighbour,
      total: T,
      men,
      women,
      boys,
      girls,
      afghan: T - otherNationality,
      otherNationality,
      deported: reasons ? reasons[0] : null,
      spontaneous: reasons ? reasons[1] : null,
      otherReason: reasons ? reasons[2] : null,
      transportFoot: transport[0],
      transportCar: transport[1],
      transportBus: transport[2],
      transportTruck: transport[3],
      transportOther: transport[4],
      status,
      bodyHash: 'demo',
      createdAt: new Date(ms + 18 * 3_600_000),
      submittedAt: stampAt,
      verifiedAt: status === 'published' ? stampAt : null,
      publishedAt: status === 'published' ? stampAt : null,
    };
  });
  // One parameter of JSON per 2,000 rows (json_populate_recordset): far fewer bind parameters
  // to plan than a multi-row VALUES, on both drivers.
  const columns = getTableColumns(flowCounts);
  const asRecord = (r: (typeof rows)[number]) =>
    Object.fromEntries(Object.entries(columns).map(([key, col]) => [col.name, (r as Record<string, unknown>)[key] ?? null]));
  for (let i = 0; i < rows.length; i += 2000) {
    const json = JSON.stringify(rows.slice(i, i + 2000).map(asRecord));
    await tx.execute(sql`insert into flow_counts select * from json_populate_recordset(null::flow_counts, ${json}::json)`);
  }
  const countMs = Date.now() - t0;

  const t1 = Date.now();
  const surveys = await seedSurveys(tx, cells, byCode, opts);
  await tx.execute(sql`alter table flow_counts enable trigger user`);
  await tx.execute(sql`alter table flow_surveys enable trigger user`);
  await tx.execute(sql`select flow_dash_rebuild()`);
  return { counts: rows.length, surveys, countMs, surveyMs: Date.now() - t1 };
}

/** Survey records per site, day and direction: exact in Q2 2024, at `otherSurveyRate` of that rate elsewhere. */
export function surveyPlan(cells: DemoCell[], fullQ2Weight: number, scale = 1, otherRate = 0.1): number[] {
  const inQ2 = (c: DemoCell) => c.date >= Q2_2024.from && c.date <= Q2_2024.to;
  // Surveys sample inflow mostly: inflow cells weigh 6, outflow cells 1.
  const w = (c: DemoCell) => c.total * (c.direction === 'in' ? 6 : 1);
  const q2 = cells.map((c, i) => [c, i] as const).filter(([c]) => inQ2(c));
  const plan = cells.map(() => 0);
  if (scale <= 0) return plan;
  // The rate is that of the full Q2 series, so slices of the series keep their share.
  const fullQ2 = fullQ2Weight;
  const q2Target = Math.round((Q2_2024.surveys * scale * q2.reduce((a, [c]) => a + w(c), 0)) / fullQ2);
  split(q2Target, q2.map(([c]) => w(c))).forEach((n, j) => (plan[q2[j][1]] = n));
  const rate = (Q2_2024.surveys * scale * otherRate) / fullQ2;
  cells.forEach((c, i) => {
    if (!inQ2(c)) plan[i] = Math.round(w(c) * rate);
  });
  return plan;
}

const AGE_BANDS_SQL = `array['18-24','25-34','35-49','50-59','60+']`;
const PAK_ORIGINS = `array['PK528','PK513','PK226','PK235','PK702','PK729','PK401','PK630','PK617','PK523','PK506','PK526']`;

async function seedSurveys(tx: Tx, cells: DemoCell[], byCode: Map<string, SiteFacts>, opts: FlowsDemoOptions): Promise<number> {
  const scale = opts.surveyScale ?? 1;
  if (scale <= 0) return 0;
  // Q2 rate from the full series, whatever slice is written.
  const full = demoSeries(new Set(byCode.keys()));
  const fullQ2Weight = full.filter((c) => c.date >= Q2_2024.from && c.date <= Q2_2024.to).reduce((a, c) => a + c.total * (c.direction === 'in' ? 6 : 1), 0);
  const plan = surveyPlan(cells, fullQ2Weight, scale, opts.otherSurveyRate ?? 0.1);
  const todo = cells.map((c, i) => ({ c, n: plan[i] })).filter((x) => x.n > 0);
  let written = 0;
  // The planner guesses 1,000 rows per generate_series and would JIT-compile each statement for
  // seconds; the generated rows are cheap to compute, so JIT only costs (for this transaction).
  await tx.execute(sql`set local jit = off`);
  // One INSERT … SELECT per ~20,000 rows: the rows are generated inside the database.
  for (let i = 0; i < todo.length; ) {
    const part: typeof todo = [];
    let rowsInPart = 0;
    while (i < todo.length && rowsInPart < 20_000) {
      part.push(todo[i]);
      rowsInPart += todo[i].n;
      i++;
    }
    const arr = (xs: (string | number)[]) => `{${xs.join(',')}}`;
    const siteIds = arr(part.map((x) => byCode.get(x.c.siteCode)!.id));
    const dates = arr(part.map((x) => x.c.date));
    const dirs = arr(part.map((x) => x.c.direction));
    const origins = arr(part.map((x) => x.c.neighbour));
    const ns = arr(part.map((x) => x.n));
    await tx.execute(sql`
      insert into flow_surveys (id, operation_id, site_id, date, direction, respondent_sex, respondent_age_band, group_size, men, women, boys, girls,
        origin_country, origin_pcode, documents, reasons, intended_stay, destination_adm1, destination_adm2, vulnerabilities, needs, consent, body_hash, created_at)
      select
        (lpad(to_hex((extract(epoch from c.date)::bigint * 1000 + g)), 12, '0') || '7' || substr(m, 1, 3) || '8' || substr(m, 4, 15))::uuid,
        'AFG', c.site_id, c.date, c.direction,
        case when x % 10 < 8 then 'm' else 'f' end,
        (${sql.raw(AGE_BANDS_SQL)})[1 + (x / 7) % 5],
        sz, men, women, boys, sz - men - women - boys,
        c.origin,
        case when c.origin = 'PAK' and x % 3 > 0 then (${sql.raw(PAK_ORIGINS)})[1 + (x / 13) % 12] end,
        case when c.origin = 'PAK' then
          case x % 10 when 0 then array['por'] when 1 then array['por'] when 2 then array['por','tazkira'] when 3 then array['acc']
                      when 4 then array['acc'] when 5 then array['tazkira'] when 6 then array['passport','visa'] else array['none'] end
        else
          case x % 10 when 0 then array['amayesh'] when 1 then array['amayesh'] when 2 then array['hoshmand'] when 3 then array['passport','visa']
                      when 4 then array['tazkira'] else array['none'] end
        end,
        case when c.direction = 'in' then
          case (x / 3) % 8 when 0 then array['deportation'] when 1 then array['deportation','fear_of_arrest'] when 2 then array['fear_of_arrest','return']
                            when 3 then array['return'] when 4 then array['economic','return'] when 5 then array['debt','economic'] when 6 then array['family_visit'] else array['deportation'] end
        else
          case (x / 3) % 5 when 0 then array['economic'] when 1 then array['family_visit'] when 2 then array['medical'] when 3 then array['education'] else array['economic','debt'] end
        end,
        case when (c.direction = 'in') = ((x / 5) % 100 < 85) then 'ge1y' else 'lt1y' end,
        'AF' || lpad((1 + (x / 17) % 34)::text, 2, '0'),
        'AF' || lpad((1 + (x / 17) % 34)::text, 2, '0') || '01',
        case (x / 19) % 20 when 0 then array['female_headed'] when 1 then array['disability'] when 2 then array['unaccompanied_minor']
                           when 3 then array['older_person_alone'] when 4 then array['disability','female_headed'] else array[]::text[] end,
        case (x / 23) % 6 when 0 then array['food','shelter'] when 1 then array['cash','transport'] when 2 then array['food','health']
                          when 3 then array['cash','employment'] when 4 then array['documentation','shelter'] else array['food','nfi','water'] end,
        true, 'demo', c.date + interval '17 hours'
      from unnest(${siteIds}::uuid[], ${dates}::date[], ${dirs}::text[], ${origins}::text[], ${ns}::int[]) as c(site_id, date, direction, origin, n)
      cross join lateral generate_series(1, c.n) as g
      cross join lateral (select md5(c.site_id::text || c.date::text || c.direction || g::text) as m) h
      cross join lateral (select ('x' || substr(h.m, 20, 8))::bit(32)::int & 2147483647 as x) r
      cross join lateral (select 1 + (r.x / 29) % 8 as sz) s
      cross join lateral (select greatest(1, ceil(s.sz * 0.35))::int as men, floor(s.sz * 0.25)::int as women) a
      cross join lateral (select ((s.sz - a.men - a.women) / 2)::int as boys) b`);
    written += rowsInPart;
  }
  return written;
}
