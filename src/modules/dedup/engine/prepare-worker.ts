/**
 * Worker side of prepare-parallel.ts: receives the second part of a batch in chunks of column
 * form, prepares it into tables of its own as the chunks arrive (blocking on the shared chunk
 * counter when it is ahead) and posts the result back (typed arrays transferred).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { defaultVariantDictionary, type VariantDictionary } from './normalise';
import { decodeRecords, N_ABORT, N_CHUNKS, N_STATE, partTransfer, preparePart, type NormaliseChunk } from './prepare-parallel';
import type { PersonRecord } from './prepare';

const { control, port } = workerData as { control: Int32Array; port: MessagePort };

/** The next chunk, waiting for it; null when the main thread will send no more. */
function next(): NormaliseChunk | null {
  for (;;) {
    if (Atomics.load(control, N_ABORT)) return null;
    const seen = Atomics.load(control, N_CHUNKS);
    const got = receiveMessageOnPort(port);
    if (got) return got.message as NormaliseChunk;
    Atomics.wait(control, N_CHUNKS, seen, 50);
  }
}

try {
  const first = next();
  if (!first?.first) throw new Error('no part');
  const { total, dict, birth } = first.first;
  const records: PersonRecord[] = new Array(total);
  let ready = 0;
  const take = (c: NormaliseChunk) => {
    decodeRecords(c.records, records, ready);
    ready += c.records.n;
  };
  take(first);
  const more = (i: number): number => {
    while (ready <= i) {
      const c = next();
      if (!c) throw new Error('stopped');
      take(c);
    }
    return ready;
  };
  const part = preparePart(records, (dict as VariantDictionary | null) ?? defaultVariantDictionary(), birth, more);
  port.postMessage(part, partTransfer(part));
  Atomics.store(control, N_STATE, 1);
} catch {
  Atomics.store(control, N_STATE, 2);
}
Atomics.notify(control, N_STATE);
port.close();
