/**
 * Worker side of prepare-parallel.ts: receives the second part of a batch in column form,
 * prepares it into tables of its own and posts the result back (typed arrays transferred).
 */
import { workerData } from 'node:worker_threads';
import { defaultVariantDictionary } from './normalise';
import { decodeRecords, partTransfer, preparePart, type NormaliseJob } from './prepare-parallel';

const { control, port } = workerData as { control: Int32Array; port: import('node:worker_threads').MessagePort };

port.once('message', (job: NormaliseJob) => {
  try {
    const records = decodeRecords(job.records);
    const part = preparePart(records, job.dict ?? defaultVariantDictionary(), job.birth);
    port.postMessage(part, partTransfer(part));
    Atomics.store(control, 0, 1);
  } catch {
    Atomics.store(control, 0, 2);
  }
  Atomics.notify(control, 0);
  port.close();
});
