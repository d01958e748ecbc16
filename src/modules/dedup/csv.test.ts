import { describe, expect, it } from 'vitest';
import { CsvParser, csvLine, guessDelimiter, parseCsv } from './csv';
import { parseMapArgs, PRESETS, resolveMap, rowToRecord } from './mapping';

describe('CSV reader', () => {
  it('reads quoted fields with separators, doubled quotes and newlines, CRLF, a BOM and a last row without newline', () => {
    const text = '\ufeffid,name,note\r\n1,"Karimi, Ahmad","said ""salam""\r\nthen left"\r\n2,  Zahra  ,\r\n3,محمد,x';
    expect(parseCsv(text)).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Karimi, Ahmad', 'said "salam"\r\nthen left'],
      ['2', 'Zahra', ''],
      ['3', 'محمد', 'x'],
    ]);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const text = 'a,b\n"x,""y""\nz",2\n3,"4"\n';
    const whole = parseCsv(text);
    for (let cut = 1; cut < text.length; cut++) {
      const p = new CsvParser(',');
      const rows: string[][] = [];
      p.feed(text.slice(0, cut), (r) => rows.push(r));
      p.feed(text.slice(cut), (r) => rows.push(r));
      p.end((r) => rows.push(r));
      expect(rows, `cut at ${cut}`).toEqual(whole);
    }
  });

  it('guesses the separator and reads FEBRL-style ", " rows', () => {
    expect(guessDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(guessDelimiter('a\tb\n')).toBe('\t');
    expect(parseCsv('rec_id, given_name, surname\nrec-1-org, james, smith')).toEqual([
      ['rec_id', 'given_name', 'surname'],
      ['rec-1-org', 'james', 'smith'],
    ]);
  });

  it('quotes only what needs quoting when writing', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 1.5])).toBe('a,"b,c","say ""hi""",1.5\n');
  });
});

describe('column mapping', () => {
  it('maps columns named like fields (snake or camel case), explicit --map entries and joined columns', () => {
    const header = ['ID', 'givenName', 'Surname', 'street', 'town', 'father_name'];
    const map = resolveMap(header, parseMapArgs(['family_name=surname', 'address=street+town']));
    const r = rowToRecord(['7', 'Ahmad', 'Karimi', '12 Main Rd', 'Kabul', 'Karim'], map, 1);
    expect(r).toEqual({ id: '7', givenName: 'Ahmad', familyName: 'Karimi', fatherName: 'Karim', address: '12 Main Rd Kabul' });
  });

  it('uses row numbers as ids without an id column, and an empty --map entry unmaps a preset field', () => {
    const header = ['rec_id', 'given_name', 'surname', 'street_number', 'address_1', 'address_2', 'suburb', 'postcode', 'state', 'date_of_birth', 'soc_sec_id'];
    const map = resolveMap(header, parseMapArgs(['document_number=']), PRESETS.febrl);
    const r = rowToRecord(['rec-1-org', 'james', 'smith', '4', 'main st', '', 'sydney', '2000', 'nsw', '19700101', '1234567'], map, 1);
    expect(r).toEqual({ id: 'rec-1-org', givenName: 'james', familyName: 'smith', address: '4 main st sydney nsw', locationPcode: '2000', birthDate: '19700101' });
    expect(rowToRecord(['Ahmad'], resolveMap(['given_name']), 5).id).toBe('row5');
  });

  it('rejects unknown fields and missing columns', () => {
    expect(() => parseMapArgs(['nickname=x'])).toThrow(/unknown field/);
    expect(() => resolveMap(['a'], parseMapArgs(['given_name=b']))).toThrow(/not in the header/);
  });
});
