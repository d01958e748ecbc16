/**
 * The export writers alone (no database): 1,000,000 synthetic flow-count rows, in batches of
 * 2,000 as the keyset readers produce them, written as CSV and as XLSX to a byte-counting sink.
 * Prints rows/s, CPU time, output size, peak RSS and heap per format (sampled every 50 ms, and
 * compared with a run of a tenth of the rows, so a writer that held
 * its rows would show); the last line is `BENCH {json}`.
 *
 *   npm run bench:exports            (ROWS=200000 npm run bench:exports for a quick look)
 */
import os from 'node:os';
import { Writable } from 'node:stream';
import { writeTable, type Column, type ExportFormat } from '../src/exports';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const BATCH = 2000;

interface Row {
  date: string;
  site: string;
  code: string;
  adm1: string;
  adm2: string;
  direction: 'in' | 'out';
  total: number;
  men: number;
  women: number;
  boys: number;
  girls: number;
  deported: number | null;
  spontaneous: number | null;
  status: string;
  id: string;
}

const SITES = [
  ['Torkham', 'BCP-TORKHAM', 'AF06', 'AF0617'],
  ['Spin Boldak', 'BCP-SPIN-BOLDAK', 'AF27', 'AF2714'],
  ['Islam Qala', 'BCP-ISLAM-QALA', 'AF32', 'AF3213'],
  ['Milak', 'BCP-MILAK', 'AF34', 'AF3405'],
];

const columns: Column<Row>[] = [
  { header: 'date', hxl: '#date+reported', value: (r) => r.date, type: 'date' },
  { header: 'site_name', hxl: '#loc+name', value: (r) => r.site, type: 'text' },
  { header: 'site_code', hxl: '#loc+code', value: (r) => r.code, type: 'text' },
  { header: 'adm1_pcode', hxl: '#adm1+code', value: (r) => r.adm1, type: 'text' },
  { header: 'adm2_pcode', hxl: '#adm2+code', value: (r) => r.adm2, type: 'text' },
  { header: 'direction', hxl: '#indicator+direction', value: (r) => r.direction, type: 'text' },
  { header: 'total', hxl: '#affected+ind', value: (r) => r.total, type: 'number' },
  { header: 'men', hxl: '#affected+m+adults', value: (r) => r.men, type: 'number' },
  { header: 'women', hxl: '#affected+f+adults', value: (r) => r.women, type: 'number' },
  { header: 'boys', hxl: '#affected+m+children', value: (r) => r.boys, type: 'number' },
  { header: 'girls', hxl: '#affected+f+children', value: (r) => r.girls, type: 'number' },
  { header: 'deported', hxl: '#affected+returnees+deported', value: (r) => r.deported, type: 'number' },
  { header: 'spontaneous', hxl: '#affected+returnees+spontaneous', value: (r) => r.spontaneous, type: 'number' },
  { header: 'status', hxl: '#status+workflow', value: (r) => r.status, type: 'text' },
  { header: 'id', hxl: '#meta+id', value: (r) => r.id, type: 'text' },
];

async function* synthetic(total: number): AsyncGenerator<Row[]> {
  const day0 = Date.UTC(2015, 0, 1);
  // Values are made cheaply (the day's date text kept) so that the writer's time dominates.
  let day = -1;
  let dayText = '';
  const dateOf = (d: number) => {
    if (d !== day) [day, dayText] = [d, new Date(day0 + d * 86_400_000).toISOString().slice(0, 10)];
    return dayText;
  };
  for (let made = 0; made < total; ) {
    const n = Math.min(BATCH, total - made);
    const batch: Row[] = new Array(n);
    for (let i = 0; i < n; i++, made++) {
      const s = SITES[made % SITES.length];
      const inflow = (made >> 2) % 2 === 0;
      const t = 100 + (made % 977);
      batch[i] = {
        date: dateOf(made >> 3),
        site: s[0],
        code: s[1],
        adm1: s[2],
        adm2: s[3],
        direction: inflow ? 'in' : 'out',
        total: t,
        men: t >> 2,
        women: t >> 2,
        boys: t >> 2,
        girls: t - 3 * (t >> 2),
        deported: inflow ? t >> 1 : null,
        spontaneous: inflow ? t - (t >> 1) : null,
        status: 'published',
        id: `0190a1b2-c3d4-7e5f-8a9b-${(0x100000000000 + made).toString(16)}`,
      };
    }
    // Let the event loop breathe as a database read would.
    await new Promise((r) => setImmediate(r));
    yield batch;
  }
}

async function run(format: ExportFormat, total = ROWS, quiet = false) {
  global.gc?.();
  let bytes = 0;
  let peak = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  // Live heap: heapUsed right after a full collection, every few MB of output (needs --expose-gc).
  let liveHeap = 0;
  const gcStep = quiet ? 2.5e5 : 4e6;
  let nextGc = gcStep;
  const before = peak;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      bytes += chunk.length;
      if (global.gc && bytes >= nextGc) {
        nextGc = bytes + gcStep;
        global.gc();
        liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
      }
      done();
    },
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const rows = await writeTable(format, columns, synthetic(total), sink);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU time says what the writer costs even when other processes share the cores.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(timer);
  sample();
  const r = {
    format,
    rows,
    seconds: +seconds.toFixed(2),
    rowsPerSecond: Math.round(rows / seconds),
    cpuSeconds: +cpuSeconds.toFixed(2),
    rowsPerCpuSecond: Math.round(rows / cpuSeconds),
    megabytes: +(bytes / 1e6).toFixed(1),
    rssBeforeMB: Math.round(before / 1e6),
    peakRssMB: Math.round(peak / 1e6),
    peakHeapMB: Math.round(heapPeak / 1e6),
    liveHeapMB: +(liveHeap / 1e6).toFixed(1),
  };
  if (!quiet) console.log(`${format.padEnd(5)} ${rows} rows in ${r.seconds} s = ${r.rowsPerSecond} rows/s (${r.rowsPerCpuSecond} per CPU-second), ${r.megabytes} MB, RSS ${r.rssBeforeMB} → peak ${r.peakRssMB} MB, live heap ≤ ${r.liveHeapMB} MB`);
  return r;
}

// Flat memory: the live heap (after GC) for ROWS rows is compared with that for ROWS / 10 rows.
const small = { csv: await run('csv', ROWS / 10, true), xlsx: await run('xlsx', ROWS / 10, true) };
const results = [await run('csv'), await run('xlsx')];
for (const r of results) {
  const s = small[r.format];
  Object.assign(r, { liveHeapMBAtTenthRows: s.liveHeapMB });
  console.log(`${r.format.padEnd(5)} live heap ${s.liveHeapMB} MB for ${s.rows} rows, ${r.liveHeapMB} MB for ${r.rows} rows`);
}
const target = 100_000;
console.log(`target ≥ ${target} rows/s: ${results.map((r) => `${r.format} ${r.rowsPerSecond >= target ? 'met' : 'NOT met'} (wall clock), ${r.rowsPerCpuSecond >= target ? 'met' : 'NOT met'} (CPU time)`).join('; ')}`);
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
console.log(`BENCH ${JSON.stringify({ bench: 'exports', rows: ROWS, batch: BATCH, loadAverage: +os.loadavg()[0].toFixed(1), results })}`);
