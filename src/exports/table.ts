/**
 * The shape every tabular export shares: columns (header, HXL hashtag, how to read a value from a
 * row) and rows that arrive in batches from an async iterable, so a writer never holds more than
 * one batch. The writers (csv.ts, xlsx.ts) turn them into chunks of bytes; index.ts pipes those to
 * a file or an HTTP reply with backpressure.
 */

/**
 * How a column's cells are written.
 * - `auto` (default): by the value's JavaScript type (number → number, Date → date-time,
 *   boolean → boolean, anything else → text).
 * - `text`: always text. In CSV, text starting with = + - @ (or a tab / carriage return) gets a
 *   leading apostrophe so a spreadsheet does not run it as a formula.
 * - `number`: numbers; a non-numeric value falls back to text.
 * - `date`: a calendar date ('YYYY-MM-DD' string or Date): ISO text in CSV, a real date in XLSX.
 * - `datetime`: an instant (Date or ISO string): ISO text in CSV, a real date-time (UTC) in XLSX.
 */
export type ColumnType = 'auto' | 'text' | 'number' | 'date' | 'datetime';

export interface Column<R> {
  /** Header row text (machine-friendly: snake_case). */
  header: string;
  /** HXL hashtag with attributes, e.g. `#adm1+code`; '' when the column has none. */
  hxl: string;
  /** The cell value; null/undefined make an empty cell. Arrays are joined with a space (Kobo's select_multiple). */
  value: (row: R) => unknown;
  type?: ColumnType;
}

export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx'];

/**
 * Rows already encoded for one format by the reader (typically by SQL built with sqlRow in
 * sql-cells.ts), which the writer copies without looking at them: a CSV line without its line end
 * (cells joined by commas), or an XLSX row's cells (`<c>…</c>`, an empty one as `<c/>`; the writer
 * adds `<row r="…">`, `</row>` and drops trailing empty cells). An entry that is a row object
 * instead is encoded by the writer from the columns, as in a plain batch.
 */
export interface EncodedBatch<R = never> {
  encoded: ExportFormat;
  lines: readonly (string | R)[];
}

/** A batch of rows, or rows the reader has already encoded for the writer's format. */
export type RowBatch<R> = readonly R[] | EncodedBatch<R>;

/** Rows in batches: any (async) iterable of arrays, e.g. an async generator reading keyset pages. */
export type RowBatches<R> = AsyncIterable<RowBatch<R>> | Iterable<RowBatch<R>>;

export function isEncoded<R>(b: RowBatch<R>): b is EncodedBatch<R> {
  return !Array.isArray(b) && typeof (b as EncodedBatch<R>).encoded === 'string';
}

/** An encoded batch must be of the writer's format. */
export function checkEncoded<R>(b: EncodedBatch<R>, format: ExportFormat): void {
  if (b.encoded !== format) throw new Error(`A batch encoded as ${b.encoded} cannot be written as ${format}.`);
}

export interface TableOptions {
  /** CSV only: start with a UTF-8 byte order mark (some Excel versions need it to read UTF-8). Default off. */
  bom?: boolean;
  /** XLSX only: the sheet's name (max 31 characters; []:*?/\ are replaced). Default 'data'. */
  sheetName?: string;
  /** Called after each batch with the number of data rows written so far. */
  onProgress?: (rows: number) => void;
}

/** A chunk of output and the rows written so far (header and HXL rows not counted). */
export interface Chunk {
  bytes: Uint8Array;
  rows: number;
}

/** Leading characters a spreadsheet may run as a formula. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** Arrays become space-separated lists; other values pass through. */
export function plain(v: unknown): unknown {
  return Array.isArray(v) ? v.join(' ') : v;
}
