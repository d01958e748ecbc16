/**
 * Column mapping from any CSV to the engine's PersonRecord (issue 4, part 7), shared by
 * `hamrah dedup`, `hamrah pprl encode` and the evaluation script.
 *
 * A mapping names, for each engine field, the CSV column(s) it comes from; several columns joined
 * with "+" are concatenated with spaces (`address=street_number+address_1+suburb`). Columns whose
 * header already is a field name (`given_name`, or `givenName`) map themselves. Presets bundle a
 * mapping with an engine profile: `febrl` for the Febrl benchmark files.
 */
import type { DedupOptions } from './engine/index';
import type { PersonRecord } from './engine/prepare';

/** Field names on the command line → PersonRecord keys. */
export const FIELD_KEYS = {
  id: 'id',
  given_name: 'givenName',
  family_name: 'familyName',
  father_name: 'fatherName',
  full_name: 'fullName',
  name_ar: 'nameAr',
  sex: 'sex',
  birth_date: 'birthDate',
  birth_year: 'birthYear',
  age: 'age',
  birth_date_sh: 'birthDateSh',
  document_number: 'documentNumber',
  phone: 'phone',
  location_pcode: 'locationPcode',
  address: 'address',
} as const satisfies Record<string, keyof PersonRecord>;

export type FieldName = keyof typeof FIELD_KEYS;
export const FIELD_NAMES = Object.keys(FIELD_KEYS) as FieldName[];

/** field → CSV column names (empty: the field is not used). */
export type FieldMap = Partial<Record<FieldName, string[]>>;

export interface Preset {
  description: string;
  map: FieldMap;
  options: DedupOptions;
}

/**
 * Febrl files (rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode,
 * state, date_of_birth, soc_sec_id): the whole street address as one tokenised address, the
 * postcode as the location, soc_sec_id as an identity-document number, and the febrl weight
 * profile (whole-field replacements are common, no households, fixed thresholds 12 / 8).
 */
export const PRESETS: Record<string, Preset> = {
  febrl: {
    description: 'Febrl benchmark files (given_name, surname, address, postcode, date_of_birth, soc_sec_id)',
    map: {
      id: ['rec_id'],
      given_name: ['given_name'],
      family_name: ['surname'],
      address: ['street_number', 'address_1', 'address_2', 'suburb', 'state'],
      location_pcode: ['postcode'],
      birth_date: ['date_of_birth'],
      document_number: ['soc_sec_id'],
    },
    options: { profile: 'febrl' },
  },
};

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `--map field=column[+column…]` arguments (an empty column list unmaps the field).
 * Throws on an unknown field name.
 */
export function parseMapArgs(args: readonly string[]): FieldMap {
  const out: FieldMap = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq < 1) throw new Error(`--map expects field=column, got "${a}"`);
    const field = a.slice(0, eq).trim() as FieldName;
    if (!(field in FIELD_KEYS)) throw new Error(`unknown field "${field}" in --map (fields: ${FIELD_NAMES.join(', ')})`);
    out[field] = a
      .slice(eq + 1)
      .split('+')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return out;
}

/** Resolved mapping: per PersonRecord key, the column indexes to read. */
export interface ResolvedMap {
  columns: Partial<Record<FieldName, number[]>>;
  /** Human-readable "field ← column" lines. */
  describe: string[];
}

/**
 * Resolves a mapping against a header row: explicit entries (preset first, then `--map`) win;
 * other fields map automatically to a column of the same name (snake_case or camelCase,
 * case-insensitive). Throws when an explicitly named column is missing.
 */
export function resolveMap(header: readonly string[], explicit: FieldMap = {}, preset?: Preset): ResolvedMap {
  const norm = header.map((h) => h.trim().toLowerCase());
  const find = (name: string) => norm.indexOf(name.trim().toLowerCase());
  const merged: FieldMap = { ...(preset?.map ?? {}), ...explicit };
  const columns: ResolvedMap['columns'] = {};
  const describe: string[] = [];
  for (const field of FIELD_NAMES) {
    const named = merged[field];
    if (named) {
      if (!named.length) continue;
      const idx = named.map((c) => {
        const i = find(c);
        if (i < 0) throw new Error(`column "${c}" (for ${field}) is not in the header: ${header.join(', ')}`);
        return i;
      });
      columns[field] = idx;
      describe.push(`${field} ← ${named.join(' + ')}`);
      continue;
    }
    let i = find(field);
    if (i < 0) i = find(camel(field));
    if (i >= 0) {
      columns[field] = [i];
      describe.push(`${field} ← ${header[i].trim()}`);
    }
  }
  return { columns, describe };
}

/** Turns a CSV row into a PersonRecord (id: the id column, else `row<N>` with N from 1). */
export function rowToRecord(row: readonly string[], map: ResolvedMap, rowNumber: number): PersonRecord {
  const r: PersonRecord = { id: '' };
  const rec = r as unknown as Record<string, string>;
  for (const field of FIELD_NAMES) {
    const idx = map.columns[field];
    if (!idx) continue;
    let v: string;
    if (idx.length === 1) v = (row[idx[0]] ?? '').trim();
    else {
      v = '';
      for (const i of idx) {
        const x = (row[i] ?? '').trim();
        if (x) v = v ? `${v} ${x}` : x;
      }
    }
    if (v) rec[FIELD_KEYS[field]] = v;
  }
  if (!r.id) r.id = `row${rowNumber}`;
  return r;
}
