/**
 * Streaming tabular exports (CSV and XLSX with an HXL hashtag row), used by every module.
 *
 *   const columns: Column<Row>[] = [{ header: 'date', hxl: '#date+reported', value: (r) => r.date, type: 'date' }, …];
 *   async function* batches() { … yield rows (≈2,000 per keyset page) … }
 *   return sendTable(reply, { format, filename: exportFilename(['flows', 'counts'], 'AFG', from, to, format), columns, batches: batches() });
 *   // or, to a file / any Writable: const rows = await writeTable(format, columns, batches(), writable);
 *
 * Batches are pulled one at a time, only when the destination has room (backpressure), so memory
 * stays flat for any number of rows.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply } from 'fastify';
import { csvChunks } from './csv';
import { xlsxChunks } from './xlsx';
import type { Chunk, Column, ExportFormat, RowBatches, TableOptions } from './table';

export * from './table';
export { csvCell, csvText, csvChunks } from './csv';
export { xlsxCell, xlsxChunks, columnLetters, excelSerial, XLSX_EMPTY, XLSX_ROW_SEPARATOR } from './xlsx';
export { sqlRow, RAW_ROW_MARK, type SqlCell, type SqlCellKind } from './sql-cells';
export { sheetCells, cellValue } from './sheet-cells';

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The output chunks of a table in either format. */
export function tableChunks<R>(format: ExportFormat, columns: Column<R>[], batches: RowBatches<R>, opts: TableOptions = {}): AsyncGenerator<Chunk> {
  return format === 'xlsx' ? xlsxChunks(columns, batches, opts) : csvChunks(columns, batches, opts);
}

async function* bytesOf(chunks: AsyncGenerator<Chunk>, counter: { rows: number }): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    counter.rows = c.rows;
    yield c.bytes;
  }
}

/** The table as a byte stream (not object mode: the usual 64 KiB high-water mark bounds what waits). */
export function tableReadable<R>(format: ExportFormat, columns: Column<R>[], batches: RowBatches<R>, opts: TableOptions = {}): Readable {
  return Readable.from(bytesOf(tableChunks(format, columns, batches, opts), { rows: 0 }), { objectMode: false });
}

/** Writes the table to a Writable (file, socket, …) with backpressure; resolves with the data rows written. */
export async function writeTable<R>(format: ExportFormat, columns: Column<R>[], batches: RowBatches<R>, out: Writable, opts: TableOptions = {}): Promise<number> {
  const counter = { rows: 0 };
  await pipeline(Readable.from(bytesOf(tableChunks(format, columns, batches, opts), counter), { objectMode: false }), out);
  return counter.rows;
}

/**
 * `hamrah-<what…>-<operation>[-<from>_<to>].<format>`, e.g. hamrah-flows-counts-AFG-2024-04-01_2024-06-30.xlsx.
 * An open end of the period reads `start` / `end`.
 */
export function exportFilename(what: string[], operationId: string, from: string | undefined, to: string | undefined, format: ExportFormat): string {
  const period = from || to ? `-${from ?? 'start'}_${to ?? 'end'}` : '';
  const name = ['hamrah', ...what, operationId].join('-') + period;
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${format}`;
}

export interface SendTable<R> {
  format: ExportFormat;
  filename: string;
  columns: Column<R>[];
  batches: RowBatches<R>;
  options?: TableOptions;
}

/** Streams the table as the reply, as a download named `filename`. */
export function sendTable<R>(reply: FastifyReply, t: SendTable<R>): FastifyReply {
  return reply
    .type(CONTENT_TYPE[t.format])
    .header('content-disposition', `attachment; filename="${t.filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(tableReadable(t.format, t.columns, t.batches, t.options));
}
