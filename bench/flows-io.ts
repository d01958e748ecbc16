/**
 * The import and export halves of bench:flows: importing survey rows from a Kobo-style CSV through
 * the import service (src/modules/imports, in-process, the same pipeline as the API and CLI), and
 * exporting survey rows through the flows export writer (src/modules/flows/export.ts with
 * src/exports), measuring rows/s and memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/db/client';
import { seedDemo } from '../src/modules/demo/seed';

export interface SideResult {
  measured: boolean;
  reason?: string;
  rows?: number;
  ms?: number;
  rowsPerS?: number;
  rssStartMb?: number;
  rssPeakMb?: number;
  /** RSS growth over the run, in MB (flat memory: small and independent of the row count). */
  rssGrowthMb?: number;
  detail?: string;
}

const mb = (b: number) => Math.round(b / 1048576);

function rssWatch() {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { rssStartMb: mb(start), rssPeakMb: mb(peak), rssGrowthMb: mb(peak - start) };
    },
  };
}

const HEADER = [
  'start', 'g_intro/bcp', 'g_intro/direction', 'g_resp/respondent_sex', 'g_resp/age_band', 'g_group/group_size', 'g_group/men', 'g_group/women', 'g_group/boys', 'g_group/girls',
  'g_origin/origin_country', 'g_docs/documents/por', 'g_docs/documents/acc', 'g_docs/documents/passport', 'g_docs/documents/tazkira', 'g_docs/documents/none',
  'g_reasons/reasons', 'g_dest/intended_stay', 'g_dest/destination_adm2', 'g_needs/needs', 'consent', '_uuid', '_submission_time',
];

/** A Kobo-style CSV of `n` valid surveys at the Pakistan crossings (one file, in memory). */
export function surveyCsv(n: number, sites: string[], districts: string[]): Buffer {
  const lines = [HEADER.join(',')];
  const reasons = ['deportation', 'return economic', 'fear_of_arrest deportation', 'family_visit'];
  const docs = [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1]];
  for (let i = 0; i < n; i++) {
    // Chronological, as Kobo and ODK export them.
    const day = new Date(Date.UTC(2019, 0, 1) + Math.floor((i * 1500) / n) * 86_400_000).toISOString().slice(0, 10);
    const size = 1 + (i % 6);
    const men = Math.ceil(size / 2);
    const women = size - men;
    const hex = i.toString(16).padStart(12, '0');
    lines.push(
      [
        `${day}T08:00:00.000+04:30`, sites[i % sites.length], 'inflow', i % 4 ? 'm' : 'f', '25-34', size, men, women, 0, 0,
        'Pakistan', ...docs[i % 5], reasons[i % 4], i % 9 ? 'ge1y' : 'lt1y', districts[(i * 7) % districts.length], 'shelter cash', 'yes',
        `b3c4d5e6-0000-4000-8000-${hex}`, `${day}T10:11:12`,
      ].join(','),
    );
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

export async function benchImport(database: Database, n: number, log: (s: string) => void): Promise<SideResult> {
  let service: typeof import('../src/modules/imports/service');
  try {
    service = await import('../src/modules/imports/service');
    if (typeof service.importFile !== 'function') return { measured: false, reason: 'src/modules/imports/service.ts has no importFile()' };
  } catch (err) {
    return { measured: false, reason: `the import service is not there (${(err as Error).message.split('\n')[0]})` };
  }
  // The import runs as a user: the demo personas give an admin with every flows permission.
  await database.db.transaction((tx) => seedDemo(tx, 'bench-password-not-used'));
  const sites = (await rows<{ code: string }>(database.db, sql`select code from sites where operation_id = 'AFG' and flow_monitoring and neighbour_country = 'PAK' order by code`)).map((r) => r.code);
  const districts = (await rows<{ pcode: string }>(database.db, sql`select pcode from admin_areas where operation_id = 'AFG' and level = 2 order by pcode`)).map((r) => r.pcode);
  const file = surveyCsv(n, sites, districts);
  log(`import: ${n.toLocaleString('en')} survey rows, ${mb(file.length)} MB of CSV, through importFile (validate, check, write in one run)`);
  const watch = rssWatch();
  const t = performance.now();
  const res = await service.importFile(database, 'admin', 'flows.surveys', file, { operation: 'AFG', mode: 'all', fileName: 'bench-surveys.csv' });
  const ms = performance.now() - t;
  const mem = watch.stop();
  if (res.status !== 'committed') return { measured: false, reason: `the import ended ${res.status}: ${res.message} ${JSON.stringify(res.issues.slice(0, 3))}` };
  const result = { measured: true, rows: res.summary.inserted, ms: Math.round(ms), rowsPerS: Math.round((res.summary.inserted / ms) * 1000), ...mem };
  log(`  ${result.rows} rows in ${result.ms} ms: ${result.rowsPerS} rows/s; RSS ${mem.rssStartMb} → peak ${mem.rssPeakMb} MB`);
  return result;
}

/** CPU time (ms) used so far by the PostgreSQL server processes serving `dbName` on this machine (their /proc entries), or null. */
function serverCpuMs(dbName: string | null): number | null {
  if (!dbName) return null;
  let ticks = 0;
  let seen = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${dbName} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
      seen = true;
    } catch {
      /* gone, or not ours to read */
    }
  }
  return seen ? (ticks * 1000) / 100 : null;
}

