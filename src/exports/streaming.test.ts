import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { writeTable, type Column, type EncodedBatch, type ExportFormat } from './index';

/**
 * Bounded memory by construction: with a destination that stops taking bytes, the writer stops
 * pulling batches, so what waits in memory is a bounded number of batches and the streams'
 * high-water marks, whatever the number of rows. Checked by the protocol (which writes are
 * pending, how many batches the source made), not by time.
 */

interface Row {
  date: string;
  name: string;
  n: number;
}

const columns: Column<Row>[] = [
  { header: 'date', hxl: '#date', value: (r) => r.date, type: 'date' },
  { header: 'name', hxl: '#loc+name', value: (r) => r.name, type: 'text' },
  { header: 'n', hxl: '#affected', value: (r) => r.n, type: 'number' },
];

const BATCH = 2000;
const TOTAL = 200_000;

/** Batches made on demand (plain rows or already encoded lines); `made` tells how far the producer has run. */
function source(format: ExportFormat, encoded: boolean) {
  const state = { made: 0, batches: 0 };
  async function* batches(): AsyncGenerator<Row[] | EncodedBatch<Row>> {
    while (state.made < TOTAL) {
      const rows: Row[] = [];
      for (let i = 0; i < BATCH; i++) rows.push({ date: '2024-01-01', name: `site ${state.made + i} ${'x'.repeat(i % 50)}`, n: state.made + i });
      state.made += BATCH;
      state.batches++;
      if (!encoded) yield rows;
      else if (format === 'csv') yield { encoded: 'csv', lines: rows.map((r) => `${r.date},${r.name},${r.n}`) };
      else yield { encoded: 'xlsx', lines: rows.map((r) => `<c s="1"><v>45292</v></c><c t="inlineStr"><is><t>${r.name}</t></is></c><c><v>${r.n}</v></c>`) };
    }
  }
  return { state, batches: batches() };
}

/** A destination whose writes complete only when released: `pending` is the write it holds. */
function stalledSink() {
  const s = { bytes: 0, writes: 0, pending: null as null | (() => void) };
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _e, done) {
      s.bytes += chunk.length;
      s.writes++;
      s.pending = done;
    },
  });
  return { s, sink };
}

/** Lets every callback, promise and stream step that can run, run (event-loop turns, no timers). */
async function settle(turns = 200) {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

describe.each([
  ['csv', false],
  ['csv', true],
  ['xlsx', false],
  ['xlsx', true],
] as const)('%s writer (encoded batches: %s) against a destination that stops taking bytes', (format, encoded) => {
  it('stops pulling batches until the destination drains, then goes on to the end', async () => {
    const { state, batches } = source(format, encoded);
    const { s, sink } = stalledSink();
    const done = writeTable(format, columns, batches, sink);
    let rows: number | null = null;
    void done.then((n) => (rows = n));
    let maxAhead = 0;
    let releases = 0;
    for (;;) {
      await settle();
      if (rows !== null) break;
      // Stalled: nothing else can run until the destination takes the write it holds.
      expect(s.pending).not.toBeNull();
      const before = state.batches;
      await settle();
      expect(state.batches).toBe(before);
      // What the source has made beyond what reached the destination: the batch being written, the
      // next one in the readable's buffer, at most one more in the writer.
      maxAhead = Math.max(maxAhead, state.batches - s.writes);
      const release = s.pending!;
      s.pending = null;
      releases++;
      release();
    }
    expect(rows).toBe(TOTAL);
    expect(state.made).toBe(TOTAL);
    expect(releases).toBeGreaterThan(TOTAL / BATCH / 2);
    expect(maxAhead).toBeLessThanOrEqual(3);
  });
});
