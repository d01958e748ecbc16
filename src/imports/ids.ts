import { createHash } from 'node:crypto';

/**
 * A UUID (version 8, RFC 9562 "custom") derived from a text: the same natural key gives the same
 * id on every import, so a re-import finds what the earlier one wrote.
 */
export function derivedUuid(text: string): string {
  const b = createHash('sha256').update(text).digest();
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A Postgres array literal of texts (`{"a","b"}`) for one `$n::text[]` parameter. Built with one
 * join, not `+=`: appending makes a rope of one small string object per piece, millions for a
 * write step of tens of thousands of rows, which the garbage collector then copies again and again. Arrays of
 * numbers, or of texts without quotes and backslashes (ids, dates, codes: the usual case), are one
 * join of the values themselves, without a string per element.
 */
export function pgArray(values: readonly (string | number | boolean | null)[]): string {
  const n = values.length;
  if (!n) return '{}';
  let texts = 0;
  let plain = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'string') {
      texts++;
      if (v.includes('"') || v.includes('\\')) {
        plain = false;
        break;
      }
    } else if (v === null) {
      plain = false;
      break;
    }
  }
  if (plain && texts === 0) return `{${values.join(',')}}`;
  if (plain && texts === n) return `{"${values.join('","')}"}`;
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) parts[i] = 'NULL';
    else if (typeof v === 'number' || typeof v === 'boolean') parts[i] = String(v);
    else parts[i] = `"${v.includes('\\') || v.includes('"') ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : v}"`;
  }
  return `{${parts.join(',')}}`;
}
