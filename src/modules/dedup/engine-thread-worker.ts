/**
 * Worker side of engine-thread.ts: decodes the transferred match keys and household columns, runs the engine's
 * `dedupe()` and the compare step (parts.ts), and sends the pairs back as typed arrays of record
 * indexes (into the batch's order) with the per-field weights as one UTF-8 JSON buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { engineRecord } from '../people/keys';
import { dedupe, type PersonRecord } from './engine';
import type { EngineInput, EngineMessage } from './engine-thread';
import { computeParts, orientPairs } from './parts';

const input = workerData as EngineInput;
const post = (m: EngineMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

async function main() {
  const decoder = new TextDecoder();
  const records: PersonRecord[] = [];
  // One string per household (the engine interns household ids as strings).
  const households: string[] = [];
  input.chunks.forEach((chunk, c) => {
    const page = JSON.parse(decoder.decode(chunk)) as [string, Record<string, unknown>][];
    const hh = input.households[c];
    for (let i = 0; i < page.length; i++) {
      const r = engineRecord(page[i][0], page[i][1], input.year);
      const h = hh[i];
      if (h) r.householdId = households[h] ??= String(h);
      records.push(r);
    }
  });
  const index = new Map<string, number>();
  for (let i = 0; i < records.length; i++) index.set(records[i].id, i);

  const thresholds = { match: input.matchThreshold, review: input.reviewThreshold };
  const result = dedupe(records, { matchThreshold: thresholds.match, reviewThreshold: thresholds.review, threads: input.threads });
  post({ type: 'stage', stage: 'compare' });
  const pairs = orientPairs(result.pairs);
  const withParts = await computeParts(records, pairs, thresholds, (done, total) => post({ type: 'progress', done, total }));

  const n = pairs.length;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  const score = new Float32Array(n);
  const match = new Uint8Array(n);
  for (let e = 0; e < n; e++) {
    const p = pairs[e];
    a[e] = index.get(p.a)!;
    b[e] = index.get(p.b)!;
    // The engine rounds scores to hundredths; the caller rounds the float again, so the stored
    // value equals the in-thread one.
    score[e] = p.score;
    match[e] = p.decision === 'match' ? 1 : 0;
  }
  const parts = new TextEncoder().encode(JSON.stringify(pairs.slice(0, withParts).map((p) => p.parts)));
  post({ type: 'done', a, b, score, match, parts, stats: result.stats }, [a.buffer, b.buffer, score.buffer, match.buffer, parts.buffer] as ArrayBuffer[]);
}

void main();
