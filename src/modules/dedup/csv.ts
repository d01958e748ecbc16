/**
 * Streaming CSV for the dedup and PPRL command-line tools: a small RFC 4180 reader (quoted fields,
 * doubled quotes, newlines inside quotes, CRLF or LF, a UTF-8 byte-order mark) that parses chunk by
 * chunk, so a file of millions of rows is never held as one string; and a writer that quotes
 * only when needed.
 */
import { createReadStream } from 'node:fs';

export interface CsvReadOptions {
  /** Field separator (default: guessed from the header line among , ; tab |). */
  delimiter?: string;
  /** Trim spaces around unquoted fields (default true: FEBRL writes ", "). */
  trim?: boolean;
  /** Called with bytes read so far and the file size, for progress. */
  onBytes?: (read: number) => void;
}

/** Incremental parser: feed text, get complete rows. */
export class CsvParser {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** Inside quotes. */
  private inQ = false;
  /** Just saw a quote inside quotes (either the end or the first of a doubled quote). */
  private quoteSeen = false;
  private started = false;
  /** A carriage return outside quotes, dropped if a newline follows. */
  private cr = false;
  constructor(
    public delimiter: string | undefined,
    private readonly trim = true,
  ) {}

  private endField(): void {
    this.row.push(this.quoted || !this.trim ? this.field : this.field.trim());
    this.field = '';
    this.quoted = false;
  }

  /** Parses `text`; complete rows are passed to `emit`. */
  feed(text: string, emit: (row: string[]) => void): void {
    if (!this.started) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.delimiter ??= guessDelimiter(text);
      this.started = true;
    }
    const d = this.delimiter!;
    let plainFrom = -1;
    const flushPlain = (to: number) => {
      if (plainFrom >= 0) {
        this.field += text.slice(plainFrom, to);
        plainFrom = -1;
      }
    };
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.inQ) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQ = false;
          // fall through: c is handled as outside quotes
        } else if (c === '"') {
          flushPlain(i);
          this.quoteSeen = true;
          continue;
        } else {
          if (plainFrom < 0) plainFrom = i;
          continue;
        }
      }
      if (this.cr) {
        this.cr = false;
        if (c !== '\n') this.field += '\r';
      }
      if (c === '\r') {
        flushPlain(i);
        this.cr = true;
      } else if (c === d) {
        flushPlain(i);
        this.endField();
      } else if (c === '\n') {
        flushPlain(i);
        this.endField();
        const row = this.row;
        this.row = [];
        if (!(row.length === 1 && row[0] === '')) emit(row);
      } else if (c === '"' && this.field.trim() === '' && plainFrom < 0) {
        this.field = '';
        this.inQ = true;
        this.quoted = true;
      } else if (plainFrom < 0) plainFrom = i;
    }
    flushPlain(text.length);
  }

  /** Ends the input: the last row if it had no newline. */
  end(emit: (row: string[]) => void): void {
    if (this.inQ && this.quoteSeen) {
      this.inQ = false;
      this.quoteSeen = false;
    }
    this.cr = false;
    if (this.field !== '' || this.row.length) {
      this.endField();
      const row = this.row;
      this.row = [];
      if (!(row.length === 1 && row[0] === '')) emit(row);
    }
  }
}

/** The separator that occurs most often in the first line (outside quotes, roughly). */
export function guessDelimiter(text: string): string {
  const nl = text.indexOf('\n');
  const line = nl >= 0 ? text.slice(0, nl) : text;
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const c = line.split(d).length - 1;
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

/** Parses a whole CSV string into rows (tests, small inputs). */
export function parseCsv(text: string, opts: CsvReadOptions = {}): string[][] {
  const p = new CsvParser(opts.delimiter, opts.trim ?? true);
  const rows: string[][] = [];
  p.feed(text, (r) => rows.push(r));
  p.end((r) => rows.push(r));
  return rows;
}

/** Streams the rows of a CSV file (the header is the first row). */
export async function* readCsvRows(file: string, opts: CsvReadOptions = {}): AsyncGenerator<string[][]> {
  const p = new CsvParser(opts.delimiter, opts.trim ?? true);
  let read = 0;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) {
    read += Buffer.byteLength(chunk);
    const rows: string[][] = [];
    p.feed(chunk, (r) => rows.push(r));
    opts.onBytes?.(read);
    if (rows.length) yield rows;
  }
  const last: string[][] = [];
  p.end((r) => last.push(r));
  if (last.length) yield last;
}

/** One CSV field, quoted when it holds a comma, quote or newline. */
export function csvField(v: string | number): string {
  const s = String(v);
  if (/[",\n\r]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvLine(values: readonly (string | number)[]): string {
  return values.map(csvField).join(',') + '\n';
}
