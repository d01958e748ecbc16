/**
 * Encoded files: CSV `id,clk` with the filter in base64 (no names, dates or places).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvLine, readCsvRows } from '../csv';
import { CLK_WORDS, filterFromBase64, filterToBase64, type Encodings } from './encode';

export async function writeEncodings(file: string, e: Encodings): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  let buf = 'id,clk\n';
  for (let i = 0; i < e.ids.length; i++) {
    buf += csvLine([e.ids[i], filterToBase64(e.bits, i)]);
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

export async function readEncodings(file: string): Promise<Encodings> {
  const ids: string[] = [];
  const clks: string[] = [];
  let header: string[] | undefined;
  let ci = 1;
  let ii = 0;
  for await (const rows of readCsvRows(file, { delimiter: ',' })) {
    for (const row of rows) {
      if (!header) {
        header = row.map((h) => h.trim().toLowerCase());
        ii = header.indexOf('id');
        ci = header.indexOf('clk');
        if (ii < 0 || ci < 0) throw new Error(`${file}: expected an encoded file with columns id,clk (from "hamrah pprl encode")`);
        continue;
      }
      ids.push(row[ii]);
      clks.push(row[ci]);
    }
  }
  const bits = new Uint32Array(ids.length * CLK_WORDS);
  clks.forEach((c, i) => {
    try {
      filterFromBase64(c, bits, i);
    } catch (err) {
      throw new Error(`${file}, row ${i + 2}: ${(err as Error).message}`);
    }
  });
  return { ids, bits };
}
