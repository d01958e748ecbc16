/**
 * Flow monitoring benchmark (issue 3, part 10):
 *   npm run bench:flows -- [--years 10] [--surveys 2000000] [--runs 200] [--import 100000] [--export 1000000] [--backend pglite|postgres] [--dir D] [--db NAME] [--parts dashboard,import,export] [--no-vacuum] [--keep]
 *
 * --dir D (PGlite) and --db NAME (PostgreSQL, created when missing) keep the database and reuse
 * it: the load is skipped when it already holds the bench's counts and surveys (run with
 * `--parts export` or `--parts dashboard` then, as an import adds surveys). --help prints this.
 *
 * Creates a fresh PGlite database (and, when BENCH_DATABASE_URL points at a PostgreSQL server, a
 * fresh database there too, dropped afterwards), loads daily counts for every AFG border crossing
 * over `years` years in both directions plus `surveys` surveys with generate_series, builds the
 * dashboard rollups, then runs every dashboard query `runs` times with varied filters (period
 * from a week to ten years, all / one / several BCPs, direction, neighbour country, full and
 * published-only access, an enumerator's two provinces) and prints p50/p95 per query (wall time,
 * this process's CPU time, and on a PostgreSQL server on this machine also the backend's CPU
 * time: wall times on a shared machine include waiting for a core). Then it
 * times importing `import` survey rows from a CSV through the import service and exporting
 * `export` rows through the export writer, with rows/s and peak RSS.
 * Targets: dashboard query p95 ≤ 100 ms; import ≥ 20,000 rows/s; export ≥ 100,000 rows/s with flat memory.
 * The last line is `BENCH {json}`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, rows, type Database, type Tx } from '../src/db/client';
import { prepareDatabase } from '../src/server/bootstrap';
import type { AuthContext } from '../src/server/context';
import { ALL_PERMISSIONS, type GrantScope } from '../src/server/permissions';
import { addDays, dashboard, dashboardScope, dashboardSeries, dashboardSurveyDim, dashboardSurveyDims, dashboardTotals } from '../src/modules/flows/dashboard';
import { SURVEY_DIMS, type DashboardQuery, type Granularity } from '../src/modules/flows/dashboard-contract';
import { benchImport, type SideResult } from './flows-io';
import { benchExport } from './flows-export';
import { localServer, processCpuNs } from './server-cpu';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0].replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, '') + '\n');
  process.exit(0);
}
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const YEARS = Number(arg('--years') ?? 10);
const SURVEYS = Number(arg('--surveys') ?? 2_000_000);
const RUNS = Number(arg('--runs') ?? 200);
const IMPORT_ROWS = Number(arg('--import') ?? 100_000);
const EXPORT_ROWS = Number(arg('--export') ?? 1_000_000);
// --parts dashboard,import,export runs only those parts (all by default); the data is loaded either way.
const PARTS = new Set((arg('--parts') ?? 'dashboard,import,export').split(',').map((s) => s.trim()));
const NO_VACUUM = argv.includes('--no-vacuum');
// --keep leaves the PostgreSQL database in place afterwards (its name is printed), to look into it.
const KEEP = argv.includes('--keep');
const TARGET = { dashboardP95Ms: 100, importRowsPerS: 20_000, exportRowsPerS: 100_000 };
const TO = '2025-12-31';
const FROM = addDays(TO, -Math.round(YEARS * 365.25) + 1);

const log = (s: string) => process.stdout.write(s + '\n');
const mb = (b: number) => Math.round(b / 1048576);
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
sampler.unref();

// A deterministic PRNG for the query mix.
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

function auth(name: string, grants: Omit<GrantScope, 'roleId' | 'organisationId'>[]): AuthContext {
  return {
    user: { id: '00000000-0000-7000-8000-000000000001', username: name, displayName: name, organisationId: null, language: 'en', isDemo: false },
    grants: grants.map((g) => ({ roleId: name, organisationId: null, ...g })),
    via: 'session',
  };
}
const ADMIN = auth('admin', [{ operationId: 'AFG', areaPcode: null, permissions: new Set(ALL_PERMISSIONS) }]);
const ENUMERATOR = auth('enumerator', ['AF06', 'AF27'].map((a) => ({ operationId: 'AFG', areaPcode: a, permissions: new Set(['flows.read', 'reports.published.read']) })));
const VIEWER = auth('viewer', [{ operationId: 'AFG', areaPcode: null, permissions: new Set(['reports.published.read']) }]);

async function load(database: Database): Promise<{ counts: number; surveys: number; msCounts: number; msSurveys: number; msRollup: number }> {
  const db = database.db;
  const sites = await rows<{ id: string; neighbour: string }>(db, sql`select id::text, neighbour_country as neighbour from sites where operation_id = 'AFG' and flow_monitoring order by code`);
  const districts = await rows<{ pcode: string }>(db, sql`select pcode from admin_areas where operation_id = 'AFG' and level = 2 order by pcode`);
  const siteIds = `{${sites.map((s) => s.id).join(',')}}`;
  const neighbours = `{${sites.map((s) => s.neighbour ?? 'PAK').join(',')}}`;
  const adm2 = `{${districts.map((d) => d.pcode).join(',')}}`;
  log(`loading ${YEARS} years (${FROM} – ${TO}) of daily counts at ${sites.length} crossings, both directions, and ${SURVEYS.toLocaleString('en')} surveys on ${database.kind}`);
  let counts = 0;
  let msCounts = 0;
  let msSurveys = 0;
  let msRollup = 0;
  await db.transaction(async (tx) => {
    // Bulk load with the rollup triggers off, then one rebuild (what a restore or big import would do).
    await tx.execute(sql`alter table flow_counts disable trigger user`);
    await tx.execute(sql`alter table flow_surveys disable trigger user`);
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`select setseed(0.42)`);
    let t = performance.now();
    await tx.execute(sql`
      insert into flow_counts (id, version, current, operation_id, site_id, date, direction, neighbour_country, total, men, women, boys, girls, afghan, other_nationality,
                               deported, spontaneous, other_reason, status, body_hash)
      select gen_random_uuid(), 1, true, 'AFG', s.id, d::date, dir, s.nb, v.total,
             (v.total * 0.4)::int, (v.total * 0.2)::int, (v.total * 0.2)::int, v.total - (v.total * 0.4)::int - 2 * (v.total * 0.2)::int,
             v.total, 0,
             case when dir = 'in' then (v.total * 0.35)::int end, case when dir = 'in' then (v.total * 0.55)::int end,
             case when dir = 'in' then v.total - (v.total * 0.35)::int - (v.total * 0.55)::int end,
             case when d < ${TO}::date - 30 then 'published' else 'submitted' end, 'bench'
        from unnest(${siteIds}::uuid[], ${neighbours}::text[]) with ordinality as s(id, nb, i)
       cross join generate_series(${FROM}::date, ${TO}::date, interval '1 day') d
       cross join (values ('in'), ('out')) x(dir)
       cross join lateral (select greatest(0, (s.i * 40 * (case when dir = 'in' then 1.6 else 1 end) * (1.3 + sin(extract(doy from d) / 58.0)) * (0.7 + random() * 0.6)))::int as total) v`);
    msCounts = performance.now() - t;
    counts = Number((await rows<{ n: string }>(tx, sql`select count(*) as n from flow_counts`))[0].n);
    log(`  ${counts.toLocaleString('en')} counts in ${Math.round(msCounts)} ms`);
    t = performance.now();
    const step = 250_000;
    const days = Math.round((Date.parse(TO) - Date.parse(FROM)) / 86_400_000) + 1;
    for (let a = 1; a <= SURVEYS; a += step) {
      const b = Math.min(SURVEYS, a + step - 1);
      await tx.execute(sql`
        insert into flow_surveys (id, operation_id, site_id, date, direction, respondent_sex, respondent_age_band, group_size, men, women, boys, girls,
          origin_country, documents, reasons, intended_stay, destination_adm1, destination_adm2, vulnerabilities, needs, consent, body_hash)
        select gen_random_uuid(), 'AFG', (${siteIds}::uuid[])[si], ${FROM}::date + ((g::bigint * 7919) % ${days})::int,
               case when g % 7 = 0 then 'out' else 'in' end,
               case when g % 5 < 4 then 'm' else 'f' end, (array['18-24','25-34','35-49','50-59','60+'])[1 + g % 5],
               sz, sz - sz / 2, sz / 4, (sz / 2 - sz / 4) / 2, sz / 2 - sz / 4 - (sz / 2 - sz / 4) / 2,
               nb,
               case when nb = 'IRN' then (case g % 5 when 0 then array['amayesh'] when 1 then array['hoshmand'] when 2 then array['passport','visa'] when 3 then array['tazkira'] else array['none'] end)
                    else (case g % 5 when 0 then array['por'] when 1 then array['acc'] when 2 then array['por','tazkira'] when 3 then array['passport','visa'] else array['none'] end) end,
               case (g / 5) % 4 when 0 then array['deportation','fear_of_arrest'] when 1 then array['return'] when 2 then array['economic','debt'] else array['family_visit'] end,
               case when g % 9 = 0 then 'lt1y' else 'ge1y' end,
               left(dst, 4), dst,
               array[]::text[], array['food','shelter'], true, 'bench'
          from generate_series(${a}::int, ${b}::int) g
         cross join lateral (select 1 + (g * 31) % ${sites.length} as si, 1 + g % 8 as sz) p
         cross join lateral (select (${neighbours}::text[])[p.si] as nb,
                                    (${adm2}::text[])[1 + floor(${districts.length} * power(random(), 3))::int] as dst) q`);
      log(`  surveys ${b.toLocaleString('en')} (${Math.round(performance.now() - t)} ms)`);
    }
    msSurveys = performance.now() - t;
    await tx.execute(sql`alter table flow_counts enable trigger user`);
    await tx.execute(sql`alter table flow_surveys enable trigger user`);
    t = performance.now();
    await tx.execute(sql`select flow_dash_rebuild()`);
    msRollup = performance.now() - t;
    log(`  rollups rebuilt in ${Math.round(msRollup)} ms`);
  });
  // Statistics for the planner and the visibility map that lets the dashboard read its covering
  // indexes without visiting the tables: what autovacuum does on PostgreSQL soon after a bulk load.
  // PGlite has no autovacuum; --no-vacuum measures that state (statistics only).
  await db.execute(NO_VACUUM ? sql`analyze` : sql`vacuum analyze`);
  const [r] = await rows<{ c: string; s: string }>(db, sql`select (select count(*) from flow_dash_counts) as c, (select count(*) || ' rows holding ' || coalesce(sum(cardinality(keys)), 0) || ' answers' from flow_dash_answers) as s`);
  log(`  rollup rows: ${r.c} count rows; surveys: ${r.s}`);
  return { counts, surveys: SURVEYS, msCounts, msSurveys, msRollup };
}

/** A reused database (--dir, --db) that already holds the bench's data: its sizes, and no load. */
async function loadedBefore(database: Database): Promise<Awaited<ReturnType<typeof load>> | null> {
  const [r] = await rows<{ c: string; s: string }>(database.db, sql`select (select count(*) from flow_counts where body_hash = 'bench') as c, (select count(*) from flow_surveys where body_hash = 'bench') as s`);
  const counts = Number(r.c);
  const surveys = Number(r.s);
  if (!counts && !surveys) return null;
  if (surveys !== SURVEYS) throw new Error(`The database holds ${surveys} bench surveys, not --surveys ${SURVEYS}: use a fresh --dir / --db`);
  log(`reusing the loaded database: ${counts.toLocaleString('en')} counts and ${surveys.toLocaleString('en')} surveys (no load)`);
  return { counts, surveys, msCounts: 0, msSurveys: 0, msRollup: 0 };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0;
};

