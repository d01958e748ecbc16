import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { strFromU8, unzipSync } from 'fflate';
import { csvCell, writeTable, xlsxCell, XLSX_EMPTY, type Column, type EncodedBatch, type ExportFormat, type RowBatches } from '../../src/exports';

interface Row {
  name: string;
  n: number | null;
  code: string | null;
}

const columns: Column<Row>[] = [
  { header: 'name', hxl: '#loc+name', value: (r) => r.name, type: 'text' },
  { header: 'n', hxl: '#affected+ind', value: (r) => r.n, type: 'number' },
  { header: 'code', hxl: '#loc+code', value: (r) => r.code, type: 'text' },
];

const rows: Row[] = [
  { name: 'Torkham', n: 10, code: 'BCP-TORKHAM' },
  { name: '=1+1', n: null, code: null },
  { name: 'Milak', n: 3, code: null },
];

/** What a reader that encodes rows itself would hand over: each row as the writer's own cells would make it. */
function encodedLine(format: ExportFormat, r: Row): string {
  const cells = columns.map((c) => (format === 'csv' ? csvCell(c.value(r), c.type) : xlsxCell(c.value(r), c.type) || XLSX_EMPTY));
  return format === 'csv' ? cells.join(',') : cells.join('');
}

async function written(format: ExportFormat, batches: RowBatches<Row>): Promise<{ rows: number; text: string }> {
  const parts: Buffer[] = [];
  const n = await writeTable(format, columns, batches, new Writable({ write(c: Buffer, _e, done) { parts.push(c); done(); } }));
  const bytes = Buffer.concat(parts);
  return { rows: n, text: format === 'csv' ? bytes.toString('utf8') : strFromU8(unzipSync(new Uint8Array(bytes))['xl/worksheets/sheet1.xml']) };
}

describe.each(['csv', 'xlsx'] as const)('encoded batches (%s)', (format) => {
  it('are copied as they are and give the same file as plain rows', async () => {
    const plain = await written(format, [rows.slice(0, 2), rows.slice(2)]);
    const encoded = await written(format, [{ encoded: format, lines: rows.slice(0, 2).map((r) => encodedLine(format, r)) }, { encoded: format, lines: [encodedLine(format, rows[2])] }]);
    expect(encoded.rows).toBe(3);
    expect(encoded.text).toBe(plain.text);
    if (format === 'xlsx') {
      // Trailing empty cells are dropped and the rows numbered after the two label rows.
      expect(encoded.text).toContain('<row r="5"><c t="inlineStr"><is><t>Milak</t></is></c><c><v>3</v></c></row>');
      expect(encoded.text).not.toContain('<c/></row>');
    } else expect(encoded.text).toContain("'=1+1,,\r\n");
  });

  it('may mix encoded lines with row objects, which the writer encodes from the columns', async () => {
    const plain = await written(format, [rows]);
    const mixed: EncodedBatch<Row> = { encoded: format, lines: [encodedLine(format, rows[0]), rows[1], encodedLine(format, rows[2])] };
    const out = await written(format, [mixed]);
    expect(out.rows).toBe(3);
    expect(out.text).toBe(plain.text);
  });

  it('refuse a batch encoded for the other format', async () => {
    const other = format === 'csv' ? 'xlsx' : 'csv';
    await expect(written(format, [{ encoded: other, lines: ['x'] }])).rejects.toThrow(/cannot be written/);
  });
});
