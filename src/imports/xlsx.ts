/**
 * Reads the first worksheet of an XLSX workbook (Office Open XML) with fflate for the zip, and a
 * small scanner for the XML: shared strings (rich-text runs joined), inline strings, formula string
 * results, booleans, numbers as written, and dates (cells whose number format is a date format)
 * turned into YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS when they carry a time. The 1904 date system is
 * honoured. Cells come out as strings; missing cells as ''.
 */
import { unzipSync } from 'fflate';

const decoder = new TextDecoder('utf-8');

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML character references and entities, then OOXML's _xHHHH_ escapes. */
export function decodeXml(s: string): string {
  if (s.indexOf('&') >= 0)
    s = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? m),
    );
  if (s.indexOf('_x') >= 0) s = s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return s;
}

const attr = (attrs: string, name: string): string | undefined => {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs);
  return m ? decodeXml(m[1]) : undefined;
};

/** The text of every <t> in a fragment (rich-text runs), skipping phonetic <rPh> runs. */
function textOf(fragment: string): string {
  const cleaned = fragment.indexOf('<rPh') >= 0 ? fragment.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : fragment;
  let out = '';
  const re = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g;
  for (let m = re.exec(cleaned); m; m = re.exec(cleaned)) out += m[1] ? decodeXml(m[1]) : '';
  return out;
}

/** "AB12" → 27 (zero-based column). */
export function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

export function isDateFormat(code: string): boolean {
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|m\]|s\])[^\]]*\]/gi, '');
  return /[dmyhs]/i.test(stripped) && !/^general$/i.test(stripped.trim());
}

/** Excel serial day number → ISO date (and time when it has a fraction). */
export function excelSerialToIso(serial: number, date1904 = false): string {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const ms = Math.round((serial * 86_400_000) / 1000) * 1000;
  const d = new Date(epoch + ms);
  const iso = d.toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}