async function queries(database: Database) {
  const db = database.db;
  const sites = await rows<{ id: string; nb: string }>(db, sql`select id::text, neighbour_country as nb from sites where operation_id = 'AFG' and flow_monitoring order by code`);
  const rnd = mulberry32(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const lengths = [7, 14, 31, 91, 182, 365, 730, 1826, 3653];
  const times: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const serverCpu: Record<string, number[]> = {};
  // On a PostgreSQL server on this machine, the CPU time of the connection's backend process
  // (/proc/<pid>/schedstat, nanoseconds on a CPU): the query's own work however busy the machine is.
  const local = localServer(database);
  const backendNs = processCpuNs;
  const time = async (name: string, f: (tx: Tx) => Promise<unknown>) => {
    const t = performance.now();
    const c0 = process.cpuUsage();
    let s = NaN;
    await db.transaction(async (tx) => {
      // (one short extra round trip on PostgreSQL: counted in the wall time, so slightly pessimistic)
      const pid = local ? Number((await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`))[0].pid) : 0;
      const s0 = local ? backendNs(pid) : NaN;
      await f(tx);
      s = local ? backendNs(pid) - s0 : NaN;
    });
    const c = process.cpuUsage(c0);
    (times[name] ??= []).push(performance.now() - t);
    (cpu[name] ??= []).push((c.user + c.system) / 1000);
    if (Number.isFinite(s)) (serverCpu[name] ??= []).push(s / 1e6);
  };
  const totalDays = Math.round((Date.parse(TO) - Date.parse(FROM)) / 86_400_000) + 1;
  // Warm-up: plans and caches, as in a running server.
  for (let i = 0; i < 3; i++) await db.transaction((tx) => dashboard(tx, ADMIN, { operation: 'AFG', from: FROM, to: TO, granularity: 'month' }));
  for (let i = 0; i < RUNS; i++) {
    const len = Math.min(totalDays, pick(lengths));
    const to = addDays(TO, -Math.floor(rnd() * (totalDays - len + 1)));
    const from = addDays(to, -len + 1);
    const who = rnd() < 0.7 ? ADMIN : rnd() < 0.5 ? ENUMERATOR : VIEWER;
    const r = rnd();
    const chosen = r < 0.45 ? undefined : r < 0.75 ? [pick(sites).id] : sites.filter(() => rnd() < 0.5).map((s) => s.id);
    const q: DashboardQuery = {
      operation: 'AFG',
      from,
      to,
      granularity: len <= 400 && rnd() < 0.3 ? 'day' : rnd() < 0.5 ? 'week' : 'month',
      sites: chosen?.join(','),
      direction: rnd() < 0.5 ? undefined : rnd() < 0.7 ? 'in' : 'out',
      neighbour: rnd() < 0.1 ? pick(['PAK', 'IRN']) : undefined,
    };
    const scope = await db.transaction((tx) => dashboardScope(tx, who, q));
    await time('totals', (tx) => dashboardTotals(tx, scope, from, to));
    await time(`series.${q.granularity}`, (tx) => dashboardSeries(tx, scope, from, to, q.granularity as Granularity));
    for (const dim of ['all', ...SURVEY_DIMS] as const) await time(`surveys.${dim}`, (tx) => dashboardSurveyDim(tx, scope, from, to, dim));
    await time('surveys.every-dim', (tx) => dashboardSurveyDims(tx, scope, from, to, ['all', ...SURVEY_DIMS]));
    await time('dashboard (whole page)', (tx) => dashboard(tx, who, q));
  }
  // Wall time is what a user waits; on a busy shared machine it includes waiting for the CPU. For
  // PGlite (in this process) the process CPU time per query is also given: the time on an idle core.
  return Object.entries(times).map(([name, xs]) => ({
    name,
    runs: xs.length,
    p50: Math.round(pct(xs, 50) * 10) / 10,
    p95: Math.round(pct(xs, 95) * 10) / 10,
    cpuP95: Math.round(pct(cpu[name], 95) * 10) / 10,
    /** PostgreSQL on this machine: p95 of (this process's CPU + the backend's CPU) per query. */
    cpuWithServerP95: serverCpu[name] ? Math.round(pct(serverCpu[name].map((x, i) => x + cpu[name][i]), 95) * 10) / 10 : null,
  }));
}

interface BackendResult {
  backend: string;
  load: Awaited<ReturnType<typeof load>>;
  queries: Awaited<ReturnType<typeof queries>>;
  importResult: SideResult;
  exportResult: SideResult;
}

async function run(kind: 'pglite' | 'postgres'): Promise<BackendResult> {
  let database: Database;
  let cleanup: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = arg('--dir') ?? mkdtempSync(path.join(tmpdir(), 'hamrah-bench-flows-'));
    mkdirSync(dir, { recursive: true });
    database = await openDatabase({ dataDir: dir, lock: false });
    cleanup = async () => {
      await database.close();
      if (!arg('--dir')) rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const base = process.env.BENCH_DATABASE_URL!;
    const reuse = arg('--db');
    if (reuse !== undefined && !/^[a-z_][a-z0-9_]*$/.test(reuse)) throw new Error(`--db ${reuse}: a plain lower-case database name`);
    const name = reuse ?? `hamrah_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    const exists = reuse !== undefined && (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (!exists) await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    database = await openDatabase({ url: url.toString(), poolSize: 4 });
    cleanup = async () => {
      await database.close();
      if (KEEP || reuse !== undefined) {
        log(`kept database ${name} (${reuse !== undefined ? '--db' : '--keep'})`);
        return;
      }
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  try {
    await prepareDatabase(database);
    const loaded = (await loadedBefore(database)) ?? (await load(database));
    const q = PARTS.has('dashboard') ? await queries(database) : [];
    log(`dashboard queries on ${kind} (${RUNS} runs each with varied filters; ms):`);
    for (const r of q)
      log(`  ${r.name.padEnd(24)} p50 ${String(r.p50).padStart(7)}  p95 ${String(r.p95).padStart(7)}  ${r.p95 <= TARGET.dashboardP95Ms ? 'ok  ' : 'OVER'} (target p95 ≤ ${TARGET.dashboardP95Ms})  process CPU p95 ${r.cpuP95}${r.cpuWithServerP95 === null ? '' : `  process+server CPU p95 ${r.cpuWithServerP95}`}  n=${r.runs}`);
    const skipped = (part: string): SideResult => ({ measured: false, reason: `--parts without ${part}` });
    const importResult = PARTS.has('import') ? await benchImport(database, IMPORT_ROWS, log) : skipped('import');
    const exportResult = PARTS.has('export') ? await benchExport(database, EXPORT_ROWS, log) : skipped('export');
    return { backend: kind, load: loaded, queries: q, importResult, exportResult };
  } finally {
    await cleanup();
  }
}

// --backend pglite|postgres runs one of them only.
const only = arg('--backend');
const results: BackendResult[] = [];
if (!only || only === 'pglite') results.push(await run('pglite'));
if (process.env.BENCH_DATABASE_URL && (!only || only === 'postgres')) results.push(await run('postgres'));

log('');
log('summary against the targets:');
for (const r of results) {
  const worst = r.queries.filter((q) => q.name !== 'dashboard (whole page)').reduce((a, q) => (q.p95 > a.p95 ? q : a), { name: '-', p95: 0 } as { name: string; p95: number });
  const page = r.queries.find((q) => q.name === 'dashboard (whole page)');
  if (!r.queries.length) log(`  ${r.backend}: dashboard queries not measured (--parts without dashboard)`);
  else log(`  ${r.backend}: worst dashboard query p95 ${worst.p95} ms (${worst.name}) ${worst.p95 <= TARGET.dashboardP95Ms ? 'MET' : 'NOT MET'}; whole page (all queries of one request) p95 ${page?.p95} ms`);
  for (const [what, s, target] of [['import', r.importResult, TARGET.importRowsPerS], ['export', r.exportResult, TARGET.exportRowsPerS]] as const)
    log(`  ${r.backend}: ${what} ${s.measured ? `${s.rowsPerS} rows/s (${s.rows} rows in ${s.ms} ms, RSS ${s.rssStartMb} → peak ${s.rssPeakMb} MB) ${s.rowsPerS! >= target ? 'MET' : 'NOT MET'}` : `not measured: ${s.reason}`}`);
}
log(`peak RSS of the process: ${mb(peakRss)} MB`);

const bench = {
  name: 'flows',
  years: YEARS,
  surveys: SURVEYS,
  runs: RUNS,
  vacuum: !NO_VACUUM,
  targets: { dashboard_p95_ms: TARGET.dashboardP95Ms, import_rows_per_s: TARGET.importRowsPerS, export_rows_per_s: TARGET.exportRowsPerS },
  backends: results.map((r) => ({
    backend: r.backend,
    counts: r.load.counts,
    load_counts_ms: Math.round(r.load.msCounts),
    load_surveys_ms: Math.round(r.load.msSurveys),
    rollup_rebuild_ms: Math.round(r.load.msRollup),
    queries_ms: Object.fromEntries(r.queries.map((q) => [q.name, { p50: q.p50, p95: q.p95, cpu_p95: q.cpuP95, ...(q.cpuWithServerP95 === null ? {} : { cpu_with_server_p95: q.cpuWithServerP95 }) }])),
    import: r.importResult,
    export: r.exportResult,
  })),
  peak_rss_mb: mb(peakRss),
};
console.log(`BENCH ${JSON.stringify(bench)}`);
process.exit(0);
