/**
 * Matching-engine benchmark (issue 4, part 9):
 *   npm run bench:dedup -- [--n 1000000] [--lookups 1000] [--match T] [--review T] [--threads K]
 *                          [--no-households] [--help]
 *
 * Generates N synthetic individuals (src/modules/dedup/engine/synthetic.ts, plus their duplicate
 * records), runs the batch end to end (normalise, block, score, cluster) and then 1,000 single
 * lookups against an index of the same registry. Prints time per stage, candidate pairs, peak RSS
 * and lookup p50/p95; the last line is `BENCH {json}`.
 * Targets on the 2-core machine: batch ≤ 30 s, peak memory ≤ 4 GB, lookup p95 ≤ 20 ms.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildIndex, dedupe } from '../src/modules/dedup/engine/index';
import { lastPrepare } from '../src/modules/dedup/engine/prepare-parallel';
import { generateRegistry } from '../src/modules/dedup/engine/synthetic';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
if (argv.includes('--help')) {
  process.stdout.write(
    'npm run bench:dedup -- [options]\n' +
      '  --n N            individuals to generate (default 1000000; records are about 1.19 N)\n' +
      '  --lookups K      single-record lookups after the batch (default 1000)\n' +
      '  --match T        match threshold (default: thresholdsFor(records))\n' +
      '  --review T       review threshold (default: match - 7)\n' +
      '  --threads K      scoring threads (default: all cores, up to 4)\n' +
      '  --no-households  ignore household ids (no household context)\n',
  );
  process.exit(0);
}
const n = Number(arg('--n') ?? 1_000_000);
const lookups = Number(arg('--lookups') ?? 1000);
const thresholds = {
  ...(arg('--match') ? { matchThreshold: Number(arg('--match')) } : {}),
  ...(arg('--review') ? { reviewThreshold: Number(arg('--review')) } : {}),
  ...(arg('--threads') ? { threads: Number(arg('--threads')) } : {}),
  ...(argv.includes('--no-households') ? { households: false } : {}),
};

let peak = 0;
const sample = () => {
  const r = process.memoryUsage().rss;
  if (r > peak) peak = r;
};
const timer = setInterval(sample, 50);
timer.unref();

const mb = (b: number) => Math.round(b / 1048576);
const log = (s: string) => process.stderr.write(s + '\n');

// Wall time on a shared machine includes waiting for other processes: print the load beside it.
const load0 = os.loadavg()[0];
log(`${os.cpus().length} cores, load average ${load0.toFixed(2)} at start`);
let t = performance.now();
const reg = generateRegistry({ individuals: n, seed: 42 });
const msGenerate = performance.now() - t;
sample();
log(`generated ${reg.records.length} records for ${n} individuals in ${Math.round(msGenerate)} ms`);

t = performance.now();
const cpu0 = process.cpuUsage();
const res = dedupe(reg.records, { referenceYear: reg.referenceYear, ...thresholds });
const msBatch = performance.now() - t;
// CPU time of the process (main thread plus V8's GC helper threads): wall time on a shared
// machine includes waiting for other processes.
const cpu1 = process.cpuUsage(cpu0);
const msBatchCpu = (cpu1.user + cpu1.system) / 1000;
sample();
const s = res.stats;
// The normalisation split (prepare-parallel.ts), as seen from the main thread.
const split = { ...lastPrepare };
log(
  `batch ${Math.round(msBatch)} ms (process CPU ${Math.round(msBatchCpu)} ms): normalise ${s.msNormalise} · block ${s.msBlock} · score ${s.msScore} · cluster ${s.msCluster} ms ` +
    `(CPU ${s.cpuNormalise} · ${s.cpuBlock} · ${s.cpuScore} · ${s.cpuCluster} ms); ` +
    `${s.candidatePairs} candidate pairs in ${s.blocks} blocks (${s.oversizedBlocks} oversized; ${s.householdPairs ?? 0} added between matched households), ` +
    `${s.matchPairs} match / ${s.reviewPairs} review pairs, ${s.clusters} clusters; household context raised ${s.householdSupported ?? 0}, lowered ${(s.sameHouseholdPairs ?? 0)} same-household pairs`,
);
log(
  split.worker
    ? `normalise on two threads: encode the worker's half ${Math.round(split.msEncode)} · main thread's half ${Math.round(split.msMain)} · then waiting for the worker ${Math.round(split.msWait)} · merge ${Math.round(split.msMerge)} ms`
    : 'normalise on one thread',
);

// Quality at scale, from the generator's truth: pairwise precision / recall over clusters.
const truthPairs = (() => {
  const by = new Map<string, number>();
  for (const e of reg.entity) by.set(e, (by.get(e) ?? 0) + 1);
  let t = 0;
  for (const c of by.values()) t += (c * (c - 1)) / 2;
  return t;
})();
let tp = 0;
let predicted = 0;
{
  const members = new Map<number, number[]>();
  res.labels.forEach((l, i) => {
    if (l === i) return;
    let g = members.get(l);
    if (!g) members.set(l, (g = [l]));
    g.push(i);
  });
  for (const g of members.values())
    for (let x = 0; x < g.length; x++)
      for (let y = x + 1; y < g.length; y++) {
        predicted++;
        if (reg.entity[g[x]] === reg.entity[g[y]]) tp++;
      }
}
const precision = predicted ? tp / predicted : 1;
const recall = truthPairs ? tp / truthPairs : 1;
// Review pairs that join two records the clusters left apart.
const position = new Map(reg.records.map((r, i) => [r.id, i]));
let reviewTrue = 0;
for (const p of res.pairs) {
  if (p.decision !== 'review') continue;
  const a = position.get(p.a)!;
  const b = position.get(p.b)!;
  if (res.labels[a] !== res.labels[b] && reg.entity[a] === reg.entity[b]) reviewTrue++;
}
const recallWithReview = truthPairs ? (tp + reviewTrue) / truthPairs : 1;
const reviewShare = s.reviewPairs / reg.records.length;
log(
  `quality: match precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)} (${tp}/${truthPairs} true pairs), ` +
    `recall counting review ${recallWithReview.toFixed(4)}, review pairs ${(100 * reviewShare).toFixed(2)} % of records`,
);

t = performance.now();
const index = buildIndex(reg.records, { referenceYear: reg.referenceYear, ...thresholds });
const msIndex = performance.now() - t;
sample();
const times: number[] = [];
let found = 0;
// Look up re-typed versions of existing people: a fresh rendering from the generator with a
// different seed would be other people, so query with records of the registry itself, altered.
for (let q = 0; q < lookups; q++) {
  const r = reg.records[Math.floor((q * 7919) % reg.records.length)];
  const query = { ...r, id: `q${q}`, phone: undefined };
  const t0 = performance.now();
  const hits = index.lookup(query, { limit: 10 });
  times.push(performance.now() - t0);
  if (hits.some((h) => h.id === r.id)) found++;
}
sample();
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
const p50 = pct(50);
const p95 = pct(95);
log(`index ${Math.round(msIndex)} ms; lookups p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; self found ${found}/${lookups}; peak RSS ${mb(peak)} MB`);

const bench = {
  name: 'bench:dedup',
  individuals: n,
  records: reg.records.length,
  msGenerate: Math.round(msGenerate),
  msBatch: Math.round(msBatch),
  msBatchCpu: Math.round(msBatchCpu),
  msNormalise: s.msNormalise,
  msBlock: s.msBlock,
  msScore: s.msScore,
  msCluster: s.msCluster,
  normaliseWorker: split.worker,
  msNormaliseEncode: Math.round(split.msEncode),
  msNormaliseMainPart: Math.round(split.msMain),
  msNormaliseWait: Math.round(split.msWait),
  msNormaliseMerge: Math.round(split.msMerge),
  cpuNormalise: s.cpuNormalise,
  cpuBlock: s.cpuBlock,
  cpuScore: s.cpuScore,
  cpuCluster: s.cpuCluster,
  householdPairs: s.householdPairs,
  householdSupported: s.householdSupported,
  candidatePairs: s.candidatePairs,
  blocks: s.blocks,
  oversizedBlocks: s.oversizedBlocks,
  matchPairs: s.matchPairs,
  matchPrecision: +precision.toFixed(4),
  matchRecall: +recall.toFixed(4),
  recallWithReview: +recallWithReview.toFixed(4),
  reviewShare: +reviewShare.toFixed(4),
  reviewPairs: s.reviewPairs,
  msIndex: Math.round(msIndex),
  lookupP50Ms: +p50.toFixed(2),
  lookupP95Ms: +p95.toFixed(2),
  lookupSelfFound: found / lookups,
  peakRssMb: mb(peak),
  cores: os.cpus().length,
  loadAverageAtStart: +load0.toFixed(2),
  loadAverageAtEnd: +os.loadavg()[0].toFixed(2),
  targets: { msBatch: 30000, peakRssMb: 4096, lookupP95Ms: 20, matchPrecision: 0.999, recallWithReview: 0.98, reviewShare: 0.02 },
  pass: {
    batch: msBatch <= 30000,
    memory: peak <= 4096 * 1048576,
    lookup: p95 <= 20,
    matchPrecision: precision >= 0.999,
    recallWithReview: recallWithReview >= 0.98,
    reviewShare: reviewShare <= 0.02,
  },
};
console.log(`BENCH ${JSON.stringify(bench)}`);
