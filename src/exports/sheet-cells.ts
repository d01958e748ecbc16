import { columnLetters } from './xlsx';

/**
 * The cells of a worksheet written by xlsx.ts, as raw XML per row and column: `rows[0][2]` is
 * C1's `<c …>…</c>` ('' when empty). For tests and round-trip checks, not a general reader.
 */
export function sheetCells(xml: string): string[][] {
  const rows: string[][] = [];
  for (const m of xml.matchAll(/<row r="(\d+)"[^>]*>(.*?)<\/row>/gs)) {
    const cells: string[] = [];
    for (const c of m[2].matchAll(/<c\/>|<c(?:\s[^>]*)?>.*?<\/c>/gs)) {
      const ref = /^<c[^>]*\sr="([A-Z]+)\d+"/.exec(c[0]);
      if (ref) while (columnLetters(cells.length) !== ref[1]) cells.push('');
      cells.push(c[0] === '<c/>' ? '' : c[0]);
    }
    rows[Number(m[1]) - 1] = cells;
  }
  return rows;
}

/** The displayed value of a cell: the inline string's text or the number, '' when empty. */
export function cellValue(cell: string | undefined): string {
  if (!cell) return '';
  const t = /<t[^>]*>(.*?)<\/t>/s.exec(cell) ?? /<v>(.*?)<\/v>/s.exec(cell);
  return t ? t[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : '';
}
