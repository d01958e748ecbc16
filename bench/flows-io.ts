/**
 * The import half of bench:flows (the export half is bench/flows-export.ts): importing survey rows
 * from a Kobo-style CSV through the import service (src/modules/imports, in-process, the same
 * pipeline as the API and CLI), measuring rows/s and memory.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/db/client';
import { seedDemo } from '../src/modules/demo/seed';
import { databaseName, localServer, serverCpuMeter } from './server-cpu';

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
  /** CPU time of this process over the run (ms). */
  cpuMs?: number;
  /** PostgreSQL on this machine: CPU time of the database's server processes over the run (ms). */
  serverCpuMs?: number;
  detail?: string;
}

export const mb = (b: number) => Math.round(b / 1048576);

export function rssWatch() {
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
  const server = serverCpuMeter(localServer(database) ? databaseName(database) : null);
  server.read();
  const watch = rssWatch();
  const c0 = process.cpuUsage();
  const t = performance.now();
  const res = await service.importFile(database, 'admin', 'flows.surveys', file, { operation: 'AFG', mode: 'all', fileName: 'bench-surveys.csv' });
  const ms = performance.now() - t;
  const c = process.cpuUsage(c0);
  const mem = watch.stop();
  const serverMs = server.read();
  if (res.status !== 'committed') return { measured: false, reason: `the import ended ${res.status}: ${res.message} ${JSON.stringify(res.issues.slice(0, 3))}` };
  const cpuMs = Math.round((c.user + c.system) / 1000);
  const serverCpuMs = serverMs === null ? undefined : Math.round(serverMs);
  const result = { measured: true, rows: res.summary.inserted, ms: Math.round(ms), rowsPerS: Math.round((res.summary.inserted / ms) * 1000), ...mem, cpuMs, ...(serverCpuMs === undefined ? {} : { serverCpuMs }) };
  log(
    `  ${result.rows} rows in ${result.ms} ms: ${result.rowsPerS} rows/s; CPU: this process ${cpuMs} ms${serverCpuMs === undefined ? '' : `, server ${serverCpuMs} ms`}; RSS ${mem.rssStartMb} → peak ${mem.rssPeakMb} MB`,
  );
  return result;
}
