import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { MAX_CELL_TEXT, XLSX_EMPTY } from './xlsx';
import type { ExportFormat } from './table';

/**
 * Rows encoded by the database: one SQL text per row that is exactly what the JavaScript writers
 * (csvCell, xlsxCell) make of the same values, so that a reader can fetch each row as one ready
 * line (CSV) or run of cells (XLSX) instead of twenty typed fields, and the writer copies it.
 * Reading one text value per row is what makes large exports fast: the drivers decode every field
 * of a result separately (PGlite in JavaScript on the same thread), and on PostgreSQL the
 * formatting runs in the server process, beside the writer instead of in it.
 *
 * SQL only writes rows that need no treatment at all: their text cells hold no quote, comma, CR,
 * LF and start with no formula character (CSV), or hold no & < >, no character XML forbids, no
 * white space at either end and nothing longer than 32,767 characters (XLSX); there both writers
 * copy values as they are. Every other row comes back as RAW_ROW_MARK + a JSON text of its values
 * (the reader's `otherwise`), which the reader turns back into a row object for the writer to
 * encode in JavaScript, so quoting, formula guards and XML escaping exist in one place only.
 *
 * Cells by the kind of their SQL value:
 * - `text`, `text[]` (elements joined by a space, as `plain` does), `uuid` (its text needs nothing);
 * - `integer`: the number; `date`: YYYY-MM-DD in CSV, Excel's serial day with the date style in XLSX;
 * - `cells`: already encoded for this format by the caller (e.g. with csvCell / xlsxCell once per
 *   site, joined in SQL); in XLSX an empty cell is `<c/>`.
 * NULL, and for text an empty string, is an empty cell.
 */
export type SqlCellKind = 'text' | 'text[]' | 'uuid' | 'integer' | 'date' | 'cells';

export interface SqlCell {
  kind: SqlCellKind;
  expr: SQLWrapper;
}

/** Starts a row that SQL left to the writer: the rest of the line is the reader's JSON. No encoded row starts with it. */
export const RAW_ROW_MARK = '\u0002';

const lit = (s: string) => sql.raw(`'${s.replace(/'/g, "''")}'`);

/** Control characters XML 1.0 forbids, and U+FFFE/U+FFFF (the set xlsx.ts removes). */
const XML_FORBIDDEN =
  Array.from({ length: 31 }, (_, i) => i + 1)
    .filter((c) => c !== 9 && c !== 10 && c !== 13)
    .map((c) => String.fromCharCode(c))
    .join('') + '\uFFFE\uFFFF';

const isText = (c: SqlCell) => c.kind === 'text' || c.kind === 'text[]';
const asText = (c: SqlCell): SQL => (c.kind === 'text[]' ? sql`array_to_string(${c.expr}, ' ')` : sql`(${c.expr})::text`);

/**
 * True when the row's text cells need nothing: one regular expression over all of them joined by
 * a separator (one match instead of a dozen function calls per cell). A separator inside a value
 * can only make the check fail (the row then goes to the writer), never pass wrongly.
 */
function needsNothing(format: ExportFormat, cells: SqlCell[]): SQL {
  const sep = format === 'csv' ? '\u0001' : '\u007f';
  // Each cell has the separator before it and (for white space at the end, XLSX) after it.
  const joined = sql`concat(${sql.join([...cells.flatMap((c) => [lit(sep), asText(c)]), lit(sep)], sql`, `)})`;
  const pattern = format === 'csv' ? `[",\\n\\r${RAW_ROW_MARK}]|${sep}[-=+@\\t\\r]` : `[&<>${XML_FORBIDDEN}]|${sep}[\\t\\n\\r ]|[\\t\\n\\r ]${sep}`;
  const check = sql`${joined} !~ ${lit(pattern)}`;
  if (format === 'csv') return check;
  // Length without building the text again: octet_length of text is its stored (uncompressed)
  // length; an uncompressed array's stored size bounds its elements joined by spaces (a
  // compressed one goes to the writer).
  const arrays = cells.filter((c) => c.kind === 'text[]');
  const sizes = cells.map((c) => (c.kind === 'text[]' ? sql`pg_column_size(${c.expr})` : sql`octet_length(${asText(c)})`));
  const uncompressed = arrays.length ? sql` and num_nonnulls(${sql.join(arrays.map((c) => sql`pg_column_compression(${c.expr})`), sql`, `)}) = 0` : sql``;
  return sql`(${check} and coalesce(greatest(${sql.join(sizes, sql`, `)}), 0) <= ${sql.raw(String(MAX_CELL_TEXT))}${uncompressed})`;
}

/** One cell of a row that needs nothing, as SQL text. */
function cell(format: ExportFormat, c: SqlCell): SQL {
  const e = c.expr;
  switch (c.kind) {
    case 'cells':
      return sql`(${e})`;
    case 'integer':
      return format === 'csv' ? sql`coalesce((${e})::text, '')` : sql`coalesce('<c><v>' || (${e})::text || '</v></c>', ${lit(XLSX_EMPTY)})`;
    case 'date':
      return format === 'csv'
        ? sql`coalesce(to_char(${e}, 'YYYY-MM-DD'), '')`
        : sql`coalesce('<c s="1"><v>' || ((${e})::date - date '1899-12-30')::text || '</v></c>', ${lit(XLSX_EMPTY)})`;
    default:
      return format === 'csv' ? sql`coalesce(${asText(c)}, '')` : sql`coalesce('<c t="inlineStr"><is><t>' || nullif(${asText(c)}, '') || '</t></is></c>', ${lit(XLSX_EMPTY)})`;
  }
}

/**
 * A whole row as one SQL text: CSV cells joined by commas (no line end), or XLSX cells (the
 * writer adds `<row r="…">`, `</row>` and drops trailing empty cells); or, for a row that needs
 * quoting or escaping, RAW_ROW_MARK followed by `otherwise` (a text the reader can turn back into
 * a row, e.g. json_build_array(...)::text of its fields).
 */
export function sqlRow(format: ExportFormat, cells: SqlCell[], otherwise: SQL): SQL {
  // One concat() per row: a chain of || copies the growing row at every step.
  const parts = cells.map((c) => cell(format, c));
  const row = sql`concat(${sql.join(format === 'csv' ? parts.flatMap((p, i) => (i ? [sql`','`, p] : [p])) : parts, sql`, `)})`;
  const texts = cells.filter(isText);
  if (!texts.length) return row;
  return sql`(case when ${needsNothing(format, texts)} then ${row} else ${lit(RAW_ROW_MARK)} || ${otherwise} end)`;
}
