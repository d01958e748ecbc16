/**
 * The export half of bench:flows: exporting survey rows and counts through the flows export writer
 * (src/modules/flows/export.ts with src/exports), measuring rows/s, CPU time and memory.
 */
import { readFileSync } from 'node:fs';
import { databaseName, localServer, serverCpuMeter } from './server-cpu';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/db/client';
import { mb, type SideResult } from './flows-io';

/** A full garbage collection: `global.gc` when node runs with --expose-gc, else the same function turned on at run time. */
function fullGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Bytes of PGlite's WebAssembly memory (it grows and never shrinks), 0 on PostgreSQL. */
function wasmBytes(database: Database): number {
  const mod = (database.db as unknown as { $client?: { mod?: { HEAPU8?: Uint8Array } } }).$client?.mod;
  return mod?.HEAPU8?.byteLength ?? 0;
}

/** What the JavaScript side holds: the V8 heap plus memory outside it (Buffers, zlib). */
const jsBytes = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;

/**
 * Memory over one run, from a full GC before it (every run starts from the same state): the peak
 * RSS and peak heap + external, sampled every 10 ms. Both include garbage not collected yet: V8
 * lets the old generation grow to a multiple of what was live after its last full GC before it
 * collects again, so a short run may end before the first full GC and a long one shows the saw
 * tooth's top. `live` instead forces a full GC at every sample (every 50 ms; for a separate,
 * untimed run) and keeps the peak of what survives: the memory the export really holds, with its
 * rows in flight.
 */
function memWatch(database: Database, gc: () => void, live = false) {
  gc();
  const start = process.memoryUsage();
  const wasm0 = wasmBytes(database);
  let rss = start.rss;
  let js = jsBytes(start);
  const sample = () => {
    if (live) gc();
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    js = Math.max(js, jsBytes(m));
  };
  const timer = setInterval(sample, live ? 50 : 10);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rssStartMb: mb(start.rss), rssPeakMb: mb(rss), rssGrowthMb: mb(rss - start.rss), jsStartMb: mb(jsBytes(start)), jsGrowthMb: mb(js - jsBytes(start)), wasmGrowthMb: mb(wasmBytes(database) - wasm0) };
    },
  };
}

/** One export run: what, how many rows, wall and process CPU time, memory. */
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
  /** Peak RSS over the start (after a full GC), garbage included. */
  rssGrowthMb: number;
  /** Peak V8 heap + external memory over the start, garbage included. */
  jsGrowthMb: number;
  /** PGlite: growth of its WebAssembly memory. */
  wasmGrowthMb: number;
  /** Peak heap + external memory that survives a full GC, over the start (a separate, untimed run). */
  liveGrowthMb: number;
  /** Peak RSS of that run over its start. */
  liveRssGrowthMb: number;
}

