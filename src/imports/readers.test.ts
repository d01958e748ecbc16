import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvParser, csvRows, guessDelimiter } from './csv';
import { columnIndex, decodeXml, excelSerialToIso, isDateFormat, readXlsx } from './xlsx';
import { writeXlsx } from './testing';
import { compileMapping, normalizeHeader, suggestMapping } from './mapping';
import { openTabular } from './source';
import type { ImportField } from './types';

const field = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const toCsv = (rows: string[][], eol = '\r\n') => rows.map((r) => r.map(field).join(',')).join(eol) + eol;

async function readAll(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const b of csvRows(chunks.map((c) => new TextEncoder().encode(c)))) out.push(...b);
  return out;
}

describe('streaming CSV', () => {
  it('reads quotes, doubled quotes, line breaks in fields, CRLF and a BOM', async () => {
    const text = '\uFEFFa,b,c\r\n1,"two, too","say ""hi"""\r\n"multi\nline",,x\n';
    expect(await readAll([text])).toEqual([
      ['a', 'b', 'c'],
      ['1', 'two, too', 'say "hi"'],
      ['multi\nline', '', 'x'],
    ]);
  });

  it('gives the same rows however the bytes are cut into chunks', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'ب', ',', '"', '\n', ' ', '1', 'é') , maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(40), { maxLength: 6 }), async (rows, cuts) => {
        const text = toCsv([['h1', 'h2'], ...rows]);
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(text.slice(at, p));
          at = p;
        }
        chunks.push(text.slice(at));
        expect(await readAll(chunks)).toEqual([['h1', 'h2'], ...rows]);
      }),
      { numRuns: 300 },
    );
  });

  it('guesses the delimiter from the header (Kobo legacy exports use semicolons)', async () => {
    expect(guessDelimiter('a;b;"c,d"')).toBe(';');
    expect(guessDelimiter('a\tb\tc')).toBe('\t');
    expect(await readAll(['x;y\n1;"2;3"\n'])).toEqual([['x', 'y'], ['1', '2;3']]);
    const p = new CsvParser(',');
    const out: string[][] = [];
    p.push('a,b\n1,', out);
    p.end(out);
    expect(out).toEqual([['a', 'b'], ['1', '']]);
  });
});

describe('XLSX reader', () => {
  it('reads shared and inline strings, numbers, booleans, dates and gaps', () => {
    const book = writeXlsx([
      ['name', 'n', 'when', 'ok', 'note'],
      ['Torkham', 12, { date: '2024-05-02' }, true, { inline: 'a & b' }],
      ['سپین بولدک', 0.5, { date: '2024-05-02T10:30:00' }, false, null],
    ]);
    const sheet = readXlsx(book);
    expect(sheet.name).toBe('data');
    expect(sheet.rowCount).toBe(3);
    expect([...sheet.rows()]).toEqual([
      ['name', 'n', 'when', 'ok', 'note'],
      ['Torkham', '12', '2024-05-02', 'true', 'a & b'],
      ['سپین بولدک', '0.5', '2024-05-02T10:30:00', 'false'],
    ]);
    expect([...readXlsx(writeXlsx([['d'], [{ date: '2024-05-02' }]], { date1904: true })).rows()][1]).toEqual(['2024-05-02']);
  });

  it('helpers: columns, entities, date formats, serials', () => {
    expect(columnIndex('A1')).toBe(0);
    expect(columnIndex('AB12')).toBe(27);
    expect(decodeXml('&lt;a&gt; &amp; &#1576; &#x628; _x000D_')).toBe('<a> & ب ب \r');
    expect(isDateFormat('yyyy\\-mm\\-dd')).toBe(true);
    expect(isDateFormat('[$-409]d/m/yy h:mm')).toBe(true);
    expect(isDateFormat('0.00')).toBe(false);
    expect(isDateFormat('"days"0')).toBe(false);
    expect(excelSerialToIso(45414)).toBe('2024-05-02');
    expect(excelSerialToIso(45414.5)).toBe('2024-05-02T12:00:00');
  });

  it('refuses what is not a workbook with a readable message', () => {
    expect(() => readXlsx(new Uint8Array([1, 2, 3]))).toThrow(/XLSX/);
  });

  it('opens either format behind one interface, with spreadsheet row numbers', async () => {
    const book = await openTabular(writeXlsx([['a'], ['1'], [], ['3']]), 'xlsx');
    const batches = [];
    for await (const b of book.batches()) batches.push(b);
    expect(book.headers).toEqual(['a']);
    expect(batches).toEqual([{ first: 2, rows: [['1'], [], ['3']] }]);
    const csv = await openTabular(new TextEncoder().encode('a,b\n1,2\n\n3,4\n'), 'csv');
    const rows = [];
    for await (const b of csv.batches()) rows.push(b);
    expect(rows).toEqual([{ first: 2, rows: [['1', '2'], [''], ['3', '4']] }]);
  });
});

