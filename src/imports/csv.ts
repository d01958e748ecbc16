/**
 * Streaming CSV (RFC 4180): quoted fields with doubled quotes and line breaks, CRLF or LF, a UTF-8
 * BOM dropped, and the delimiter guessed from the header line (`,`, `;` as Kobo's legacy export
 * writes, or tab). Chunks go in as they arrive; complete rows come out; memory holds one chunk.
 */

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** The delimiter used in a header line: the most frequent of , ; and tab outside quotes. */
export function guessDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

export class CsvParser {
  private buf = '';
  private delim: number;
  private started = false;

  constructor(delimiter?: string) {
    this.delim = delimiter ? delimiter.charCodeAt(0) : -1;
  }

  /** Feeds text; pushes every row completed so far into `out`. */
  push(text: string, out: string[][]): void {
    this.buf += text;
    this.parse(false, out);
  }

  /** No more text: the last row (without a trailing newline) comes out too. */
  end(out: string[][]): void {
    this.parse(true, out);
    this.buf = '';
  }

  private parse(final: boolean, out: string[][]): void {
    let s = this.buf;
    if (!this.started) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      if (this.delim < 0) {
        const nl = s.search(/[\r\n]/);
        if (nl < 0 && !final) {
          this.buf = s;
          return;
        }
        this.delim = guessDelimiter(nl < 0 ? s : s.slice(0, nl)).charCodeAt(0);
      }
      this.started = true;
    }
    const d = this.delim;
    const n = s.length;
    let i = 0;
    let rowStart = 0;
    rows: while (i < n) {
      rowStart = i;
      const row: string[] = [];
      for (;;) {
        if (i >= n) {
          // The row ended right after a delimiter.
          if (!final) break rows;
          row.push('');
          out.push(row);
          rowStart = n;
          break rows;
        }
        let field: string;
        if (s.charCodeAt(i) === QUOTE) {
          let j = i + 1;
          field = '';
          for (;;) {
            const q = s.indexOf('"', j);
            if (q < 0) {
              if (!final) break rows;
              field += s.slice(j);
              i = n;
              break;
            }
            if (q + 1 >= n && !final) break rows; // cannot tell "" from a closing quote yet
            if (s.charCodeAt(q + 1) === QUOTE) {
              field += s.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            field += s.slice(j, q);
            i = q + 1;
            break;
          }
          // Lenient: text between a closing quote and the delimiter is kept.
          let k = i;
          while (k < n) {
            const c = s.charCodeAt(k);
            if (c === d || c === CR || c === LF) break;
            k++;
          }
          if (k >= n && !final) break rows;
          if (k > i) field += s.slice(i, k);
          i = k;
        } else {
          let j = i;
          while (j < n) {
            const c = s.charCodeAt(j);
            if (c === d || c === CR || c === LF) break;
            j++;
          }
          if (j >= n && !final) break rows;
          field = s.slice(i, j);
          i = j;
        }
        row.push(field);
        if (i >= n) {
          out.push(row);
          rowStart = n;
          break rows;
        }
        const c = s.charCodeAt(i);
        if (c === d) {
          i++;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= n && !final) break rows;
          i += s.charCodeAt(i + 1) === LF ? 2 : 1;
        } else i++;
        out.push(row);
        rowStart = i;
        break;
      }
    }
    this.buf = rowStart < n ? s.slice(rowStart) : '';
  }
}

/** Rows of a CSV byte stream, in batches (the header row comes first). Blank lines come out as [''] so row numbers stay those of the file. */
export async function* csvRows(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, delimiter?: string): AsyncGenerator<string[][]> {
  const decoder = new TextDecoder('utf-8');
  const parser = new CsvParser(delimiter);
  let out: string[][] = [];
  const flush = () => {
    const rows = out;
    out = [];
    return rows;
  };
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), out);
    if (out.length) yield flush();
  }
  const tail = decoder.decode();
  if (tail) parser.push(tail, out);
  parser.end(out);
  if (out.length) yield flush();
}

/** Splits a byte array into chunks (to feed csvRows from memory). */
export function* chunksOf(bytes: Uint8Array, size = 1 << 20): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}
