/**
 * The export half of bench:flows: exporting survey rows and counts through the flows export writer
 * (src/modules/flows/export.ts with src/exports), measuring rows/s, CPU time and memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/db/client';
import { mb, rssWatch, type SideResult } from './flows-io';

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
