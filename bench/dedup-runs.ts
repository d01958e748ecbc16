/**
 * Deduplication run benchmark: a whole-registry run as the `dedup.run` job does it (read the
 * stored match keys in keyset pages, engine batch, per-field weights, store the pairs), then the
 * review queue's first page and one pair side by side.
 *
 *   npm run bench:dedup-runs [-- --people 100000]
 *   DATABASE_URL=postgres://… npm run bench:dedup-runs   (a PostgreSQL database of your own: it writes into it)
 *
 * Prints each stage's wall time, the process CPU time and `BENCH {json}`.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { arg, cpu, loadRegistry, openBenchDatabase, registrarAuth } from './registry-setup';
import { computeRun, createRun, storeRun } from '../src/modules/dedup/run';
import { getPair, listPairs } from '../src/modules/dedup/service';

const PEOPLE = arg('people', 100_000);

async function main() {
  const database = await openBenchDatabase();
  const db = database.db;
  const auth = registrarAuth();
  const actor = { userId: null, requestId: 'bench' };
  const loaded = await loadRegistry(database, PEOPLE);
  process.stderr.write(`loaded ${loaded} people\n`);

  const run = await db.transaction((tx) => createRun(tx, 'AFG', 'manual', null, true));
  const stages: Record<string, number> = {};
  let last = performance.now();
  let stage = 'read';
  const c0 = cpu();
  const t0 = performance.now();
  const out = await computeRun(db, 'AFG', {
    progress: async () => {},
    throwIfCancelled: () => {},
    stage: async (s) => {
      const now = performance.now();
      stages[stage] = Math.round(now - last);
      last = now;
      stage = s;
    },
  });
  stages[stage] = Math.round(performance.now() - last);
  const t1 = performance.now();
  await db.transaction((tx) => storeRun(tx, run.id, 'AFG', out));
  const t2 = performance.now();
  const c1 = cpu();

  // The queue's first page and one pair side by side: median of 7 (the first one plans and warms caches).
  const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 10) / 10;
  const queueTimes: number[] = [];
  const pairTimes: number[] = [];
  let page = await db.transaction((tx) => listPairs(tx, auth, { operation: 'AFG', status: 'open', sort: 'score_desc', limit: 50 }));
  for (let i = 0; i < 7; i++) {
    const q0 = performance.now();
    page = await db.transaction((tx) => listPairs(tx, auth, { operation: 'AFG', status: 'open', sort: 'score_desc', limit: 50 }));
    queueTimes.push(performance.now() - q0);
    const p = page.items[i % Math.max(1, page.items.length)];
    const p0 = performance.now();
    if (p) await db.transaction((tx) => getPair(tx, auth, actor, p.idA, p.idB));
    pairTimes.push(performance.now() - p0);
  }

  const s = out.stats as { records: number; candidatePairs: number; matchPairs: number; reviewPairs: number; msNormalise: number; msBlock: number; msScore: number; msCluster: number };
  const figures = {
    records: { value: s.records, unit: 'people' },
    candidatePairs: { value: s.candidatePairs, unit: 'pairs' },
    storedPairs: { value: out.pairs.length, unit: 'pairs' },
    pairsWithFieldWeights: { value: (out.stats as { partsComputed: number }).partsComputed, unit: 'pairs' },
    readMs: { value: stages.read, unit: 'ms' },
    engineMs: { value: stages.score, unit: 'ms' },
    engineNormaliseMs: { value: s.msNormalise, unit: 'ms' },
    engineBlockMs: { value: s.msBlock, unit: 'ms' },
    engineScoreMs: { value: s.msScore, unit: 'ms' },
    engineClusterMs: { value: s.msCluster, unit: 'ms' },
    compareMs: { value: stages.compare, unit: 'ms' },
    storeMs: { value: Math.round(t2 - t1), unit: 'ms' },
    runMs: { value: Math.round(t2 - t0), unit: 'ms' },
    runCpuMs: { value: Math.round(c1 - c0), unit: 'ms' },
    queuePageMs: { value: median(queueTimes), unit: 'ms', target: 500 },
    pairDetailMs: { value: median(pairTimes), unit: 'ms', target: 500 },
    queueTotal: { value: page.total, unit: 'pairs' },
  };
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(20)} ${String(v.value).padStart(10)} ${v.unit}`);
  console.log(`BENCH ${JSON.stringify({ bench: 'dedup-runs', backend: database.kind, ...figures })}`);
  await database.close();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
