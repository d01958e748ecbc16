/**
 * Worker side of parallel.ts: takes chunks of candidate pairs from the shared counter and writes
 * their scores into the shared score array.
 */
import { workerData } from 'node:worker_threads';
import { CHUNK, CONTROL, preparedForScoring, tablesFromSnapshot, type ScoreJob } from './parallel';
import { scorePair } from './score';

const job = workerData as ScoreJob;
const { C_NEXT, C_ACTIVE, C_FAILED, C_STOP } = CONTROL;
const c = job.control;
const T = tablesFromSnapshot(job.tables);
const P = preparedForScoring(job.rec, job.addrTok, job.addrOff);
const { a, b, score, weights, floor } = job;
const total = a.length;
const sp = scorePair;

while (Atomics.load(c, C_STOP) === 0) {
  Atomics.add(c, C_ACTIVE, 1);
  const from = Atomics.add(c, C_NEXT, CHUNK);
  if (from >= total) {
    Atomics.sub(c, C_ACTIVE, 1);
    Atomics.notify(c, C_ACTIVE);
    break;
  }
  const to = Math.min(total, from + CHUNK);
  try {
    for (let e = from; e < to; e++) score[e] = sp(T, P, a[e], P, b[e], weights, undefined, floor);
  } catch {
    Atomics.store(c, C_FAILED, from + 1);
    Atomics.store(c, C_STOP, 1);
  }
  Atomics.sub(c, C_ACTIVE, 1);
  Atomics.notify(c, C_ACTIVE);
}
