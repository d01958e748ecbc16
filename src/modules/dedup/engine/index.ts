/**
 * Matching engine: whole-dataset deduplication, two-file linkage and single-record lookup.
 * Pure TypeScript, no database. See normalise.ts, block.ts, score.ts and cluster.ts.
 */
import { performance } from 'node:perf_hooks';
import { Arena, blockingHashes, blockMembers, buildBlockIndex, candidatePairs, type BlockIndex, type BlockOptions } from './block';
import { clusterPairs } from './cluster';
import { applyHouseholdContext, householdCandidates } from './household';
import { defaultWorkers, scoreInParallel } from './parallel';
import { defaultVariantDictionary, type VariantDictionary } from './normalise';
import { defaultPrepareWorkers, preparePossiblyParallel } from './prepare-parallel';
import { newTables, prepare, type PersonRecord, type Prepared, type Tables, type Interner } from './prepare';
import { DEFAULT_WEIGHTS, FEBRL_WEIGHTS, nearPlaceTable, SCORE_PARTS, scorePair, type ScoreWeights } from './score';

export type { PersonRecord } from './prepare';
export { SCORE_PARTS } from './score';

export type Decision = 'match' | 'review' | 'distinct';

export interface DedupOptions extends BlockOptions {
  /** Score at or above which a pair is a match (default: see thresholdsFor). */
  matchThreshold?: number;
  /** Score at or above which a pair goes to review (default: match − 7). */
  reviewThreshold?: number;
  /** Clustering: share of cross pairs that must support a merge (default 0.5). */
  minShare?: number;
  /** Weight profile: 'registry' (default: households, Afghan/Pakistani names) or 'febrl'. */
  profile?: 'registry' | 'febrl';
  weights?: Partial<ScoreWeights>;
  /** Year that stated ages refer to (default: this year). */
  referenceYear?: number;
  /** ± years around a birth year estimated from an age (default 2, 3 from age 40). */
  ageTolerance?: number;
  dictionary?: VariantDictionary;
  /**
   * Threads for scoring (default: all cores, up to 4, from a million candidate pairs up; 1: only
   * the calling thread).
   */
  threads?: number;
  /**
   * Household context (household.ts): pairs between two households whose other members match
   * gain weight, pairs inside one household lose some. Default true; used only when records
   * carry householdId.
   */
  households?: boolean;
  /** Called now and then during scoring with (stage, done, total). */
  onProgress?: (stage: string, done: number, total: number) => void;
}

export const DEFAULT_MATCH_THRESHOLD = 16;

export interface ScoredPair {
  a: string;
  b: string;
  score: number;
  decision: Exclude<Decision, 'distinct'>;
}

export interface DedupStats {
  records: number;
  candidatePairs: number;
  blocks: number;
  oversizedBlocks: number;
  matchPairs: number;
  reviewPairs: number;
  refusedMerges: number;
  clusters: number;
  msNormalise: number;
  msBlock: number;
  msScore: number;
  msCluster: number;
  /**
   * Process CPU time per phase (all threads: scoring workers and V8's helpers included), which on
   * a shared machine says more than wall time.
   */
  cpuNormalise?: number;
  cpuBlock?: number;
  cpuScore?: number;
  cpuCluster?: number;
  /** Pairs raised by household co-member support, and pairs inside one household lowered. */
  householdSupported?: number;
  sameHouseholdPairs?: number;
  /** Candidate pairs added between households that share a match (included in candidatePairs). */
  householdPairs?: number;
}

export interface DedupResult {
  /** Scored pairs decided match or review (distinct pairs are not returned). */
  pairs: ScoredPair[];
  /** Clusters of two or more record ids. */
  clusters: string[][];
  /** Cluster label per input record (the index of the cluster's first record). */
  labels: Uint32Array;
  stats: DedupStats;
}

function decide(score: number, match: number, review: number): Decision {
  return score >= match ? 'match' : score >= review ? 'review' : 'distinct';
}

