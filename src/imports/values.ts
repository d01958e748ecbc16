/** Turning cell text into typed values, with a readable message when it cannot be done. */
import { msg } from '../shared/messages';
import type { IssueSink } from './types';

const DIGITS: Record<string, string> = {};
'۰۱۲۳۴۵۶۷۸۹'.split('').forEach((d, i) => (DIGITS[d] = String(i)));
'٠١٢٣٤٥٦٧٨٩'.split('').forEach((d, i) => (DIGITS[d] = String(i)));

/** Persian and Arabic-Indic digits → ASCII. */
export function asciiDigits(s: string): string {
  return /[۰-۹٠-٩]/.test(s) ? s.replace(/[۰-۹٠-٩]/g, (d) => DIGITS[d]) : s;
}

/** A whole number ≥ 0 (blank → `blank`); "12.0" from spreadsheets is accepted. */
export function intValue(v: string | string[] | undefined, field: string, issue: IssueSink, opts: { blank?: number | null; max?: number; min?: number } = {}): number | null {
  if (v === undefined || v === '') {
    if (opts.blank === undefined) {
      issue(field, msg('cell.numberRequired'));
      return null;
    }
    return opts.blank;
  }
  if (typeof v === 'string' && v.length < 10 && /^\d+$/.test(v)) return checkRange(Number(v), field, issue, opts);
  const s = asciiDigits(String(v)).replace(/[\s,]/g, '');
  const n = Number(s);
  if (!/^-?\d+(\.0+)?$/.test(s) || !Number.isSafeInteger(n)) {
    issue(field, msg('cell.notWholeNumber', { value: String(v) }));
    return null;
  }
  return checkRange(n, field, issue, opts);
}

function checkRange(n: number, field: string, issue: IssueSink, opts: { max?: number; min?: number }): number | null {
  const min = opts.min ?? 0;
  if (n < min) {
    issue(field, msg('cell.below', { n, min }));
    return null;
  }
  if (opts.max !== undefined && n > opts.max) {
    issue(field, msg('cell.above', { n, max: opts.max }));
    return null;
  }
  return n;
}

/**
 * A date as YYYY-MM-DD from ISO dates, Kobo/ODK date-times (`2024-05-02T10:11:12.000+04:30`: the
 * local date as written), YYYY/MM/DD, or an Excel serial number.
 */
const knownDates = new Map<string, string>();

export function dateValue(v: string | string[] | undefined, field: string, issue: IssueSink, required = true): string | null {
  if (v === undefined || v === '') {
    if (required) issue(field, msg('cell.dateRequired'));
    return null;
  }
  // Files repeat the same days (or timestamps) many times: remember the good ones.
  const known = typeof v === 'string' ? knownDates.get(v) : undefined;
  if (known) return known;
  const iso = parseDate(v, field, issue);
  if (iso && typeof v === 'string') {
    if (knownDates.size > 50_000) knownDates.clear();
    knownDates.set(v, iso);
  }
  return iso;
}

function parseDate(v: string | string[], field: string, issue: IssueSink): string | null {
  const s = asciiDigits(String(v)).trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^\d{4,5}(\.\d+)?$/.exec(s)) && Number(s) > 20000 && Number(s) < 80000) {
    const dt = new Date(Date.UTC(1899, 11, 30) + Math.floor(Number(s)) * 86_400_000);
    [y, mo, d] = [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
  } else {
    issue(field, msg('cell.notDate', { value: String(v) }));
    return null;
  }
  const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || !check.toISOString().startsWith(iso)) {
    issue(field, msg('cell.notCalendarDate', { date: iso }));
    return null;
  }
  return iso;
}

const lowerMaps = new WeakMap<readonly string[], Map<string, string>>();
/** allowed values by their lower-case form (built once per list). */
function lowerMap(allowed: readonly string[]): Map<string, string> {
  let m = lowerMaps.get(allowed);
  if (!m) lowerMaps.set(allowed, (m = new Map(allowed.map((a) => [a.toLowerCase(), a]))));
  return m;
}

const YES = new Set(['1', 'yes', 'y', 'true', 'oui', 'بلی', 'بله', 'هو', 'ہاں', 'ok']);
const NO = new Set(['0', 'no', 'n', 'false', 'non', 'نه', 'نخیر', 'نہیں', 'نە']);

export function boolValue(v: string | string[] | undefined, field: string, issue: IssueSink, blank: boolean | null = null): boolean | null {
  if (v === undefined || v === '') {
    if (blank === null) issue(field, msg('cell.yesNoRequired'));
    return blank;
  }
  const s = String(v).trim().toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  issue(field, msg('cell.notYesNo', { value: String(v) }));
  return null;
}

/**
 * One of `allowed` (case-insensitive), or a synonym. Blank → null, reported when required.
 */
export function choiceValue<T extends string>(
  v: string | string[] | undefined,
  field: string,
  issue: IssueSink,
  allowed: readonly T[],
  opts: { required?: boolean; synonyms?: Record<string, T> } = {},
): T | null {
  if (v === undefined || v === '') {
    if (opts.required !== false) issue(field, msg('cell.choiceRequired', { allowed: allowed.join(', ') }));
    return null;
  }
  const s = String(v).trim();
  const lower = s.toLowerCase();
  const hit = (lowerMap(allowed).get(lower) as T | undefined) ?? opts.synonyms?.[lower];
  if (!hit) {
    issue(field, msg('cell.notOneOf', { value: s, allowed: allowed.join(', ') }));
    return null;
  }
  return hit;
}

/** Several of `allowed` (select_multiple); unknown values are reported one by one. */
export function choicesValue<T extends string>(v: string | string[] | undefined, field: string, issue: IssueSink, allowed: readonly T[], synonyms: Record<string, T> = {}): T[] | null {
  const list = v === undefined ? [] : Array.isArray(v) ? v : String(v).split(/[\s,;]+/).filter(Boolean);
  const out: T[] = [];
  let ok = true;
  for (const raw of list) {
    const lower = raw.toLowerCase();
    const hit = (lowerMap(allowed).get(lower) as T | undefined) ?? synonyms[lower];
    if (!hit) {
      issue(field, msg('cell.notOneOf', { value: raw, allowed: allowed.join(', ') }));
      ok = false;
    } else if (!out.includes(hit)) out.push(hit);
  }
  return ok ? out : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID, also from ODK's `uuid:…` instance ids; blank → null. */
export function uuidValue(v: string | string[] | undefined, field: string, issue: IssueSink): string | null {
  if (v === undefined || v === '') return null;
  const s = String(v).trim().replace(/^uuid:/i, '').toLowerCase();
  if (!UUID.test(s)) {
    issue(field, msg('cell.notUuid', { value: String(v) }));
    return null;
  }
  return s;
}
