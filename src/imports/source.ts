import { chunksOf, csvRows } from './csv';
import { readXlsx } from './xlsx';

export type FileFormat = 'csv' | 'xlsx';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** XLSX when the bytes are a zip (or the name/type says so), else CSV. */
export function detectFormat(bytes: Uint8Array, name?: string, contentType?: string): FileFormat {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4) return 'xlsx';
  if (contentType?.includes('spreadsheetml') || /\.xlsx$/i.test(name ?? '')) return 'xlsx';
  return 'csv';
}

export interface Tabular {
  format: FileFormat;
  headers: string[];
  /** Data rows (about; CSV counts line breaks): for progress. */
  estimatedRows: number;
  /** Data rows in batches; `first` is the spreadsheet row number of the batch's first row (header = 1). */
  batches(): AsyncGenerator<{ first: number; rows: string[][] }>;
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  if (bytes.length && bytes[bytes.length - 1] !== 10) n++;
  return n;
}

const BATCH = 2000;

/** Opens a CSV or XLSX file held in memory: headers now, rows streamed in batches. */
export async function openTabular(bytes: Uint8Array, format: FileFormat): Promise<Tabular> {
  if (format === 'xlsx') {
    const sheet = readXlsx(bytes);
    const it = sheet.rows();
    const first = it.next();
    const headers = first.done ? [] : first.value.map((h) => h.trim());
    let used = false;
    return {
      format,
      headers,
      estimatedRows: Math.max(0, sheet.rowCount - 1),
      async *batches() {
        if (used) throw new Error('rows can be read once');
        used = true;
        let rowNumber = 2;
        let rows: string[][] = [];
        let start = rowNumber;
        for (let r = it.next(); !r.done; r = it.next()) {
          rows.push(r.value);
          if (rows.length >= BATCH) {
            yield { first: start, rows };
            start += rows.length;
            rows = [];
          }
          rowNumber++;
        }
        if (rows.length) yield { first: start, rows };
      },
    };
  }
  const gen = csvRows(chunksOf(bytes, 1 << 20));
  let pending: string[][] = [];
  let headers: string[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) break;
    const idx = r.value.findIndex((row) => row.length > 1 || row[0] !== '');
    if (idx < 0) continue;
    headers = r.value[idx].map((h) => h.trim());
    pending = r.value.slice(idx + 1);
    break;
  }
  let used = false;
  return {
    format,
    headers,
    estimatedRows: Math.max(0, countLines(bytes) - 1),
    async *batches() {
      if (used) throw new Error('rows can be read once');
      used = true;
      let start = 2;
      let rows = pending;
      pending = [];
      for (;;) {
        while (rows.length >= BATCH) {
          yield { first: start, rows: rows.slice(0, BATCH) };
          start += BATCH;
          rows = rows.slice(BATCH);
        }
        const r = await gen.next();
        if (r.done) break;
        rows = rows.length ? rows.concat(r.value) : r.value;
      }
      if (rows.length) yield { first: start, rows };
    },
  };
}
