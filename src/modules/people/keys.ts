/**
 * Derived, normalised forms of a person, computed on every write and stored beside the person:
 * - the date of birth normalised from what was typed (with its precision);
 * - `searchKeys` (text[] with a GIN index) for search by any spelling, script, document or phone;
 * - `matchKeys` (jsonb), the matching engine's input for duplicate lookup.
 * All name normalisation comes from the dedup engine (variant dictionary, Arabic folding,
 * transliteration, consonant skeletons), so search, lookup and batch dedup agree.
 */
import { msg, type Message } from '../../shared/messages';
import { fromSolarHijri, isValidGregorian, parseSolarHijri } from '../../shared/calendar';
import type { PersonRecord } from '../dedup/engine';
import { hasArabicScript, nameKey, nameTokenKeys, nameTokens, normaliseDocument, normalisePhone, skeleton } from '../dedup/engine/normalise';
import type { BirthInput, BirthView } from './contract';

const toLatinDigits = (s: string) => s.replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660));
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** A normalised birth, or an error message for the field. `today` is the registration date (YYYY-MM-DD). */
export function normaliseBirthInput(b: BirthInput, today: string): { birth: BirthView } | { error: Message } {
  const v = toLatinDigits(b.value.trim());
  const thisYear = Number(today.slice(0, 4));
  const plausible = (y: number) => y >= thisYear - 125 && y <= thisYear;
  const out = (date: string | null, yearFrom: number, yearTo: number): { birth: BirthView } | { error: Message } => {
    if (date && date > today) return { error: msg('people.birthFuture') };
    if (!plausible(yearFrom) || !plausible(Math.min(yearTo, thisYear))) return { error: msg('people.birthYearRange', { from: thisYear - 125, to: thisYear }) };
    return { birth: { precision: b.precision, input: b.value, date, yearFrom, yearTo: Math.min(yearTo, thisYear) } };
  };
  switch (b.precision) {
    case 'exact': {
      const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
      if (!m || !isValidGregorian(+m[1], +m[2], +m[3])) return { error: msg('people.birthExact') };
      return out(ymd(+m[1], +m[2], +m[3]), +m[1], +m[1]);
    }
    case 'month': {
      const m = /^(\d{4})-(\d{1,2})$/.exec(v);
      if (!m || +m[2] < 1 || +m[2] > 12) return { error: msg('people.birthMonth') };
      return out(ymd(+m[1], +m[2], 1), +m[1], +m[1]);
    }
    case 'year': {
      if (!/^\d{4}$/.test(v)) return { error: msg('people.birthYear') };
      return out(ymd(+v, 1, 1), +v, +v);
    }
    case 'estimated_age': {
      if (!/^\d{1,3}$/.test(v) || +v > 125) return { error: msg('people.birthAge') };
      const age = +v;
      // Born between (today − age − 1 years, today − age]: the birth year is one of two.
      const hi = thisYear - age;
      return out(ymd(hi - 1, 1, 1), hi - 1, hi);
    }
    case 'solar_hijri': {
      const d = parseSolarHijri(v);
      if (d) {
        const g = fromSolarHijri(d.y, d.m, d.d);
        return out(ymd(g.y, g.m, g.d), g.y, g.y);
      }
      if (/^\d{4}$/.test(v) && +v >= 1250 && +v < 1500) return out(ymd(+v + 621, 3, 21), +v + 621, +v + 622);
      return { error: msg('people.birthSolarHijri') };
    }
  }
}

export interface NameFields {
  givenName?: string | null;
  fatherName?: string | null;
  familyName?: string | null;
  givenNameAr?: string | null;
  fatherNameAr?: string | null;
  familyNameAr?: string | null;
}

export const NAME_FIELDS = ['givenName', 'fatherName', 'familyName', 'givenNameAr', 'fatherNameAr', 'familyNameAr'] as const;

export function hasAnyName(n: NameFields): boolean {
  return NAME_FIELDS.some((k) => !!n[k]?.trim());
}

export function displayName(n: NameFields): string {
  const latin = [n.givenName, n.familyName].filter((x) => x && x.trim()).join(' ');
  if (latin) return latin;
  const ar = [n.givenNameAr, n.familyNameAr].filter((x) => x && x.trim()).join(' ');
  return ar || n.fatherName || n.fatherNameAr || '';
}