describe('column mapping', () => {
  const fields: ImportField[] = [
    { key: 'site', label: 'Crossing point', required: true, aliases: ['bcp'] },
    { key: 'date', label: 'Date', required: true, aliases: ['today', '_submission_time'] },
    { key: 'documents', label: 'Documents', multiple: true, options: ['por', 'tazkira', 'none'] },
    { key: 'reasons', label: 'Reasons', multiple: true, options: ['return', 'debt'] },
    { key: 'id', label: 'Id', aliases: ['_uuid'] },
  ];

  it('suggests columns through Kobo group prefixes, aliases and option columns', () => {
    const headers = ['start', 'grp/bcp', 'grp/today', '_submission_time', 'docs/documents/por', 'docs/documents/tazkira', 'docs/documents/none', 'why/reasons', '_uuid'];
    expect(normalizeHeader('grp_a/Site Code')).toBe('sitecode');
    expect(suggestMapping(headers, fields)).toEqual({ site: 'grp/bcp', date: 'grp/today', documents: 'docs/documents', reasons: 'why/reasons', id: '_uuid' });
  });

  it('maps rows: space-separated and 0/1 select_multiple, blanks left out; names missing required fields', () => {
    const headers = ['bcp', 'today', 'documents/por', 'documents/tazkira', 'documents/none', 'reasons'];
    const m = compileMapping(headers, fields, { site: 'bcp', date: 'today', documents: 'documents', reasons: 'reasons' });
    expect(m.problems).toEqual([]);
    expect(m.map(['BCP-TORKHAM', '', '1', 'True', '0', 'return  debt'])).toEqual({ site: 'BCP-TORKHAM', documents: ['por', 'tazkira'], reasons: ['return', 'debt'] });
    expect(m.columnOf('documents')).toBe('documents');
    const bad = compileMapping(headers, fields, { date: 'nope', extra: 'bcp' });
    expect(bad.problems.map((p) => p.field).sort()).toEqual(['date', 'extra', 'site']);
  });

  it('a question asked under two groups (the main part, then a repeat group) feeds the once-per-record twin first', () => {
    const twins: ImportField[] = [
      { key: 'name', label: 'Name' },
      { key: 'sex', label: 'Sex', required: true },
      { key: 'phone', label: 'Phone' },
      { key: 'headName', label: 'Head name', twinOf: 'name', aliases: ['hoh_name'] },
      { key: 'headSex', label: 'Head sex', twinOf: 'sex', aliases: ['hoh_sex'] },
      { key: 'headPhone', label: 'Head phone', twinOf: 'phone' },
    ];
    expect(suggestMapping(['g_head/name', 'g_head/sex', 'hh/phone', 'members/name', 'members/sex', 'members/phone'], twins)).toEqual({
      headName: 'g_head/name',
      headSex: 'g_head/sex',
      headPhone: 'hh/phone',
      name: 'members/name',
      sex: 'members/sex',
      phone: 'members/phone',
    });
    // Only a phone asked twice (a household's contact beside the members'): no head is split off.
    expect(suggestMapping(['hh/phone', 'members/name', 'members/sex', 'members/phone'], twins)).toEqual({ name: 'members/name', sex: 'members/sex', phone: 'hh/phone' });
    // A head found by its own name (hoh_sex) splits the other questions asked twice.
    expect(suggestMapping(['hoh_sex', 'g/name', 'members/name', 'members/sex'], twins)).toEqual({ headSex: 'hoh_sex', headName: 'g/name', name: 'members/name', sex: 'members/sex' });
  });
});
