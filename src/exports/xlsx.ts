import { Zip, ZipDeflate, type AsyncFlateStreamHandler, type ZipInputFile } from 'fflate';
import zlib from 'node:zlib';
import { checkEncoded, isEncoded, plain, type Chunk, type Column, type ColumnType, type RowBatches, type TableOptions } from './table';

/**
 * XLSX (Office Open XML spreadsheet) written by hand and zipped with fflate's streaming Zip:
 * the static parts first, then one worksheet whose rows are deflated as they arrive, so memory
 * stays flat however many rows there are. Text goes in inline strings (no shared-string table to
 * keep in memory); an inline string is never evaluated, so text needs no formula guard here.
 * Numbers are numbers; `date` / `datetime` columns are real dates (styles 1 and 2); the header row
 * is bold and the HXL row italic, and both stay frozen at the top.
 */

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const CONTENT_TYPES =
  XML_HEAD +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
  '</Types>';

const ROOT_RELS =
  XML_HEAD +
  `<Relationships xmlns="${PKG_REL_NS}">` +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
  '</Relationships>';

const WORKBOOK_RELS =
  XML_HEAD +
  `<Relationships xmlns="${PKG_REL_NS}">` +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
  '</Relationships>';

/** Cell styles: 0 plain, 1 date, 2 date-time, 3 header (bold), 4 HXL row (italic, grey). */
const STYLES =
  XML_HEAD +
  `<styleSheet xmlns="${MAIN_NS}">` +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
  '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><i/><sz val="11"/><color rgb="FF595959"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="5">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

