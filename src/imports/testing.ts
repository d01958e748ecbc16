/** Builds small XLSX workbooks for tests (shared strings, inline strings, numbers, dates). */
import { strToU8, zipSync } from 'fflate';

export type Cell = string | number | boolean | null | { date: string } | { inline: string };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colName = (i: number) => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** Dates are written as serial numbers with a date style, as Excel does. */
export function writeXlsx(rows: Cell[][], opts: { sheetName?: string; date1904?: boolean } = {}): Uint8Array {
  return writeXlsxSheets([{ name: opts.sheetName ?? 'data', rows }], opts);
}

/** A workbook of several sheets (e.g. a Kobo export: the form, then one sheet per repeat group). */
export function writeXlsxSheets(sheets: { name: string; rows: Cell[][] }[], opts: { date1904?: boolean } = {}): Uint8Array {
  const shared: string[] = [];
  const index = new Map<string, number>();
  const epoch = opts.date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const sheetXml = (rows: Cell[][]) => rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${colName(c)}${r + 1}`;
          if (v === null || v === '') return '';
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          if (typeof v === 'boolean') return `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
          if (typeof v === 'object' && 'date' in v) {
            const serial = (Date.parse(v.date.length === 10 ? `${v.date}T00:00:00Z` : `${v.date}Z`) - epoch) / 86_400_000;
            return `<c r="${ref}" s="1"><v>${serial}</v></c>`;
          }
          if (typeof v === 'object' && 'inline' in v) return `<c r="${ref}" t="inlineStr"><is><t>${esc(v.inline)}</t></is></c>`;
          let i = index.get(v);
          if (i === undefined) {
            i = shared.length;
            shared.push(v);
            index.set(v, i);
          }
          return `<c r="${ref}" t="s"><v>${i}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const sheetFiles = sheets.map((sh) => sheetXml(sh.rows));
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'),
    'xl/workbook.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets.map((sh, i) => `<sheet name="${esc(sh.name)}" sheetId="${i + 1}" r:id="rId${i + 7}"/>`).join('')}</sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_sh, i) => `<Relationship Id="rId${i + 7}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/${i ? `sheet${i + 1}` : 'data'}.xml"/>`).join('')}</Relationships>`,
    ),
    'xl/styles.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
    ),
    'xl/sharedStrings.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('')}</sst>`,
    ),
  };
  sheetFiles.forEach((xml, i) => {
    files[`xl/worksheets/${i ? `sheet${i + 1}` : 'data'}.xml`] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${xml}</sheetData></worksheet>`);
  });
  return zipSync(files);
}
