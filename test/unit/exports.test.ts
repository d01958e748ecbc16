import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { parseCsv } from '../../src/shared/csv';
import { readXlsx } from '../../src/imports/xlsx';
import { cellValue, columnLetters, csvCell, sheetCells, exportFilename, tableChunks, writeTable, xlsxCell, type Column, type ExportFormat } from '../../src/exports';

interface Row {
  date: string;
  name: string;
  n: number | null;
  tags: string[];
  at: Date | null;
}

const columns: Column<Row>[] = [
  { header: 'date', hxl: '#date+reported', value: (r) => r.date, type: 'date' },
  { header: 'name', hxl: '#loc+name', value: (r) => r.name, type: 'text' },
  { header: 'n', hxl: '#affected+ind', value: (r) => r.n },
  { header: 'tags', hxl: '#indicator+list', value: (r) => r.tags },
  { header: 'at', hxl: '', value: (r) => r.at, type: 'datetime' },
];

const rows: Row[] = [
  { date: '2024-04-01', name: 'Torkham, "zero point"', n: 10, tags: ['por', 'tazkira'], at: new Date('2024-04-01T06:30:00Z') },
  { date: '2024-04-02', name: '=HYPERLINK("http://x")', n: -5, tags: [], at: null },
  { date: '2024-04-03', name: 'line one\nline two', n: null, tags: ['none'], at: null },
  { date: '2024-04-04', name: '@SUM(A1)', n: 0, tags: [], at: null },
  { date: '2024-04-05', name: '+1 and -1', n: 3.5, tags: [], at: null },
  { date: '2024-04-06', name: 'سپین بولدک <&>', n: 7, tags: [], at: null },
];

async function collect(format: ExportFormat, cols: Column<Row>[], batches: Iterable<Row[]> | AsyncIterable<Row[]>, bom = false): Promise<{ bytes: Buffer; rows: number }> {
  const parts: Buffer[] = [];
  const sink = new Writable({ write(chunk, _e, done) { parts.push(chunk); done(); } });
  const n = await writeTable(format, cols, batches, sink, { bom });
  return { bytes: Buffer.concat(parts), rows: n };
}

