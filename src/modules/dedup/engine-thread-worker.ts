/**
 * Worker side of engine-thread.ts: decodes the transferred match keys, runs the engine's
 * `dedupe()` and sends the pairs back as typed arrays of record indexes (into the batch's order).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { engineRecord } from '../people/keys';
import { dedupe, type PersonRecord } from './engine';
import type { EngineInput, EngineOutput } from './engine-thread';

const input = workerData as EngineInput;
const decoder = new TextDecoder();
const records: PersonRecord[] = [];
for (const chunk of input.chunks) {
  const page = JSON.parse(decoder.decode(chunk)) as [string, Record<string, unknown>][];
  for (const [id, keys] of page) records.push(engineRecord(id, keys, input.year));
}
const index = new Map<string, number>();
for (let i = 0; i < records.length; i++) index.set(records[i].id, i);

const result = dedupe(records, { matchThreshold: input.matchThreshold, reviewThreshold: input.reviewThreshold, threads: input.threads });
const n = result.pairs.length;
const out: EngineOutput = { a: new Uint32Array(n), b: new Uint32Array(n), score: new Float32Array(n), match: new Uint8Array(n), stats: result.stats };
for (let e = 0; e < n; e++) {
  const p = result.pairs[e];
  out.a[e] = index.get(p.a)!;
  out.b[e] = index.get(p.b)!;
  // Scores are rounded to hundredths by the engine; the float is exact enough and the caller
  // rounds it again, so the stored value equals the in-thread one.
  out.score[e] = p.score;
  out.match[e] = p.decision === 'match' ? 1 : 0;
}
parentPort!.postMessage(out, [out.a.buffer, out.b.buffer, out.score.buffer, out.match.buffer] as ArrayBuffer[]);