function read(files: Record<string, Uint8Array>, name: string): string | null {
  const f = files[name] ?? files[name.replace(/^\//, '')];
  return f ? decoder.decode(f) : null;
}

export interface XlsxSheet {
  name: string;
  /** Rows in order, each as strings (a sparse row is filled with ''). */
  rows(): Generator<string[]>;
  /** Number of <row> elements (for progress). */
  rowCount: number;
}

/** Opens the first worksheet of an XLSX file. Throws a plain Error with a readable message when it is not one. */
export function readXlsx(bytes: Uint8Array): XlsxSheet {
  return openSheets(bytes, {})[0];
}

/**
 * Every worksheet of an XLSX file, in workbook order (a Kobo/ODK export puts the main form first
 * and one sheet per repeat group after it).
 */
export function readXlsxSheets(bytes: Uint8Array): XlsxSheet[] {
  return openSheets(bytes, { allSheets: true });
}

function openSheets(bytes: Uint8Array, opts: { allSheets?: boolean }): XlsxSheet[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name.startsWith('xl/') || f.name === '[Content_Types].xml' });
  } catch {
    throw new Error('The file is not a readable XLSX workbook (zip).');
  }
  const workbook = read(files, 'xl/workbook.xml');
  if (!workbook) throw new Error('The file is not an XLSX workbook (no xl/workbook.xml).');
  const date1904 = /<workbookPr\b[^>]*date1904="(1|true)"/.test(workbook);
  const sheetRefs: { name: string; rid: string | undefined }[] = [];
  const sheetRe = /<sheet\b([^>]*)\/?>/g;
  for (let m = sheetRe.exec(workbook); m; m = sheetRe.exec(workbook)) sheetRefs.push({ name: attr(m[1], 'name') ?? `Sheet${sheetRefs.length + 1}`, rid: attr(m[1], 'r:id') });
  if (!sheetRefs.length) throw new Error('The workbook has no worksheet.');
  const targets = new Map<string, string>();
  const rels = read(files, 'xl/_rels/workbook.xml.rels');
  if (rels) {
    const re = /<Relationship\b([^>]*)\/?>/g;
    for (let m = re.exec(rels); m; m = re.exec(rels)) {
      const id = attr(m[1], 'Id');
      const target = attr(m[1], 'Target');
      if (id && target) targets.set(id, target);
    }
  }
  const wanted = opts.allSheets ? sheetRefs : sheetRefs.slice(0, 1);
  const sheets = wanted.map((ref, i) => {
    const target = (ref.rid && targets.get(ref.rid)) || `worksheets/sheet${i + 1}.xml`;
    const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    const xml = read(files, sheetPath);
    if (xml === null) throw new Error(`The workbook's sheet ${ref.name} (${sheetPath}) is missing.`);
    return { name: ref.name, xml };
  });

  const shared: string[] = [];
  const sst = read(files, 'xl/sharedStrings.xml');
  if (sst) {
    const re = /<si>([\s\S]*?)<\/si>|<si\/>/g;
    for (let m = re.exec(sst); m; m = re.exec(sst)) shared.push(m[1] ? textOf(m[1]) : '');
  }

  // Which cell styles (s="n") show numbers as dates.
  const dateStyles = new Set<number>();
  const styles = read(files, 'xl/styles.xml');
  if (styles) {
    const custom = new Map<number, string>();
    const nf = /<numFmt\b([^>]*)\/?>/g;
    for (let m = nf.exec(styles); m; m = nf.exec(styles)) custom.set(Number(attr(m[1], 'numFmtId')), attr(m[1], 'formatCode') ?? '');
    const xfsBlock = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles);
    if (xfsBlock) {
      const xf = /<xf\b([^>]*?)(?:\/>|>)/g;
      let i = 0;
      for (let m = xf.exec(xfsBlock[1]); m; m = xf.exec(xfsBlock[1]), i++) {
        const id = Number(attr(m[1], 'numFmtId') ?? 0);
        if (BUILTIN_DATE_FORMATS.has(id) || (custom.has(id) && isDateFormat(custom.get(id)!))) dateStyles.add(i);
      }
    }
  }

  function cellValue(attrs: string, inner: string): string {
    const t = attr(attrs, 't');
    if (t === 'inlineStr') {
      const is = /<is>([\s\S]*?)<\/is>/.exec(inner);
      return is ? textOf(is[1]) : '';
    }
    const v = /<v>([\s\S]*?)<\/v>/.exec(inner);
    const raw = v ? v[1] : '';
    if (t === 's') return shared[Number(raw)] ?? '';
    if (t === 'str') return decodeXml(raw);
    if (t === 'b') return raw === '1' ? 'true' : raw === '0' ? 'false' : raw;
    if (t === 'e') return '';
    if (t === 'd') return decodeXml(raw);
    if (raw === '') return '';
    const s = attr(attrs, 's');
    if (s !== undefined && dateStyles.has(Number(s))) {
      const n = Number(raw);
      if (Number.isFinite(n)) return excelSerialToIso(n, date1904);
    }
    return raw;
  }

  return sheets.map(({ name, xml: sheet }) => {
    let rowCount = 0;
    for (let p = sheet.indexOf('<row'); p >= 0; p = sheet.indexOf('<row', p + 4)) {
      const c = sheet.charCodeAt(p + 4);
      if (c === 32 || c === 62 || c === 47) rowCount++;
    }
    return {
      name,
      rowCount,
      *rows() {
        const data = sheet.indexOf('<sheetData');
        if (data < 0) return;
        const end = sheet.indexOf('</sheetData>', data);
        let p = sheet.indexOf('<row', data);
        let expected = 1;
        while (p >= 0 && (end < 0 || p < end)) {
          const close = sheet.indexOf('>', p);
          const selfClosing = sheet.charCodeAt(close - 1) === 47;
          const rowAttrs = sheet.slice(p + 4, selfClosing ? close - 1 : close);
          const rAttr = attr(rowAttrs, 'r');
          const rowNumber = rAttr ? Number(rAttr) : expected;
          // Rows the sheet leaves out (all empty) still count, so row numbers stay those Excel shows.
          for (; expected < rowNumber; expected++) yield [];
          expected = rowNumber + 1;
          if (selfClosing) {
            yield [];
            p = sheet.indexOf('<row', close);
            continue;
          }
          const rowEnd = sheet.indexOf('</row>', close);
          const body = sheet.slice(close + 1, rowEnd);
          const cells: string[] = [];
          const re = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
          let col = 0;
          for (let m = re.exec(body); m; m = re.exec(body)) {
            const ref = attr(m[1], 'r');
            if (ref) col = columnIndex(ref);
            const value = m[2] === undefined ? '' : cellValue(m[1], m[2]);
            while (cells.length < col) cells.push('');
            cells[col] = value;
            col++;
          }
          yield cells;
          p = sheet.indexOf('<row', rowEnd);
        }
      },
    };
  });
}