/**
 * Exports through the same entry points as the routes and the CLI (exportSurveyRowsTo /
 * exportCountsTo with src/exports, i.e. the encoded reads on a database handle): row-level
 * surveys as CSV and XLSX, each for the newest n/100, n/10 and n rows, and every count as CSV and
 * XLSX. Each is run twice: timed (rows/s, CPU, peak RSS and heap with their garbage), then again
 * untimed with a full GC every 50 ms for the memory it holds (flat memory: the same figure at
 * every size). The headline figure is the slower format at `n` rows.
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
  const gc = fullGc();
  const scope = await flowsExport.unrestrictedScope(db, 'AFG');
  // The newest surveys up to k rows: the first date that keeps at least k rows (whole days).
  const fromFor = async (k: number) =>
    (await rows<{ d: string | null }>(db, sql`select (select date::text from flow_surveys order by date desc, id desc offset ${Math.max(0, k - 1)} limit 1) as d`))[0].d ?? undefined;
  const runs: ExportRun[] = [];
  const dbName = localServer(database) ? databaseName(database) : null;
  const sink = (count: (n: number) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        count(chunk.length);
        cb();
      },
    });
  const run = async (what: string, format: 'csv' | 'xlsx', go: (sink: Writable) => Promise<number>) => {
    let bytes = 0;
    const watch = memWatch(database, gc);
    const server = serverCpuMeter(dbName);
    server.read();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const written = await go(sink((k) => (bytes += k)));
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    const serverMs = server.read();
    const mem = watch.stop();
    // The same export again, untimed, for what it holds.
    const liveWatch = memWatch(database, gc, true);
    await go(sink(() => {}));
    const live = liveWatch.stop();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const r: ExportRun = {
      what,
      format,
      rows: written,
      ms: Math.round(ms),
      cpuMs: Math.round(cpuMs),
      rowsPerS: Math.round((written / ms) * 1000),
      rowsPerCpuS: Math.round((written / cpuMs) * 1000),
      mb: mb(bytes),
      ...mem,
      liveGrowthMb: live.jsGrowthMb,
      liveRssGrowthMb: live.rssGrowthMb,
    };
    if (serverMs !== null) r.serverCpuMs = Math.round(serverMs);
    runs.push(r);
    log(
      `  ${what.padEnd(22)} ${format.padEnd(4)} ${String(written).padStart(8)} rows ${String(r.mb).padStart(4)} MB in ${String(r.ms).padStart(6)} ms: ${String(r.rowsPerS).padStart(7)} rows/s (process CPU ${r.cpuMs} ms: ${r.rowsPerCpuS} rows/CPU-s${r.serverCpuMs !== undefined ? `; server CPU ${r.serverCpuMs} ms` : ''}); ` +
        `peak over start: RSS +${r.rssGrowthMb} MB (${r.rssStartMb} → ${r.rssPeakMb}), heap+external +${r.jsGrowthMb} MB${database.kind === 'pglite' ? `, wasm +${r.wasmGrowthMb} MB` : ''}; held (full GC every 50 ms): +${r.liveGrowthMb} MB (RSS +${r.liveRssGrowthMb})`,
    );
    return r;
  };
  const sizes = [Math.round(n / 100), Math.round(n / 10), n];
  log(`export on ${database.kind}: survey rows (newest ${sizes.map((k) => k.toLocaleString('en')).join(', ')}) and all counts, through exportSurveyRowsTo / exportCountsTo to a counting sink; load ${loadAverage()}`);
  const from = await Promise.all(sizes.map(fromFor));
  const bySize: Record<'csv' | 'xlsx', ExportRun[]> = { csv: [], xlsx: [] };
  const cpuStart = process.cpuUsage();
  for (const format of ['csv', 'xlsx'] as const)
    for (let i = 0; i < sizes.length; i++) {
      const label = i === sizes.length - 1 ? 'survey rows' : `survey rows (1/${n / sizes[i]})`;
      bySize[format].push(await run(label, format, (s) => flowsExport.exportSurveyRowsTo(db, scope, { from: from[i] }, format, s)));
    }
  for (const format of ['csv', 'xlsx'] as const) await run('counts (all)', format, (s) => flowsExport.exportCountsTo(db, scope, {}, format, s));
  const cpuAll = process.cpuUsage(cpuStart);
  const figures = (format: 'csv' | 'xlsx', k: keyof ExportRun) => bySize[format].map((r) => `+${r[k]}`).join(' / ');
  const rowsLabel = bySize.csv.map((r) => r.rows.toLocaleString('en')).join(' / ');
  for (const format of ['csv', 'xlsx'] as const)
    log(
      `  memory, ${format.toUpperCase()} at ${rowsLabel} rows: held ${figures(format, 'liveGrowthMb')} MB; peak heap+external ${figures(format, 'jsGrowthMb')} MB; peak RSS ${figures(format, 'rssGrowthMb')} MB` +
        (database.kind === 'pglite' ? `; wasm ${figures(format, 'wasmGrowthMb')} MB` : ''),
    );
  log(`  export part: process CPU ${Math.round((cpuAll.user + cpuAll.system) / 1000)} ms; load ${loadAverage()}`);
  const big = { csv: bySize.csv[sizes.length - 1], xlsx: bySize.xlsx[sizes.length - 1] };
  const slow = big.csv.rowsPerS <= big.xlsx.rowsPerS ? big.csv : big.xlsx;
  return {
    measured: true,
    rows: slow.rows,
    ms: slow.ms,
    rowsPerS: slow.rowsPerS,
    rssStartMb: slow.rssStartMb,
    rssPeakMb: slow.rssPeakMb,
    rssGrowthMb: Math.max(big.csv.rssGrowthMb, big.xlsx.rssGrowthMb),
    detail:
      `survey rows at ${slow.rows}: CSV ${big.csv.rowsPerS} rows/s (${big.csv.rowsPerCpuS}/CPU-s), XLSX ${big.xlsx.rowsPerS} rows/s (${big.xlsx.rowsPerCpuS}/CPU-s); ` +
      `held at ${rowsLabel} rows: CSV ${figures('csv', 'liveGrowthMb')} MB, XLSX ${figures('xlsx', 'liveGrowthMb')} MB; ` +
      `peak RSS: CSV ${figures('csv', 'rssGrowthMb')} MB, XLSX ${figures('xlsx', 'rssGrowthMb')} MB`,
    runs,
  };
}

const loadAverage = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
};
