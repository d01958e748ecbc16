import { chunksOf, csvRows } from './csv';
import { readXlsx, readXlsxSheets, type XlsxSheet } from './xlsx';

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
  /**
   * Data rows in batches; `first` is the spreadsheet row number of the batch's first row: the
   * file's own numbering, blank rows before the header counted (header on row 1 → data from 2).
   */
  batches(): AsyncGenerator<TabularBatch>;
  /**
   * A Kobo/ODK workbook read joined with its repeat sheet (joinRepeatSheet): the two sheets' names;
   * the first `mainColumns` headers are the main sheet's.
   */
  sheets?: { main: string; repeat: string; mainColumns: number };
}

export interface TabularBatch {
  first: number;
  rows: string[][];
  /** Joined workbooks: the sheet whose row numbers these are (the repeat sheet, or the main sheet for a submission without repeat entries). */
  sheet?: string;
  /** Joined workbooks: per row, the row of its submission in the main sheet (undefined for a repeat entry without one). */
  mainRows?: (number | undefined)[];
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  if (bytes.length && bytes[bytes.length - 1] !== 10) n++;
  return n;
}

const BATCH = 2000;

/** A row with no cell holding anything but white space (a blank line of a CSV is ['']). */
const isBlank = (row: readonly string[]) => row.every((c) => c.trim() === '');

export interface TabularOptions {
  /**
   * XLSX from Kobo/ODK with a repeat group (members of a household): the export's main sheet has
   * one row per submission (`_index`, `_uuid`) and a later sheet one row per repeat entry, linked
   * by `_parent_index` (or `_submission__uuid`). With this option such a workbook reads as one
   * table: a row per repeat entry carrying its parent's columns (see joinRepeatSheet).
   */
  joinRepeats?: boolean;
}

/** Opens a CSV or XLSX file held in memory: headers now, rows streamed in batches. */
export async function openTabular(bytes: Uint8Array, format: FileFormat, opts: TabularOptions = {}): Promise<Tabular> {
  if (format === 'xlsx' && opts.joinRepeats) {
    const sheets = readXlsxSheets(bytes);
    const joined = sheets.length > 1 ? joinRepeatSheet(sheets) : null;
    if (joined) return joined;
  }
  if (format === 'xlsx') {
    const sheet = readXlsx(bytes);
    const it = sheet.rows();
    // The header is the first row with anything in it; empty rows above it still count.
    let headerRow = 0;
    let headers: string[] = [];
    for (let r = it.next(); !r.done; r = it.next()) {
      headerRow++;
      if (!isBlank(r.value)) {
        headers = r.value.map((h) => h.trim());
        break;
      }
    }
    let used = false;
    return {
      format,
      headers,
      estimatedRows: Math.max(0, sheet.rowCount - 1),
      async *batches() {
        if (used) throw new Error('rows can be read once');
        used = true;
        let rowNumber = headerRow + 1;
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
  // Records before the header that are blank (csvRows gives a blank line as ['']): they are rows
  // of the spreadsheet too, so the header's row number counts them. A quoted cell holding line
  // breaks is one row, as a spreadsheet shows it.
  let before = 0;
  for (;;) {
    const r = await gen.next();
    if (r.done) break;
    const idx = r.value.findIndex((row) => !isBlank(row));
    if (idx < 0) {
      before += r.value.length;
      continue;
    }
    before += idx;
    headers = r.value[idx].map((h) => h.trim());
    pending = r.value.slice(idx + 1);
    break;
  }
  const headerRow = before + 1;
  let used = false;
  return {
    format,
    headers,
    estimatedRows: Math.max(0, countLines(bytes) - headerRow),
    async *batches() {
      if (used) throw new Error('rows can be read once');
      used = true;
      let start = headerRow + 1;
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

const headerRow = (sheet: XlsxSheet) => {
  const first = sheet.rows().next();
  return first.done ? [] : first.value.map((h) => h.trim());
};

/**
 * The main sheet joined with the first repeat-group sheet after it (one whose header has
 * `_parent_index` or `_submission__uuid`); null when there is none. Columns: the main sheet's,
 * then the repeat sheet's (a name the main sheet already has, such as `_index`, becomes
 * `<sheet name>/_index`). Rows are numbered as in the repeat sheet, in its order; a submission
 * without repeat entries comes after them as one row with its own columns only, numbered as in the
 * main sheet. Each batch names the sheet its row numbers belong to and, per row, the main sheet's
 * row of its submission (`sheet`, `mainRows`), so a report can name either sheet's row.
 */
export function joinRepeatSheet(sheets: XlsxSheet[]): Tabular | null {
  const main = sheets[0];
  const mainHeaders = headerRow(main);
  const mainIndex = mainHeaders.indexOf('_index');
  const mainUuid = mainHeaders.indexOf('_uuid');
  for (const child of sheets.slice(1)) {
    const childHeaders = headerRow(child);
    const parentIndex = childHeaders.indexOf('_parent_index');
    const parentUuid = childHeaders.indexOf('_submission__uuid');
    const by = parentIndex >= 0 && mainIndex >= 0 ? { c: parentIndex, m: mainIndex } : parentUuid >= 0 && mainUuid >= 0 ? { c: parentUuid, m: mainUuid } : null;
    if (!by) continue;
    const taken = new Set(mainHeaders);
    const headers = [...mainHeaders, ...childHeaders.map((h) => (taken.has(h) ? `${child.name}/${h}` : h))];
    // Parents by their key, with their row numbers.
    const parents = new Map<string, { row: number; cells: string[]; used: boolean }>();
    const order: { row: number; cells: string[]; used: boolean }[] = [];
    let n = 0;
    for (const cells of main.rows()) {
      n++;
      if (n === 1 || cells.every((c) => c === '')) continue;
      const p = { row: n, cells, used: false };
      order.push(p);
      const key = (cells[by.m] ?? '').trim();
      if (key && !parents.has(key)) parents.set(key, p);
    }
    const width = mainHeaders.length;
    const pad = (cells: string[]) => (cells.length >= width ? cells.slice(0, width) : [...cells, ...Array<string>(width - cells.length).fill('')]);
    let used = false;
    return {
      format: 'xlsx',
      headers,
      estimatedRows: Math.max(0, child.rowCount - 1) + order.length,
      sheets: { main: main.name, repeat: child.name, mainColumns: mainHeaders.length },
      async *batches() {
        if (used) throw new Error('rows can be read once');
        used = true;
        let rows: string[][] = [];
        let mainRows: (number | undefined)[] = [];
        let start = 2;
        let r = 0;
        for (const cells of child.rows()) {
          r++;
          if (r === 1) continue;
          const parent = parents.get((cells[by.c] ?? '').trim());
          if (parent) parent.used = true;
          rows.push(cells.every((c) => c === '') ? [] : [...pad(parent?.cells ?? []), ...cells]);
          mainRows.push(parent?.row);
          if (rows.length >= BATCH) {
            yield { first: start, rows, sheet: child.name, mainRows };
            start += rows.length;
            rows = [];
            mainRows = [];
          }
        }
        if (rows.length) yield { first: start, rows, sheet: child.name, mainRows };
        for (const p of order) if (!p.used) yield { first: p.row, rows: [pad(p.cells)], sheet: main.name, mainRows: [p.row] };
      },
    };
  }
  return null;
}