/**
 * Thresholds. A pair's score is a log2 likelihood ratio; the more records, the more look-alikes
 * each person has, so by default the match threshold rises with log2(n): 16 + 0.35·log2(n)
 * (21.1 at 24k records, 22.3 at 238k, 23.1 at 1.19M). With the lone-pair weight of household
 * context (household.ts) the false matches that used to need the steeper 12.5 + 0.6·log2(n) are
 * gone: at 238k records 1 lower than that formula kept precision at 0.9995, 2 lower fell to
 * 0.9986; at 1.19M 1.55 lower keeps 0.9994. The review band sits 7 below the match threshold
 * (at 1.19M records: recall counting review 0.980 with 1.74 % of records in review; the false
 * pairs in the band pile up at its bottom, 7.5 would add about 0.4 % of records for 0.001 of
 * recall). The febrl profile has fixed thresholds (12 / 8) tuned on febrl2.
 */
export function thresholdsFor(n: number, opts: DedupOptions = {}): { match: number; review: number } {
  const febrl = opts.profile === 'febrl';
  const match = opts.matchThreshold ?? (febrl ? 12 : Math.max(DEFAULT_MATCH_THRESHOLD, 16 + 0.35 * Math.log2(Math.max(n, 2))));
  const review = opts.reviewThreshold ?? (febrl ? 8 : match - 7);
  return { match, review };
}

function resolve(opts: DedupOptions, n: number) {
  return {
    ...thresholdsFor(n, opts),
    weights: { ...(opts.profile === 'febrl' ? FEBRL_WEIGHTS : DEFAULT_WEIGHTS), ...opts.weights },
    tables: newTables(opts.dictionary ?? defaultVariantDictionary(), { referenceYear: opts.referenceYear, ageTolerance: opts.ageTolerance }),
  };
}

// A module constant, not the imported binding: under CommonJS compilation (tsx) every call through
// an import reads a getter first, 30M times per batch at 1M records.
const scorePairLocal = scorePair;

function scoreAll(T: Tables, P: Prepared, a: Uint32Array, b: Uint32Array, W: ScoreWeights, floor: number, onProgress?: DedupOptions['onProgress'], arena?: Arena, threads?: number): Float32Array {
  const score = arena ? arena.f32(a.length) : new Float32Array(a.length);
  const range = (from: number, to: number) => {
    for (let e = from; e < to; e++) score[e] = scorePairLocal(T, P, a[e], P, b[e], W, undefined, floor);
  };
  const workers = threads !== undefined ? Math.max(0, threads - 1) : defaultWorkers(a.length);
  scoreInParallel(T, P, a, b, score, W, floor, workers, range, onProgress ? (done, total) => onProgress('score', done, total) : undefined);
  return score;
}

/**
 * Arena for one batch over n records: index keys and radix scratch, candidate CSR, pairs and
 * scores, and the household pass's pairs (only touched pages use memory).
 */
function batchArena(n: number): Arena {
  return new Arena(800 * n + (1 << 20));
}

