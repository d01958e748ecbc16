/**
 * Event-loop stalls during a dedup run: the same run (read, engine, compare) with the engine and
 * compare steps in a worker thread (what the `dedup.run` job does) and in-thread, while a timer
 * measures the main thread's event-loop delay (what a health check or an API request would wait).
 *
 *   node --max-old-space-size=6144 --import tsx bench/dedup-run-thread.ts [--people 40000]
 *
 * Prints wall and process CPU time and the longest event-loop stall of each, then `BENCH {json}`.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { arg, cpu, loadRegistry, openBenchDatabase } from './registry-setup';
import { computeRun } from '../src/modules/dedup/run';

const PEOPLE = arg('people', 40_000);

async function main() {
  const database = await openBenchDatabase();
  const db = database.db;
  const loaded = await loadRegistry(database, PEOPLE);
  process.stderr.write(`loaded ${loaded} people\n`);

  const figures: Record<string, { value: number; unit: string }> = { people: { value: loaded, unit: 'people' } };
  for (const engine of ['worker', 'inline'] as const) {
    // A 10 ms ticker: the longest gap between two ticks is the longest a request would have waited.
    let last = performance.now();
    let maxStall = 0;
    const gaps: number[] = [];
    const ticker = setInterval(() => {
      const now = performance.now();
      const gap = now - last - 10;
      gaps.push(gap);
      maxStall = Math.max(maxStall, gap);
      last = now;
    }, 10);
    const c0 = cpu();
    const t0 = performance.now();
    const out = await computeRun(db, 'AFG', { progress: async () => {}, throwIfCancelled: () => {}, stage: async () => {}, engine });
    const wall = performance.now() - t0;
    const cpuMs = cpu() - c0;
    await new Promise((r) => setTimeout(r, 30));
    clearInterval(ticker);
    gaps.sort((x, y) => x - y);
    const p99 = gaps[Math.floor(gaps.length * 0.99)] ?? 0;
    process.stderr.write(`${engine}: ${out.pairs.length} pairs, wall ${Math.round(wall)} ms, cpu ${Math.round(cpuMs)} ms, longest event-loop stall ${Math.round(maxStall)} ms, p99 ${Math.round(p99)} ms\n`);
    figures[`${engine}WallMs`] = { value: Math.round(wall), unit: 'ms' };
    figures[`${engine}CpuMs`] = { value: Math.round(cpuMs), unit: 'ms' };
    figures[`${engine}MaxStallMs`] = { value: Math.round(maxStall), unit: 'ms' };
    figures[`${engine}Pairs`] = { value: out.pairs.length, unit: 'pairs' };
  }
  await database.close();
  console.log(`BENCH ${JSON.stringify({ bench: 'dedup-run-thread', backend: database.kind, ...figures })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