describe('CSV writer', () => {
  it('writes the header row, the HXL row, then RFC 4180 rows; text starting with = + - @ gets an apostrophe, numbers do not', async () => {
    const { bytes, rows: n } = await collect('csv', columns, [rows.slice(0, 2), [], rows.slice(2)]);
    expect(n).toBe(6);
    const text = bytes.toString('utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text.startsWith('date,name,n,tags,at\r\n#date+reported,#loc+name,#affected+ind,#indicator+list,\r\n')).toBe(true);
    const parsed = parseCsv(text);
    expect(parsed).toHaveLength(8);
    expect(parsed[2]).toEqual(['2024-04-01', 'Torkham, "zero point"', '10', 'por tazkira', '2024-04-01T06:30:00.000Z']);
    expect(parsed[3]).toEqual(['2024-04-02', `'=HYPERLINK("http://x")`, '-5', '', '']);
    expect(parsed[4]).toEqual(['2024-04-03', 'line one\nline two', '', 'none', '']);
    expect(parsed[5][1]).toBe("'@SUM(A1)");
    expect(parsed[6].slice(1, 3)).toEqual(["'+1 and -1", '3.5']);
    expect(parsed[7][1]).toBe('سپین بولدک <&>');
    expect(text).toContain('\r\n2024-04-02,"\'=HYPERLINK(""http://x"")",-5,,\r\n');
  });

  it('cell rules: text columns guard numbers written as text too; auto columns keep numbers and booleans', () => {
    expect(csvCell(-3, 'text')).toBe("'-3");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('-3')).toBe("'-3");
    expect(csvCell(true)).toBe('true');
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(new Date('2024-05-01T00:00:00Z'), 'date')).toBe('2024-05-01');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
  });

  it('adds a UTF-8 byte order mark only when asked', async () => {
    const { bytes } = await collect('csv', columns, [rows], true);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

/** The package's files and the worksheet's XML. */
function sheetOf(bytes: Uint8Array): { files: Record<string, Uint8Array>; xml: string } {
  const files = unzipSync(bytes);
  return { files, xml: strFromU8(files['xl/worksheets/sheet1.xml']) };
}

describe('XLSX writer', () => {
  it('makes a valid package: content types, workbook, styles, one sheet with header, HXL row and typed cells', async () => {
    const { bytes, rows: n } = await collect('xlsx', columns, [rows]);
    expect(n).toBe(6);
    expect([...bytes.subarray(0, 2)]).toEqual([0x50, 0x4b]); // "PK"
    const { files, xml } = sheetOf(bytes);
    expect(Object.keys(files).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
    expect(strFromU8(files['[Content_Types].xml'])).toContain('PartName="/xl/worksheets/sheet1.xml"');
    expect(strFromU8(files['xl/workbook.xml'])).toContain('<sheet name="data" sheetId="1" r:id="rId1"/>');
    const cells = sheetCells(xml);
    expect(cells).toHaveLength(8);
    expect(cells[0][0]).toBe('<c s="3" t="inlineStr"><is><t>date</t></is></c>');
    expect(cells[1][0]).toBe('<c s="4" t="inlineStr"><is><t>#date+reported</t></is></c>');
    expect(cells[0].map(cellValue)).toEqual(['date', 'name', 'n', 'tags', 'at']);
    // The HXL row leaves the untagged column empty.
    expect(cells[1].map(cellValue)).toEqual(['#date+reported', '#loc+name', '#affected+ind', '#indicator+list']);
    // 2024-04-01 is serial day 45383 (1900 date system), styled as a date.
    expect(cells[2]).toEqual([
      '<c s="1"><v>45383</v></c>',
      '<c t="inlineStr"><is><t>Torkham, "zero point"</t></is></c>',
      '<c><v>10</v></c>',
      '<c t="inlineStr"><is><t>por tazkira</t></is></c>',
      '<c s="2"><v>45383.27083333333</v></c>',
    ]);
    // Inline strings are never evaluated: no apostrophe needed, none added.
    expect(cells[3].slice(1, 3)).toEqual(['<c t="inlineStr"><is><t>=HYPERLINK("http://x")</t></is></c>', '<c><v>-5</v></c>']);
    // An empty cell before a filled one keeps its place; trailing empty cells are left out.
    expect(xml).toContain('<row r="5"><c s="1"><v>45385</v></c><c t="inlineStr"><is><t>line one\nline two</t></is></c><c/><c t="inlineStr"><is><t>none</t></is></c></row>');
    expect(cells[4].map(cellValue)).toEqual(['45385', 'line one\nline two', '', 'none']);
    expect(cellValue(cells[7][1])).toBe('سپین بولدک <&>');
    expect(cells[7][1]).toContain('<t>سپین بولدک &lt;&amp;&gt;</t>');
    expect(xml.endsWith('</sheetData></worksheet>')).toBe(true);
  });

  it('reads back through the import pipeline\'s XLSX reader as the same table as the CSV', async () => {
    const csv = parseCsv((await collect('csv', columns, [rows])).bytes.toString('utf8'));
    const sheet = readXlsx(new Uint8Array((await collect('xlsx', columns, [rows])).bytes));
    const back = [...sheet.rows()];
    expect(back).toHaveLength(8);
    // The reader shows dates as ISO dates and keeps text as text, so only the CSV's formula guard
    // (an apostrophe) and the date-time's precision differ.
    const unguard = (v: string) => v.replace(/^'(?=[=+\-@])/, '');
    for (let i = 0; i < 8; i++) {
      const [d, name, n, tags] = csv[i];
      expect([...back[i], '', '', ''].slice(0, 4), `row ${i + 1}`).toEqual([d, unguard(name), n, tags]);
    }
  });

  it('cell rules: control characters dropped, spaces kept, letters past Z', () => {
    expect(xlsxCell('a\u0001b')).toBe('<c t="inlineStr"><is><t>ab</t></is></c>');
    expect(xlsxCell(' x ')).toContain('<t xml:space="preserve"> x </t>');
    expect(xlsxCell(true)).toBe('<c t="b"><v>1</v></c>');
    expect(xlsxCell(12, 'text')).toContain('<t>12</t>');
    expect(xlsxCell('12', 'number')).toBe('<c><v>12</v></c>');
    expect(xlsxCell('')).toBe('');
    expect([0, 25, 26, 27, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});

describe('streaming', () => {
  const BATCH = 2000;
  /** Rows made on demand: `made` tells how far the producer has run ahead. */
  function source(total: number) {
    const state = { made: 0 };
    async function* batches(): AsyncGenerator<Row[]> {
      while (state.made < total) {
        const n = Math.min(BATCH, total - state.made);
        const b: Row[] = new Array(n);
        for (let i = 0; i < n; i++) b[i] = { date: '2024-01-01', name: `site ${state.made + i}`, n: state.made + i, tags: [], at: null };
        state.made += n;
        yield b;
      }
    }
    return { state, batches: batches() };
  }

  for (const format of ['csv', 'xlsx'] as const)
    it(`${format}: 200,000 rows are read one batch at a time, never more than a batch ahead of the output`, async () => {
      const { state, batches } = source(200_000);
      let ahead = 0;
      let last = 0;
      let bytes = 0;
      for await (const chunk of tableChunks(format, columns, batches)) {
        ahead = Math.max(ahead, state.made - chunk.rows);
        last = chunk.rows;
        bytes += chunk.bytes.length;
      }
      expect(last).toBe(200_000);
      expect(ahead).toBe(0);
      expect(bytes).toBeGreaterThan(0);
    });

  it('csv through a slow destination: backpressure keeps the producer within a few batches of what was written', async () => {
    const { state, batches } = source(60_000);
    let written = 0;
    let ahead = 0;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _e, done) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) written++;
        ahead = Math.max(ahead, state.made - (written - 2));
        setImmediate(done);
      },
    });
    expect(await writeTable('csv', columns, batches, sink)).toBe(60_000);
    expect(written).toBe(60_002);
    expect(ahead).toBeLessThanOrEqual(3 * BATCH);
  });

  it('xlsx with 100,000 rows unzips to a sheet with every row in order', async () => {
    const { batches } = source(100_000);
    const { bytes, rows: n } = await collect('xlsx', columns, batches);
    expect(n).toBe(100_000);
    const { xml } = sheetOf(bytes);
    expect(xml.match(/<row /g)).toHaveLength(100_002);
    expect(xml).toContain('<row r="100002"><c s="1"><v>45292</v></c><c t="inlineStr"><is><t>site 99999</t></is></c><c><v>99999</v></c></row>');
  });
});

describe('file names', () => {
  it('names the module, the export, the operation and the period', () => {
    expect(exportFilename(['flows', 'counts'], 'AFG', '2024-04-01', '2024-06-30', 'xlsx')).toBe('hamrah-flows-counts-AFG-2024-04-01_2024-06-30.xlsx');
    expect(exportFilename(['flows', 'surveys'], 'PAK', undefined, '2024-06-30', 'csv')).toBe('hamrah-flows-surveys-PAK-start_2024-06-30.csv');
    expect(exportFilename(['flows', 'counts'], 'AFG', undefined, undefined, 'csv')).toBe('hamrah-flows-counts-AFG.csv');
  });
});