/** prepare() on two threads when the batch is large enough (and `threads` is not 1). */
function prepareBatch(records: readonly PersonRecord[], tables: Tables, threads?: number): Prepared {
  const workers = threads !== undefined ? Math.min(1, Math.max(0, threads - 1)) : defaultPrepareWorkers(records.length);
  return preparePossiblyParallel(records, tables, workers);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Finds duplicates among `records`. */
export function dedupe(records: readonly PersonRecord[], opts: DedupOptions = {}): DedupResult {
  const { match, review, weights, tables } = resolve(opts, records.length);
  const c0 = cpuMs();
  const t0 = performance.now();
  const P = prepareBatch(records, tables, opts.threads);
  const t1 = performance.now();
  const c1 = cpuMs();
  const arena = batchArena(P.n);
  const index = buildBlockIndex(tables, P, arena);
  const cand = candidatePairs(tables, P, index, opts, 0, arena);
  const t2 = performance.now();
  const c2 = cpuMs();
  const useHouseholds = (opts.households ?? true) && P.withHousehold > 0;
  let score = scoreAll(tables, P, cand.a, cand.b, weights, review, opts.onProgress, arena, opts.threads);
  let hctx: { supported: number; sameHousehold: number; conflicts: number; added: number } | undefined;
  if (useHouseholds) {
    // Between two households that share a match: score the pairs blocking proposed exactly down
    // to the lowest score a co-member bonus can lift (scoring stops early below `review`), and
    // add the pairs it did not propose.
    const floor = review - Math.max(weights.householdSupport1, weights.householdSupport2);
    const extra = householdCandidates(P.hh, cand.a, cand.b, score, match);
    // One more scoring pass, on all cores like the first: the proposed pairs that scored below
    // `review` (again, down to `floor`), then the added ones.
    const ex = extra.existing;
    let k = 0;
    for (let q = 0; q < ex.length; q++) if (score[ex[q]] < review) k++;
    const total = k + extra.a.length;
    const ja = arena.u32(total);
    const jb = arena.u32(total);
    const at = new Uint32Array(k);
    for (let q = 0, w = 0; q < ex.length; q++) {
      const e = ex[q];
      if (score[e] >= review) continue;
      at[w] = e;
      ja[w] = cand.a[e];
      jb[w++] = cand.b[e];
    }
    ja.set(extra.a, k);
    jb.set(extra.b, k);
    const js = total ? scoreAll(tables, P, ja, jb, weights, floor, undefined, arena, opts.threads) : new Float32Array(0);
    for (let q = 0; q < k; q++) score[at[q]] = js[q];
    if (extra.a.length) {
      const m = cand.a.length;
      const a2 = arena.u32(m + extra.a.length);
      const b2 = arena.u32(m + extra.a.length);
      const s2 = arena.f32(m + extra.a.length);
      a2.set(cand.a);
      b2.set(cand.b);
      s2.set(score);
      a2.set(extra.a, m);
      b2.set(extra.b, m);
      s2.set(js.subarray(k), m);
      cand.a = a2;
      cand.b = b2;
      score = s2;
    }
    hctx = { ...applyHouseholdContext(P.hh, cand.a, cand.b, score, match, floor, weights, arena, review), added: extra.a.length };
  }
  const t3 = performance.now();
  const c3 = cpuMs();
  const { label, refused } = clusterPairs({ n: P.n, a: cand.a, b: cand.b, score, matchThreshold: match, reviewThreshold: review, minShare: opts.minShare });
  const pairs: ScoredPair[] = [];
  let matchPairs = 0;
  let reviewPairs = 0;
  for (let e = 0; e < score.length; e++) {
    const s = score[e];
    if (s < review) continue;
    const same = label[cand.a[e]] === label[cand.b[e]];
    const decision = same ? 'match' : 'review';
    if (decision === 'match') matchPairs++;
    else reviewPairs++;
    pairs.push({ a: P.ids[cand.a[e]], b: P.ids[cand.b[e]], score: Math.round(s * 100) / 100, decision });
  }
  const groups = new Map<number, string[]>();
  for (let i = 0; i < P.n; i++) {
    if (label[i] === i) continue;
    let g = groups.get(label[i]);
    if (!g) groups.set(label[i], (g = [P.ids[label[i]]]));
    g.push(P.ids[i]);
  }
  const t4 = performance.now();
  const c4 = cpuMs();
  return {
    pairs,
    clusters: [...groups.values()],
    labels: label,
    stats: {
      records: P.n,
      candidatePairs: cand.a.length,
      blocks: cand.blocks,
      oversizedBlocks: cand.oversized,
      matchPairs,
      reviewPairs,
      refusedMerges: refused,
      clusters: groups.size,
      msNormalise: Math.round(t1 - t0),
      msBlock: Math.round(t2 - t1),
      msScore: Math.round(t3 - t2),
      msCluster: Math.round(t4 - t3),
      cpuNormalise: Math.round(c1 - c0),
      cpuBlock: Math.round(c2 - c1),
      cpuScore: Math.round(c3 - c2),
      cpuCluster: Math.round(c4 - c3),
      ...(hctx ? { householdSupported: hctx.supported, sameHouseholdPairs: hctx.sameHousehold, householdPairs: hctx.added } : {}),
    },
  };
}

export interface LinkOptions extends DedupOptions {
  /** Each record links to at most one on the other side (default true). */
  oneToOne?: boolean;
}

export interface LinkResult {
  /** a: id on the left, b: id on the right. */
  pairs: ScoredPair[];
  stats: Omit<DedupStats, 'clusters' | 'refusedMerges'>;
}

/** Links two files (left × right): pairs across the files only. */
export function link(left: readonly PersonRecord[], right: readonly PersonRecord[], opts: LinkOptions = {}): LinkResult {
  const { match, review, weights, tables } = resolve(opts, left.length + right.length);
  const t0 = performance.now();
  const P = prepareBatch([...left, ...right], tables, opts.threads);
  const t1 = performance.now();
  const arena = batchArena(P.n);
  const index = buildBlockIndex(tables, P, arena);
  const cand = candidatePairs(tables, P, index, opts, left.length, arena);
  const t2 = performance.now();
  const score = scoreAll(tables, P, cand.a, cand.b, weights, review, opts.onProgress, arena, opts.threads);
  const t3 = performance.now();
  const order: number[] = [];
  for (let e = 0; e < score.length; e++) if (score[e] >= review) order.push(e);
  order.sort((x, y) => score[y] - score[x]);
  const usedA = new Uint8Array(P.n);
  const pairs: ScoredPair[] = [];
  let matchPairs = 0;
  let reviewPairs = 0;
  const oneToOne = opts.oneToOne ?? true;
  for (const e of order) {
    const x = cand.a[e];
    const y = cand.b[e];
    let decision = decide(score[e], match, review) as 'match' | 'review';
    if (oneToOne && (usedA[x] || usedA[y])) decision = 'review';
    else if (decision === 'match') usedA[x] = usedA[y] = 1;
    if (decision === 'match') matchPairs++;
    else reviewPairs++;
    pairs.push({ a: P.ids[x], b: P.ids[y], score: Math.round(score[e] * 100) / 100, decision });
  }
  const t4 = performance.now();
  return {
    pairs,
    stats: {
      records: P.n,
      candidatePairs: cand.a.length,
      blocks: cand.blocks,
      oversizedBlocks: cand.oversized,
      matchPairs,
      reviewPairs,
      msNormalise: Math.round(t1 - t0),
      msBlock: Math.round(t2 - t1),
      msScore: Math.round(t3 - t2),
      msCluster: Math.round(t4 - t3),
    },
  };
}

export interface LookupHit {
  id: string;
  /** Position of the record in the indexed array. */
  index: number;
  score: number;
  decision: Decision;
  /** Per-field weights, named by SCORE_PARTS. */
  parts: Record<(typeof SCORE_PARTS)[number], number>;
}

export interface LookupOptions {
  /** Most hits returned (default 10). */
  limit?: number;
  /** Include distinct candidates too (default false: match and review only). */
  includeDistinct?: boolean;
}

export interface DedupIndex {
  size: number;
  lookup(record: PersonRecord, opts?: LookupOptions): LookupHit[];
}

function snapshot(T: Tables) {
  const all: Interner[] = [T.names, T.docs, T.phones, T.locs, T.addr];
  return all.map((I) => [I, I.values.length] as const);
}

function truncate(snap: ReturnType<typeof snapshot>) {
  for (const [I, len] of snap) {
    for (let id = len; id < I.values.length; id++) I.ids.delete(I.values[id]);
    I.values.length = len;
  }
}

/** An index over `records` for single-record lookup (e.g. at registration time). */
export function buildIndex(records: readonly PersonRecord[], opts: DedupOptions & { perKeyCap?: number } = {}): DedupIndex {
  const { match, review, weights, tables } = resolve(opts, records.length);
  const P = prepareBatch(records, tables, opts.threads);
  const index: BlockIndex = buildBlockIndex(tables, P);
  tables.names.cacheBelow = tables.names.values.length;
  // Over the indexed records' place codes only (a query's new code is compared directly).
  nearPlaceTable(tables.locs);
  const perKeyCap = opts.perKeyCap ?? 1000;
  const keyBuf: number[] = [];
  const parts = new Float64Array(SCORE_PARTS.length);
  return {
    size: P.n,
    lookup(record, lo = {}) {
      const snap = snapshot(tables);
      try {
        const Q = prepare([record], tables, false);
        const nk = blockingHashes(tables, Q, 0, keyBuf);
        const members = new Set<number>();
        blockMembers(index, keyBuf, nk, perKeyCap, members);
        const hits: LookupHit[] = [];
        for (const j of members) {
          const s = scorePair(tables, Q, 0, P, j, weights, parts);
          const decision = decide(s, match, review);
          if (decision === 'distinct' && !lo.includeDistinct) continue;
          const named = Object.fromEntries(SCORE_PARTS.map((k, x) => [k, Math.round(parts[x] * 100) / 100])) as LookupHit['parts'];
          hits.push({ id: P.ids[j], index: j, score: Math.round(s * 100) / 100, decision, parts: named });
        }
        hits.sort((x, y) => y.score - x.score);
        return hits.slice(0, lo.limit ?? 10);
      } finally {
        truncate(snap);
      }
    },
  };
}