/**
 * Name keys (variant-canonical) and their consonant skeletons of one text, per token and, for a
 * name of several tokens, for the whole name written together (Abdul Rahman = عبدالرحمن).
 */
export function nameSearchKeys(text: string | null | undefined, out: Set<string>): void {
  const whole = nameKey(text);
  if (whole.tokens.length > 1) {
    out.add(`n:${whole.key}`);
    if (whole.skel) out.add(`s:${whole.skel}`);
  }
  for (const t of nameTokens(text))
    for (const k of nameTokenKeys(t)) {
      if (!k) continue;
      out.add(`n:${k}`);
      const s = skeleton(k);
      if (s) out.add(`s:${s}`);
    }
}

/** The string and its one-character deletions (symmetric-deletion index for one typo). */
export function deletions(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) out.add(s.slice(0, i) + s.slice(i + 1));
  return [...out];
}

/** Document keys: `d:` the normalised number; `e:` its one-character deletions (numbers of 5+ characters). */
export function documentKeys(number: string, out: Set<string>): void {
  const d = normaliseDocument(number);
  if (!d) return;
  out.add(`d:${d}`);
  if (d.length >= 5) for (const x of deletions(d)) out.add(`e:${x}`);
}

export function phoneKey(number: string): string | null {
  const p = normalisePhone(number);
  return p ? `p:${p}` : null;
}

export interface KeyInput extends NameFields {
  sex: 'male' | 'female';
  birth: BirthView | null;
  phones: { number: string }[];
  documents: { number: string }[];
  /** The household's current place (engine location). */
  locationPcode: string | null;
}

export function searchKeysOf(p: KeyInput): string[] {
  const keys = new Set<string>();
  for (const f of NAME_FIELDS) nameSearchKeys(p[f], keys);
  for (const d of p.documents) documentKeys(d.number, keys);
  for (const ph of p.phones) {
    const k = phoneKey(ph.number);
    if (k) keys.add(k);
  }
  return [...keys];
}

/** The engine's normalised name form: canonical token keys separated by spaces ('' when empty). */
function nameForm(latin: string | null | undefined, arabic: string | null | undefined): string | null {
  const k = nameKey(latin?.trim() || arabic?.trim() || '');
  return k.tokens.length ? k.tokens.join(' ') : null;
}

/**
 * Stored match keys: names already normalised by the engine, sex, birth (an exact date, a year,
 * or an estimated birth year for stated ages), the first document and phone, the location.
 */
export function matchKeysOf(p: KeyInput): Record<string, string | number | null> {
  const b = p.birth;
  let birthDate: string | null = null;
  let birthYear: number | null = null;
  let estBirthYear: number | null = null;
  if (b && b.date) {
    if (b.precision === 'exact' || (b.precision === 'solar_hijri' && b.yearFrom === b.yearTo)) birthDate = b.date;
    else if (b.precision === 'estimated_age') estBirthYear = b.yearTo;
    else if (b.yearFrom === b.yearTo) birthYear = b.yearFrom;
    else estBirthYear = b.yearTo;
  }
  return {
    given: nameForm(p.givenName, p.givenNameAr),
    family: nameForm(p.familyName, p.familyNameAr),
    father: nameForm(p.fatherName, p.fatherNameAr),
    sex: p.sex === 'male' ? 'm' : 'f',
    birthDate,
    birthYear,
    estBirthYear,
    document: p.documents.length ? normaliseDocument(p.documents[0].number) || null : null,
    phone: p.phones.length ? normalisePhone(p.phones[0].number) || null : null,
    location: p.locationPcode,
  };
}

/** Stored match keys → the engine's record. Estimated birth years become an age this year. */
export function engineRecord(id: string, m: Record<string, unknown>, thisYear = new Date().getUTCFullYear()): PersonRecord {
  return {
    id,
    givenName: (m.given as string) ?? null,
    familyName: (m.family as string) ?? null,
    fatherName: (m.father as string) ?? null,
    sex: (m.sex as string) ?? null,
    birthDate: (m.birthDate as string) ?? null,
    birthYear: (m.birthYear as number) ?? null,
    age: m.estBirthYear ? thisYear - (m.estBirthYear as number) : null,
    documentNumber: (m.document as string) ?? null,
    phone: (m.phone as string) ?? null,
    locationPcode: (m.location as string) ?? null,
  };
}

export { hasArabicScript };
