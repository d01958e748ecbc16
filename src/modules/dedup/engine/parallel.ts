/**
 * Scoring candidate pairs on several cores (worker_threads). The pair arrays and the score array
 * live in one SharedArrayBuffer (the batch arena); per-record values (`rec`, address tokens) are
 * copied into shared memory once; the value tables (name keys, skeletons, tokens, counts) are
 * cloned into each worker. Main thread and workers take chunks of pairs from a shared atomic
 * counter, so a worker that starts late (loading its modules) simply takes fewer chunks. The call
 * is synchronous: the main thread scores too and then blocks on Atomics.wait until no worker is
 * inside a chunk. If a worker cannot start or fails, the main thread scores what is left.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { Interner, NameTable, type Prepared, type Tables } from './prepare';
import type { ScoreWeights } from './score';

export const CHUNK = 1 << 15;

/** Shared control words. */
const C_NEXT = 0; // next pair to hand out
const C_ACTIVE = 1; // workers inside a chunk
const C_FAILED = 2; // a worker failed: 1 + the start of the chunk it did not finish
const C_STOP = 3;

export interface TablesSnapshot {
  names: { values: string[]; skel: string[]; tokens: string[][]; rough: number[]; counts: Uint32Array[]; totals: number[] };
  docs: { values: string[]; counts: Uint32Array[]; totals: number[] };
  phones: { values: string[]; counts: Uint32Array[]; totals: number[] };
  locs: { values: string[]; counts: Uint32Array[]; totals: number[] };
  addr: { values: string[]; counts: Uint32Array[]; totals: number[] };
}

export interface ScoreJob {
  tables: TablesSnapshot;
  rec: Int32Array;
  addrTok: Int32Array;
  addrOff: Uint32Array;
  a: Uint32Array;
  b: Uint32Array;
  score: Float32Array;
  control: Int32Array;
  weights: ScoreWeights;
  floor: number;
}

const plain = (I: Interner) => ({ values: I.values, counts: I.counts, totals: I.totals });

export function snapshotTables(T: Tables): TablesSnapshot {
  const N = T.names;
  return { names: { ...plain(N), skel: N.skel, tokens: N.tokens, rough: N.rough }, docs: plain(T.docs), phones: plain(T.phones), locs: plain(T.locs), addr: plain(T.addr) };
}

/** Tables for scoring only (no id maps, no dictionary), from a snapshot. */
export function tablesFromSnapshot(s: TablesSnapshot): Tables {
  const fill = <I extends Interner>(I: I, x: { values: string[]; counts: Uint32Array[]; totals: number[] }): I => {
    (I as { values: string[] }).values = x.values;
    I.counts = x.counts;
    I.totals = x.totals;
    return I;
  };
  const names = fill(new NameTable(), s.names);
  (names as { skel: string[] }).skel = s.names.skel;
  (names as { tokens: string[][] }).tokens = s.names.tokens;
  (names as { rough: number[] }).rough = s.names.rough;
  return {
    names,
    docs: fill(new Interner(), s.docs),
    phones: fill(new Interner(), s.phones),
    locs: fill(new Interner(), s.locs),
    addr: fill(new Interner(), s.addr),
    dict: { latin: new Map(), simplified: new Map(), arabic: new Map() },
    birth: {},
  };
}

/** Prepared view with just what scorePair reads. */
export function preparedForScoring(rec: Int32Array, addrTok: Int32Array, addrOff: Uint32Array): Prepared {
  return { rec, addrTok, addrOff } as unknown as Prepared;
}

function shared<T extends Int32Array | Uint32Array | Float32Array>(x: T, make: (buf: SharedArrayBuffer) => T): T {
  if (x.buffer instanceof SharedArrayBuffer) return x;
  const out = make(new SharedArrayBuffer(Math.max(4, x.byteLength)));
  out.set(x as never);
  return out;
}

/** Worker count for `pairs` candidate pairs: none below a million pairs, else cores − 1 (≤ 3). */
export function defaultWorkers(pairs: number): number {
  if (pairs < 1_000_000) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(3, cores - 1));
}

const bootstraps = new Map<string, string | null>();
/**
 * Worker source that loads tsx and then `file` (next to this one); null when that is not possible
 * here. If loading fails, the worker sets word 3 (C_STOP) of `workerData.control`.
 */
export function workerSource(file = './score-worker.ts'): string | null {
  const known = bootstraps.get(file);
  if (known !== undefined) return known;
  let src: string | null;
  try {
    const tsx = import.meta.resolve('tsx/esm/api');
    const target = new URL(file, import.meta.url).href;
    src =
      `const { workerData } = require('node:worker_threads');` +
      `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); })` +
      `.catch(() => { const c = workerData.control; Atomics.store(c, ${C_STOP}, 1); Atomics.notify(c, 0); });`;
  } catch {
    src = null;
  }
  bootstraps.set(file, src);
  return src;
}

/**
 * Scores pairs (a[e], b[e]) into `score` with `workers` extra threads. `scoreRange` is the
 * single-thread scorer (main thread). Returns the number of workers that were started.
 */
export function scoreInParallel(
  T: Tables,
  P: Prepared,
  a: Uint32Array,
  b: Uint32Array,
  score: Float32Array,
  weights: ScoreWeights,
  floor: number,
  workers: number,
  scoreRange: (from: number, to: number) => void,
  onProgress?: (done: number, total: number) => void,
): number {
  const total = a.length;
  const src = workers > 0 ? workerSource() : null;
  if (!src || !(score.buffer instanceof SharedArrayBuffer)) {
    for (let from = 0; from < total; from += CHUNK) {
      scoreRange(from, Math.min(total, from + CHUNK));
      onProgress?.(Math.min(total, from + CHUNK), total);
    }
    return 0;
  }
  const control = new Int32Array(new SharedArrayBuffer(16));
  const job: ScoreJob = {
    tables: snapshotTables(T),
    rec: shared(P.rec, (s) => new Int32Array(s)),
    addrTok: shared(P.addrTok, (s) => new Int32Array(s)),
    addrOff: shared(P.addrOff, (s) => new Uint32Array(s)),
    a: shared(a, (s) => new Uint32Array(s)),
    b: shared(b, (s) => new Uint32Array(s)),
    score,
    control,
    weights,
    floor,
  };
  const started: Worker[] = [];
  for (let w = 0; w < workers; w++) {
    try {
      const worker = new Worker(src, { eval: true, workerData: job });
      worker.on('error', () => Atomics.store(control, C_STOP, 1));
      worker.unref();
      started.push(worker);
    } catch {
      break;
    }
  }
  let done = 0;
  for (;;) {
    const from = Atomics.add(control, C_NEXT, CHUNK);
    if (from >= total) break;
    const to = Math.min(total, from + CHUNK);
    scoreRange(from, to);
    done += to - from;
    onProgress?.(Math.min(Atomics.load(control, C_NEXT), total), total);
  }
  // Wait for chunks still being scored by workers.
  for (;;) {
    const active = Atomics.load(control, C_ACTIVE);
    if (active === 0) break;
    Atomics.wait(control, C_ACTIVE, active, 100);
  }
  const failed = Atomics.load(control, C_FAILED);
  if (failed > 0) scoreRange(failed - 1, Math.min(total, failed - 1 + CHUNK));
  for (const w of started) void w.terminate();
  onProgress?.(total, total);
  return started.length;
}

export const CONTROL = { C_NEXT, C_ACTIVE, C_FAILED, C_STOP };