/** One export run: what, how many rows, wall and process CPU time, RSS growth. */
export interface ExportRun {
  what: string;
  format: 'csv' | 'xlsx';
  rows: number;
  ms: number;
  /** CPU time of this process (on PGlite: the database too; on PostgreSQL: Node only). */
  cpuMs: number;
  rowsPerS: number;
  /** Rows per second of process CPU time (what an idle core would do, for PGlite). */
  rowsPerCpuS: number;
  /** PostgreSQL only: CPU time of the server processes of the bench database (read from /proc), when visible. */
  serverCpuMs?: number;
  mb: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssGrowthMb: number;
}

/**
 * Exports through the same entry points as the routes and the CLI (exportSurveyRowsTo /
 * exportCountsTo with src/exports, i.e. the encoded reads on a database handle): row-level
 * surveys as CSV and XLSX, each for a tenth of `n` rows and then `n` rows (the newest; flat memory
 * shows as the same RSS growth for both), and every count as CSV and XLSX. The headline figure is
 * the slower format at `n` rows.
 */
export async function benchExport(database: Database, n: number, log: (s: string) => void): Promise<SideResult & { runs?: ExportRun[] }> {
  let flowsExport: typeof import('../src/modules/flows/export');
  try {
    flowsExport = await import('../src/modules/flows/export');
    if (typeof flowsExport.exportSurveyRowsTo !== 'function') return { measured: false, reason: 'exportSurveyRowsTo() is missing' };
  } catch (err) {
    return { measured: false, reason: `the export writer is not there (${(err as Error).message.split('\n')[0]})` };
  }
  const db = database.db;
  const scope = await flowsExport.unrestrictedScope(db, 'AFG');
  // The newest surveys up to k rows: the first date that keeps at least k rows (whole days).
  const fromFor = async (k: number) =>
    (await rows<{ d: string | null }>(db, sql`select (select date::text from flow_surveys order by date desc, id desc offset ${Math.max(0, k - 1)} limit 1) as d`))[0].d ?? undefined;
  const runs: ExportRun[] = [];
  const dbName = database.kind === 'postgres' ? (/\/([A-Za-z0-9_]+)$/.exec(database.describe)?.[1] ?? null) : null;
  const run = async (what: string, format: 'csv' | 'xlsx', go: (sink: Writable) => Promise<number>) => {
    let bytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb();
      },
    });
    const watch = rssWatch();
    const server0 = serverCpuMs(dbName);
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const written = await go(sink);
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    const server1 = serverCpuMs(dbName);
    const mem = watch.stop();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const r: ExportRun = { what, format, rows: written, ms: Math.round(ms), cpuMs: Math.round(cpuMs), rowsPerS: Math.round((written / ms) * 1000), rowsPerCpuS: Math.round((written / cpuMs) * 1000), mb: mb(bytes), ...mem };
    if (server0 !== null && server1 !== null) r.serverCpuMs = Math.round(server1 - server0);
    runs.push(r);
    log(`  ${what.padEnd(22)} ${format.padEnd(4)} ${String(written).padStart(8)} rows ${String(r.mb).padStart(4)} MB in ${String(r.ms).padStart(6)} ms: ${String(r.rowsPerS).padStart(7)} rows/s (process CPU ${r.cpuMs} ms: ${r.rowsPerCpuS} rows/CPU-s${r.serverCpuMs !== undefined ? `; server CPU ${r.serverCpuMs} ms` : ''}); RSS +${mem.rssGrowthMb} MB (${mem.rssStartMb} → ${mem.rssPeakMb})`);
    return r;
  };
  log(`export on ${database.kind}: survey rows (newest ${Math.round(n / 10).toLocaleString('en')} and ${n.toLocaleString('en')}) and all counts, through exportSurveyRowsTo / exportCountsTo to a counting sink`);
  const small = await fromFor(Math.round(n / 10));
  const large = await fromFor(n);
  const big: Record<string, ExportRun> = {};
  for (const format of ['csv', 'xlsx'] as const) {
    await run(`survey rows (1/10)`, format, (sink) => flowsExport.exportSurveyRowsTo(db, scope, { from: small }, format, sink));
    big[format] = await run(`survey rows`, format, (sink) => flowsExport.exportSurveyRowsTo(db, scope, { from: large }, format, sink));
  }
  for (const format of ['csv', 'xlsx'] as const) await run('counts (all)', format, (sink) => flowsExport.exportCountsTo(db, scope, {}, format, sink));
  const slow = big.csv.rowsPerS <= big.xlsx.rowsPerS ? big.csv : big.xlsx;
  const smallRuns = runs.filter((r) => r.what.includes('1/10'));
  return {
    measured: true,
    rows: slow.rows,
    ms: slow.ms,
    rowsPerS: slow.rowsPerS,
    rssStartMb: slow.rssStartMb,
    rssPeakMb: slow.rssPeakMb,
    rssGrowthMb: Math.max(big.csv.rssGrowthMb, big.xlsx.rssGrowthMb),
    detail: `survey rows at ${slow.rows}: CSV ${big.csv.rowsPerS} rows/s (${big.csv.rowsPerCpuS}/CPU-s), XLSX ${big.xlsx.rowsPerS} rows/s (${big.xlsx.rowsPerCpuS}/CPU-s); RSS growth at 1/10 vs all: CSV +${smallRuns[0].rssGrowthMb} vs +${big.csv.rssGrowthMb} MB, XLSX +${smallRuns[1].rssGrowthMb} vs +${big.xlsx.rssGrowthMb} MB`,
    runs,
  };
}
