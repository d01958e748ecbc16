import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvField, parseCsv, parseCsvObjects } from './csv';

describe('parseCsv', () => {
  it('splits plain rows with LF or CRLF', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a,b\r\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps empty fields', () => {
    expect(parseCsv('a,,c\n,,\n')).toEqual([['a', '', 'c'], ['', '', '']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('"a,b","say ""hi""","line1\r\nline2"\n')).toEqual([['a,b', 'say "hi"', 'line1\r\nline2']]);
    expect(parseCsv('"",x\n')).toEqual([['', 'x']]);
  });

  it('drops a UTF-8 byte order mark', () => {
    expect(parseCsv('\uFEFFpcode,name\nAF01,Kabul\n')).toEqual([['pcode', 'name'], ['AF01', 'Kabul']]);
  });

  it('reads Arabic-script text untouched', () => {
    expect(parseCsv('AF01,کابل\n')).toEqual([['AF01', 'کابل']]);
  });

  it('round-trips what csvField writes', () => {
    // A BOM would only be dropped at the very start of the text: leave it out of generated fields.
    const field = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\uFEFF/g, ''));
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }), fc.boolean(), (rows, crlf) => {
        const text = rows.map((r) => r.map(csvField).join(',')).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
        expect(parseCsv(text)).toEqual(rows);
      }),
    );
  });
});

describe('parseCsvObjects', () => {
  it('keys rows by header, trims, skips blank lines and fills missing cells', () => {
    const text = '\uFEFF pcode , name\r\nAF01, Kabul \r\n\r\nAF02\r\n';
    expect(parseCsvObjects(text)).toEqual([
      { pcode: 'AF01', name: 'Kabul' },
      { pcode: 'AF02', name: '' },
    ]);
  });
  it('gives nothing for empty text', () => {
    expect(parseCsvObjects('')).toEqual([]);
  });
});

describe('csvField', () => {
  it('quotes only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
    expect(csvField(new Date(Date.UTC(2025, 2, 21)))).toBe('2025-03-21T00:00:00.000Z');
  });
});