const workbook = (sheetName: string) =>
  XML_HEAD +
  `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
  `<sheets><sheet name="${attrEscape(sheetName)}" sheetId="1" r:id="rId1"/></sheets>` +
  '</workbook>';

/** Characters XML 1.0 does not allow (controls other than tab, LF, CR; U+FFFE/FFFF). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_SPECIAL = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Text content of an element (quotes need no escaping there). */
export function xmlEscape(s: string): string {
  if (!XML_SPECIAL.test(s)) return s;
  return s.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attrEscape(s: string): string {
  return xmlEscape(s).replace(/"/g, '&quot;');
}

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Excel's serial day number (1900 date system): days since 1899-12-30, UTC. */
export function excelSerial(ms: number): number {
  return ms / 86_400_000 + 25_569;
}

export const MAX_CELL_TEXT = 32_767;
/** An empty cell inside an encoded row (trailing ones are dropped), see sql-cells.ts. */
export const XLSX_EMPTY = '<c/>';
/** Separates the rows of an XLSX page that a reader gets as one text: XML forbids U+0001, so no encoded row holds it. */
export const XLSX_ROW_SEPARATOR = '\u0001';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function textCell(s: string, style = ''): string {
  if (s.length > MAX_CELL_TEXT) s = s.slice(0, MAX_CELL_TEXT);
  const space = s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32 ? ' xml:space="preserve"' : '';
  return `<c${style} t="inlineStr"><is><t${space}>${xmlEscape(s)}</t></is></c>`;
}

/**
 * One cell as SpreadsheetML, '' for an empty one. Cells carry no `r` reference (it is optional:
 * readers place cells in order), which makes the sheet ~25% smaller and faster to write; an empty
 * cell followed by others is written as `<c/>` to keep the columns in place.
 */
export function xlsxCell(v: unknown, type: ColumnType = 'auto'): string {
  v = plain(v);
  if (v === null || v === undefined || v === '') return '';
  if (type === 'text') return textCell(v instanceof Date ? v.toISOString() : String(v));
  if (typeof v === 'number') {
    if (type === 'date' || type === 'datetime' || !Number.isFinite(v)) return textCell(String(v));
    return `<c><v>${v}</v></c>`;
  }
  if (typeof v === 'bigint') return `<c><v>${v}</v></c>`;
  if (typeof v === 'boolean') return `<c t="b"><v>${v ? 1 : 0}</v></c>`;
  if (type === 'date') {
    let ms = NaN;
    if (v instanceof Date) ms = Date.UTC(v.getUTCFullYear(), v.getUTCMonth(), v.getUTCDate());
    else if (typeof v === 'string') {
      const m = ISO_DATE.exec(v);
      if (m) ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    }
    if (!Number.isNaN(ms)) return `<c s="1"><v>${excelSerial(ms)}</v></c>`;
  }
  if (type === 'datetime' || (type === 'auto' && v instanceof Date)) {
    const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isNaN(ms)) return `<c s="2"><v>${excelSerial(ms)}</v></c>`;
  }
  if (type === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return `<c><v>${Number(v)}</v></c>`;
  return textCell(v instanceof Date ? v.toISOString() : String(v));
}

/** Cells of one row in order; empty ones become `<c/>` only when a later cell is filled. */
function rowXml(r: number, cells: string[]): string {
  let s = `<row r="${r}">`;
  let gap = 0;
  for (const c of cells) {
    if (!c) {
      gap++;
      continue;
    }
    for (; gap > 0; gap--) s += '<c/>';
    s += c;
  }
  return s + '</row>';
}

function labelRow(r: number, labels: string[], style: number): string {
  return rowXml(r, labels.map((l) => (l ? textCell(l, ` s="${style}"`) : '')));
}

export function safeSheetName(name: string | undefined): string {
  const s = (name ?? 'data').replace(/[[\]:*?/\\]/g, '_').slice(0, 31);
  return s || 'data';
}

/**
 * A zip entry deflated by Node's native zlib instead of fflate's JavaScript deflate (measured on
 * sheet XML: ~40 MB/s for fflate at any level, >500 MB/s for zlib level 1, which is what lets
 * XLSX reach 100,000+ rows/s). fflate's Zip still writes the container. Each pushed chunk is
 * compressed on its own and ends with a sync flush (a non-final block on a byte boundary), so the
 * concatenation is one valid deflate stream; the last chunk ends it with Z_FINISH.
 */
class NativeZipDeflate implements ZipInputFile {
  size = 0;
  crc = 0;
  compression = 8;
  ondata!: AsyncFlateStreamHandler;
  constructor(
    public filename: string,
    private level: number,
  ) {}
  push(chunk: Uint8Array, final = false): void {
    this.crc = zlib.crc32(chunk, this.crc);
    this.size += chunk.length;
    const out = zlib.deflateRawSync(chunk, { level: this.level, finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH });
    this.ondata(null, out, final);
  }
}

/** Worksheet entry: native zlib (level 1) when this Node has zlib.crc32 (≥ 20.15), else fflate. */
function sheetEntry(name: string): { push(chunk: Uint8Array, final?: boolean): void } & ZipInputFile {
  return typeof zlib.crc32 === 'function' ? new NativeZipDeflate(name, 1) : new ZipDeflate(name, { level: 1 });
}

/**
 * The table as an .xlsx file, in chunks: header row (bold), HXL row (italic), then the data rows.
 * Lazy: the next batch is read only when the consumer asks for more.
 */
export async function* xlsxChunks<R>(columns: Column<R>[], batches: RowBatches<R>, opts: TableOptions = {}): AsyncGenerator<Chunk> {
  let pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else if (data.length) pending.push(data);
  });
  const take = (rows: number): Chunk | null => {
    if (failure) throw failure;
    if (!pending.length) return null;
    const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    return { bytes, rows };
  };
  const part = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(Buffer.from(text, 'utf8'), true);
  };
  part('[Content_Types].xml', CONTENT_TYPES);
  part('_rels/.rels', ROOT_RELS);
  part('xl/workbook.xml', workbook(safeSheetName(opts.sheetName)));
  part('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
  part('xl/styles.xml', STYLES);

  const sheet = sheetEntry('xl/worksheets/sheet1.xml');
  zip.add(sheet);
  const widths = columns.map((c) => Math.min(60, Math.max(8, c.header.length + 2, c.hxl.length + 1)));
  sheet.push(
    Buffer.from(
      XML_HEAD +
        `<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
        '<sheetFormatPr defaultRowHeight="15"/>' +
        `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` +
        '<sheetData>' +
        labelRow(1, columns.map((c) => c.header), 3) +
        labelRow(2, columns.map((c) => c.hxl), 4),
      'utf8',
    ),
  );
  const first = take(0);
  if (first) yield first;

  const values = columns.map((c) => c.value);
  const types = columns.map((c) => c.type ?? 'auto');
  const n = columns.length;
  const lastValue: unknown[] = new Array(n).fill(Symbol('none'));
  const lastCell: string[] = new Array(n).fill('');
  let rows = 0;
  const encodeRow = (row: R): string => {
    let s = `<row r="${rows + 2}">`;
    let gap = 0;
    for (let i = 0; i < n; i++) {
      // Consecutive rows repeat many values (date, site, status): reuse the last cell's XML.
      const v = values[i](row);
      let c: string;
      if (v === lastValue[i] && (v === null || typeof v !== 'object')) c = lastCell[i];
      else {
        c = xlsxCell(v, types[i]);
        lastValue[i] = v;
        lastCell[i] = c;
      }
      if (!c) {
        gap++;
        continue;
      }
      for (; gap > 0; gap--) s += '<c/>';
      s += c;
    }
    return s + '</row>';
  };
  // A batch's rows are written straight into one buffer, kept from batch to batch (the native
  // entry deflates and checksums a chunk before push returns): building the batch as one string
  // first cost more than the deflate (the joined text flattened, then encoded).
  const reuse = sheet instanceof NativeZipDeflate;
  let scratch = Buffer.allocUnsafe(0);
  for await (const b of batches) {
    const encoded = isEncoded(b);
    if (encoded) checkEncoded(b, 'xlsx');
    const batch: readonly (R | string)[] = encoded ? b.lines : b;
    if (!batch.length) continue;
    const lines = new Array<string>(batch.length);
    // UTF-8 takes at most 3 bytes per UTF-16 unit; `<row r="…">` and `</row>` at most 32.
    let room = 0;
    for (let i = 0; i < batch.length; i++) {
      rows++;
      const row = batch[i];
      const line = encoded && typeof row === 'string' ? row : encodeRow(row as R);
      lines[i] = line;
      room += 3 * line.length + 32;
    }
    if (!reuse || scratch.length < room) scratch = Buffer.allocUnsafe(Math.max(room, reuse ? 2 * scratch.length : 0));
    let at = 0;
    let r = rows - batch.length + 3;
    for (let i = 0; i < lines.length; i++, r++) {
      const line = lines[i];
      const row = batch[i];
      if (encoded && typeof row === 'string') {
        // Encoded cells: drop trailing empty cells, add the row element.
        let end = line.length;
        while (end >= XLSX_EMPTY.length && line.endsWith(XLSX_EMPTY, end)) end -= XLSX_EMPTY.length;
        at += scratch.write(`<row r="${r}">`, at, 'latin1');
        at += scratch.write(end === line.length ? line : line.slice(0, end), at, 'utf8');
        at += scratch.write('</row>', at, 'latin1');
      } else at += scratch.write(line, at, 'utf8');
    }
    sheet.push(scratch.subarray(0, at));
    opts.onProgress?.(rows);
    const out = take(rows);
    if (out) yield out;
  }
  sheet.push(Buffer.from('</sheetData></worksheet>', 'utf8'), true);
  zip.end();
  const last = take(rows);
  if (last) yield last;
}
