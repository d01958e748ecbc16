/**
 * The engine step of a dedup run off the server's main thread. `dedupe()` is one synchronous
 * call (about 30 s at a million people); run inside the server process it would stall the event
 * loop, so health checks and every request would wait. Here a worker_threads Worker receives the
 * run's match keys as UTF-8 JSON pages in transferred buffers (no structured clone of a million
 * objects), beside them each page's household column (a Uint32Array of small household numbers,
 * also transferred: 4 bytes a record instead of a 36-character id in every JSON row), runs
 * `dedupe()` (whose scoring may start its own worker threads, engine/parallel.ts) and sends back the match/review pairs as typed arrays of record indexes, also transferred.
 * Cancellation terminates the worker.
 */
import { Worker } from 'node:worker_threads';
import type { DedupStats } from './engine';
import type { StoredPair } from './parts';

export interface EngineInput {
  /** UTF-8 JSON pages, each `[[id, match_keys], …]`, in the batch's order. */
  chunks: Uint8Array[];
  /**
   * Per page, each record's household as a number (1, 2, … in order of first sight over the
   * batch; 0: none). Only equality matters to the engine, so numbers stand in for the ids.
   */
  households: Uint32Array[];
  year: number;
  matchThreshold: number;
  reviewThreshold: number;
  threads?: number;
}

export interface EngineOutput {
  /** Record indexes of each pair, already `a < b` by id, in the engine's order. */
  a: Uint32Array;
  b: Uint32Array;
  score: Float32Array;
  /** 1 = match, 0 = review. */
  match: Uint8Array;
  /** UTF-8 JSON: the per-field weights (or null) of the first pairs (compare step). */
  parts: Uint8Array;
  stats: DedupStats;
}

export type EngineMessage = { type: 'stage'; stage: string } | { type: 'progress'; done: number; total: number } | ({ type: 'done' } & EngineOutput);

/** What the run gives the worker: stage and progress reports, and the cancellation check. */
export interface EngineHooks {
  stage(stage: string): Promise<void>;
  progress(done: number, total: number | null, message: string): Promise<void>;
  throwIfCancelled(): void;
}

let bootstrap: string | null | undefined;
/** Worker source that loads tsx, then the worker module; null when that cannot be done here. */
function workerSource(): string | null {
  if (bootstrap !== undefined) return bootstrap;
  try {
    const tsx = import.meta.resolve('tsx/esm/api');
    const target = new URL('./engine-thread-worker.ts', import.meta.url).href;
    bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); }).catch((err) => { throw err; });`;
  } catch {
    bootstrap = null;
  }
  return bootstrap;
}

/** Whether the engine can run in a worker thread here. */
export function engineThreadAvailable(): boolean {
  return workerSource() !== null;
}

/**
 * Runs the engine and the compare step in a worker. Its stage and progress reports are passed to
 * `hooks` in order; `hooks.throwIfCancelled` is checked every `pollMs`: when it throws (the job was
 * cancelled) the worker is terminated and that error is the result.
 */
export function dedupeInWorker(input: EngineInput, ids: readonly string[], hooks: EngineHooks, pollMs = 200): Promise<{ pairs: StoredPair[]; stats: DedupStats }> {
  const src = workerSource();
  if (!src) return Promise.reject(new Error('The matching engine cannot be started in a worker thread.'));
  return new Promise((resolve, reject) => {
    const worker = new Worker(src, { eval: true, workerData: input, transferList: [...input.chunks, ...input.households].map((c) => c.buffer as ArrayBuffer) });
    let settled = false;
    // Reports are handled one after the other (each may write to the database).
    let chain: Promise<void> = Promise.resolve();
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      void worker.terminate();
      reject(err);
    };
    const timer = setInterval(() => {
      try {
        hooks.throwIfCancelled();
      } catch (err) {
        fail(err);
      }
    }, pollMs);
    worker.on('message', (m: EngineMessage) => {
      if (m.type === 'stage') chain = chain.then(() => hooks.stage(m.stage));
      else if (m.type === 'progress') chain = chain.then(() => hooks.progress(m.done, m.total, 'compare'));
      else {
        clearInterval(timer);
        chain.then(() => {
          if (settled) return;
          settled = true;
          void worker.terminate();
          const parts = JSON.parse(new TextDecoder().decode(m.parts)) as (Record<string, number> | null)[];
          const pairs: StoredPair[] = new Array(m.a.length);
          for (let e = 0; e < m.a.length; e++) pairs[e] = { a: ids[m.a[e]], b: ids[m.b[e]], score: Math.round(m.score[e] * 100) / 100, decision: m.match[e] ? 'match' : 'review', parts: parts[e] ?? null };
          resolve({ pairs, stats: m.stats });
        }, fail);
        return;
      }
      chain = chain.then(() => hooks.throwIfCancelled()).catch((err) => fail(err));
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => {
      if (!settled) chain.then(() => fail(new Error(`The matching engine's worker stopped (exit code ${code}) before it answered.`)));
    });
  });
}
