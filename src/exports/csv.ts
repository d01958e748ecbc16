import { checkEncoded, FORMULA_START, isEncoded, plain, type Chunk, type Column, type RowBatches, type TableOptions } from './table';

const NEEDS_QUOTES = /[",\r\n]/;

function quote(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Text cell: RFC 4180 quoting, and an apostrophe before a leading = + - @ (formula injection). */
export function csvText(s: string): string {
  return quote(FORMULA_START.test(s) ? `'${s}` : s);
}

/** One cell of a column of the given type (see ColumnType). */
export function csvCell(v: unknown, type: Column<unknown>['type'] = 'auto'): string {
  v = plain(v);
  if (v === null || v === undefined) return '';
  switch (type) {
    case 'number':
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      break;
    case 'date':
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      if (typeof v === 'string') return quote(v);
      break;
    case 'datetime':
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'string') return quote(v);
      break;
    case 'auto':
      if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
      if (v instanceof Date) return v.toISOString();
      break;
  }
  return csvText(v instanceof Date ? v.toISOString() : String(v));
}

/** Header or HXL row: our own labels, quoted when needed, never prefixed. */
export function csvLabelRow(labels: string[]): string {
  return labels.map(quote).join(',') + '\r\n';
}

/**
 * The table as CSV (RFC 4180, UTF-8, CRLF): header row, HXL row, then one chunk per batch of rows.
 * A lazy generator: the next batch is read only when the consumer asks for more.
 */
export async function* csvChunks<R>(columns: Column<R>[], batches: RowBatches<R>, opts: TableOptions = {}): AsyncGenerator<Chunk> {
  const head = (opts.bom ? '\uFEFF' : '') + csvLabelRow(columns.map((c) => c.header)) + csvLabelRow(columns.map((c) => c.hxl));
  yield { bytes: Buffer.from(head, 'utf8'), rows: 0 };
  const values = columns.map((c) => c.value);
  const types = columns.map((c) => c.type ?? 'auto');
  const n = columns.length;
  // Consecutive rows repeat many values (date, site, status): reuse the last cell's text.
  const lastValue: unknown[] = new Array(n).fill(Symbol('none'));
  const lastCell: string[] = new Array(n).fill('');
  let rows = 0;
  const encodeRow = (row: R): string => {
    let s = '';
    for (let i = 0; i < n; i++) {
      if (i) s += ',';
      const v = values[i](row);
      if (v === lastValue[i] && (v === null || typeof v !== 'object')) s += lastCell[i];
      else {
        const c = csvCell(v, types[i]);
        lastValue[i] = v;
        lastCell[i] = c;
        s += c;
      }
    }
    return s + '\r\n';
  };
  for await (const b of batches) {
    const encoded = isEncoded(b);
    if (encoded) checkEncoded(b, 'csv');
    const batch: readonly (R | string)[] = encoded ? b.lines : b;
    if (!batch.length) continue;
    let s = '';
    if (encoded) for (const row of batch) s += typeof row === 'string' ? row + '\r\n' : encodeRow(row);
    else for (const row of batch as readonly R[]) s += encodeRow(row);
    rows += batch.length;
    opts.onProgress?.(rows);
    yield { bytes: Buffer.from(s, 'utf8'), rows };
  }
}
