/**
 * Date of birth as registration officers get it: an exact date from a document, a year, an age
 * someone estimates ("about 40"), or a Solar Hijri date from a Tazkira (1365/04/12). The form keeps
 * what was typed and its mode; this file reads it into a normalised Gregorian value with its
 * precision, or says what is wrong with it.
 */
import { fromSolarHijri, isValidGregorian, parseSolarHijri } from '../../../../src/shared/calendar';
import { toLatinDigits } from './script';

export const DOB_MODES = ['exact', 'year', 'age', 'solarHijri'] as const;
export type DobMode = (typeof DOB_MODES)[number];

export interface DobInput {
  mode: DobMode;
  text: string;
}

export type DobPrecision = 'day' | 'year' | 'age' | 'solar_hijri';

export interface DobValue {
  precision: DobPrecision;
  /** Gregorian date, YYYY-MM-DD; for a year or an age, 1 July of the (estimated) year. */
  date: string;
  year: number;
  /** The age in whole years on the reference day (for precision `age`, the age typed). */
  age: number;
  /** The Solar Hijri date as typed (normalised to YYYY/MM/DD), when that was the mode. */
  solarHijri?: string;
}

export type DobError = 'format' | 'future' | 'tooOld' | 'looksSolarHijri' | 'looksGregorian';

export type DobResult = { kind: 'empty' } | { kind: 'ok'; value: DobValue } | { kind: 'error'; error: DobError };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** Whole years between a birth date and the reference day. */
export function ageOn(birth: { y: number; m: number; d: number }, ref: Date): number {
  const ry = ref.getUTCFullYear();
  const rm = ref.getUTCMonth() + 1;
  const rd = ref.getUTCDate();
  let age = ry - birth.y;
  if (rm < birth.m || (rm === birth.m && rd < birth.d)) age -= 1;
  return age;
}

function checkRange(y: number, m: number, d: number, ref: Date): DobError | null {
  const refIso = ref.toISOString().slice(0, 10);
  if (iso(y, m, d) > refIso) return 'future';
  if (ref.getUTCFullYear() - y > 120) return 'tooOld';
  return null;
}

/** Reads a date of birth; `ref` is the day of registration (today by default). */
export function parseDob(input: DobInput, ref: Date = new Date()): DobResult {
  const text = toLatinDigits(input.text).trim();
  if (!text) return { kind: 'empty' };
  const refYear = ref.getUTCFullYear();

  switch (input.mode) {
    case 'age': {
      if (!/^\d{1,3}$/.test(text)) return { kind: 'error', error: 'format' };
      const age = Number(text);
      if (age > 120) return { kind: 'error', error: 'tooOld' };
      const year = refYear - age;
      return { kind: 'ok', value: { precision: 'age', date: iso(year, 7, 1), year, age } };
    }
    case 'year': {
      if (!/^\d{4}$/.test(text)) return { kind: 'error', error: 'format' };
      const year = Number(text);
      if (year >= 1280 && year <= 1450) return { kind: 'error', error: 'looksSolarHijri' };
      if (year > refYear) return { kind: 'error', error: 'future' };
      if (refYear - year > 120) return { kind: 'error', error: 'tooOld' };
      return { kind: 'ok', value: { precision: 'year', date: iso(year, 7, 1), year, age: refYear - year } };
    }
    case 'exact': {
      let y: number, m: number, d: number;
      let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
      if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
      else {
        // Documents in Afghanistan and Pakistan write day first: 12/04/1986.
        match = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
        if (!match) return { kind: 'error', error: 'format' };
        [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
      }
      if (y >= 1280 && y <= 1450) return { kind: 'error', error: 'looksSolarHijri' };
      if (!isValidGregorian(y, m, d)) return { kind: 'error', error: 'format' };
      const bad = checkRange(y, m, d, ref);
      if (bad) return { kind: 'error', error: bad };
      return { kind: 'ok', value: { precision: 'day', date: iso(y, m, d), year: y, age: ageOn({ y, m, d }, ref) } };
    }
    case 'solarHijri': {
      if (/^\d{4}$/.test(text)) {
        // A Solar Hijri year alone: most of it falls in the Gregorian year 621 later.
        const shYear = Number(text);
        if (shYear > 1700) return { kind: 'error', error: 'looksGregorian' };
        if (shYear < 1280) return { kind: 'error', error: 'tooOld' };
        const year = shYear + 621;
        if (year > refYear) return { kind: 'error', error: 'future' };
        return { kind: 'ok', value: { precision: 'year', date: iso(year, 7, 1), year, age: refYear - year, solarHijri: pad(shYear, 4) } };
      }
      const sh = parseSolarHijri(text);
      if (!sh) {
        const g = /^(\d{4})/.exec(text);
        if (g && Number(g[1]) > 1700) return { kind: 'error', error: 'looksGregorian' };
        return { kind: 'error', error: 'format' };
      }
      if (sh.y > 1700) return { kind: 'error', error: 'looksGregorian' };
      const g = fromSolarHijri(sh.y, sh.m, sh.d);
      const bad = checkRange(g.y, g.m, g.d, ref);
      if (bad) return { kind: 'error', error: bad };
      return {
        kind: 'ok',
        value: { precision: 'solar_hijri', date: iso(g.y, g.m, g.d), year: g.y, age: ageOn(g, ref), solarHijri: `${pad(sh.y, 4)}/${pad(sh.m)}/${pad(sh.d)}` },
      };
    }
  }
}

/** The mode a typed value most likely means, to switch to when the officer typed in the wrong one. */
export function suggestedMode(error: DobError): DobMode | null {
  if (error === 'looksSolarHijri') return 'solarHijri';
  if (error === 'looksGregorian') return 'exact';
  return null;
}

/**
 * The mode a typed value reads in when the chosen mode cannot read it: "35" is an age, "1982" a
 * year, "1365" or "1365/04/12" Solar Hijri, "12/04/1986" a date. The form switches to it when the
 * officer leaves the field, so the mode list is rarely needed.
 */
export function inferMode(input: DobInput, ref: Date = new Date()): DobMode | null {
  if (parseDob(input, ref).kind !== 'error') return null;
  const order: DobMode[] = ['exact', 'year', 'solarHijri', 'age'];
  for (const mode of order) {
    if (mode === input.mode) continue;
    if (parseDob({ mode, text: input.text }, ref).kind === 'ok') return mode;
  }
  return null;
}
