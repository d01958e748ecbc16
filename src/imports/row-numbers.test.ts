import { describe, expect, it } from 'vitest';
import type { Database } from '../db/client';
import type { AuthContext } from '../server/context';
import { runImport } from './pipeline';
import { openTabular } from './source';
import { writeXlsx } from './testing';
import type { ImportAdapter } from './types';
import { msg } from '../shared/messages';

/** A kind with two columns: a name, and a count that must be a whole number. Nothing is stored. */
const adapter: ImportAdapter<{ name: string; n: number }> = {
  kind: 'test.rows',
  label: 'Row numbering',
  permission: 'flows.read',
  fields: [
    { key: 'name', label: 'Name', required: true },
    { key: 'n', label: 'Count', required: true },
  ],
  async begin() {
    return {
      validate(row, issue) {
        const n = String(row.n ?? '');
        if (!/^\d+$/.test(n)) {
          issue('n', msg('cell.notWholeNumber', { value: n }));
          return null;
        }
        return { name: String(row.name), n: Number(n) };
      },
      key: (r) => r.name,
      existing: async () => new Map(),
      insert: async () => 0,
      remove: async () => {},
    };
  },
};

/** The pipeline's report for a file, validated only (no database is touched). */
async function report(bytes: Uint8Array, format: 'csv' | 'xlsx') {
  const run = await runImport({
    database: { db: {} } as unknown as Database,
    adapter: adapter as ImportAdapter<unknown>,
    auth: {} as AuthContext,
    userId: null,
    operationId: 'AFG',
    bytes,
    format,
    mapping: { name: 'name', n: 'n' },
    mode: 'valid',
    commit: false,
  });
  return { summary: run.summary, issues: run.issues.map((i) => [i.row, i.field]) };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('import row numbers are the file\'s, as a spreadsheet shows it', () => {
  it('CSV with blank lines before the header: a bad value on line 7 is reported on row 7', async () => {
    // Line 1 and 2 blank, line 3 only delimiters (as spreadsheets export an empty row), header on line 4.
    const text = ['', '', ',', 'name,n', 'a,1', '', 'b,abc', 'c,3', ''].join('\r\n');
    const tab = await openTabular(utf8(text), 'csv');
    expect(tab.headers).toEqual(['name', 'n']);
    const batches = [];
    for await (const b of tab.batches()) batches.push(b);
    expect(batches[0].first).toBe(5);
    const r = await report(utf8(text), 'csv');
    expect(r.issues).toEqual([[7, 'n']]);
    expect(r.summary).toMatchObject({ rows: 3, valid: 2, invalid: 1 });
  });

  it('LF line ends, a BOM, and a quoted cell over two lines (one spreadsheet row)', async () => {
    const text = '\uFEFF\n\nname,n\n"two\nlines",1\nd,-4\n';
    const r = await report(utf8(text), 'csv');
    // Header on row 3, the quoted cell is row 4, the bad count row 5.
    expect(r.issues).toEqual([[5, 'n']]);
  });

  it('without blank lines the header is row 1 and data start on row 2, as before', async () => {
    const r = await report(utf8('name,n\na,x\nb,2\n'), 'csv');
    expect(r.issues).toEqual([[2, 'n']]);
  });

  it('XLSX with empty rows above the header reads that header and numbers rows as Excel does', async () => {
    const book = writeXlsx([[], [], ['name', 'n'], ['a', 1], ['b', 'many']]);
    const tab = await openTabular(book, 'xlsx');
    expect(tab.headers).toEqual(['name', 'n']);
    const r = await report(book, 'xlsx');
    expect(r.issues).toEqual([[5, 'n']]);
  });
});
