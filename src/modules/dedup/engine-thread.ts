/**
 * The engine step of a dedup run off the server's main thread. `dedupe()` is one synchronous
 * call (about 30 s at a million people); run inside the server process it would stall the event
 * loop, so health checks and every request would wait. Here a worker_threads Worker receives the
 * run's match keys as UTF-8 JSON pages in transferred buffers (no structured clone of a million
 * objects), runs `dedupe()` (whose scoring may start its own worker threads, engine/parallel.ts)
 * and sends back the match/review pairs as typed arrays of record indexes, also transferred.
 * Cancellation terminates the worker.
 */
import { Worker } from 'node:worker_threads';
import type { DedupStats, ScoredPair } from './engine';

export interface EngineInput {
  /** UTF-8 JSON pages, each `[[id, match_keys], …]`, in the batch's order. */
  chunks: Uint8Array[];
  year: number;
  matchThreshold: number;
  reviewThreshold: number;
  threads?: number;
}

export interface EngineOutput {
  a: Uint32Array;
  b: Uint32Array;
  score: Float32Array;
  /** 1 = match, 0 = review. */
  match: Uint8Array;
  stats: DedupStats;
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
 * Runs the engine in a worker. `poll` is called every `pollMs` while it works; when it throws
 * (e.g. the job was cancelled) the worker is terminated and the error is the result.
 */
export function dedupeInWorker(input: EngineInput, ids: readonly string[], poll: () => void, pollMs = 200): Promise<{ pairs: ScoredPair[]; stats: DedupStats }> {
  const src = workerSource();
  if (!src) return Promise.reject(new Error('The matching engine cannot be started in a worker thread.'));
  return new Promise((resolve, reject) => {
    const worker = new Worker(src, { eval: true, workerData: input, transferList: input.chunks.map((c) => c.buffer as ArrayBuffer) });
    let settled = false;
    const finish = (err: unknown, out?: EngineOutput) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      void worker.terminate();
      if (err) return reject(err);
      const o = out!;
      const pairs: ScoredPair[] = new Array(o.a.length);
      for (let e = 0; e < o.a.length; e++) pairs[e] = { a: ids[o.a[e]], b: ids[o.b[e]], score: Math.round(o.score[e] * 100) / 100, decision: o.match[e] ? 'match' : 'review' };
      resolve({ pairs, stats: o.stats });
    };
    const timer = setInterval(() => {
      try {
        poll();
      } catch (err) {
        finish(err);
      }
    }, pollMs);
    worker.on('message', (out: EngineOutput) => finish(null, out));
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => finish(new Error(`The matching engine's worker stopped (exit code ${code}) before it answered.`)));
  });
}
