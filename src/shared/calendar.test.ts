import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatSolarHijri,
  fromSolarHijri,
  gregorianToDate,
  isSolarHijriLeapYear,
  isValidSolarHijri,
  parseSolarHijri,
  solarHijriToDate,
  toSolarHijri,
} from './calendar';

const DAY = 86_400_000;
const utcDay = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

const intlPersian = new Intl.DateTimeFormat('en-u-ca-persian', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' });
function viaIntl(date: Date) {
  const parts = Object.fromEntries(intlPersian.formatToParts(date).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

/** A random UTC day between two years (inclusive of the first, exclusive of the second). */
const dayBetween = (fromYear: number, toYear: number) =>
  fc.integer({ min: Date.UTC(fromYear, 0, 1) / DAY, max: Date.UTC(toYear, 0, 1) / DAY - 1 }).map((n) => new Date(n * DAY));

describe('Solar Hijri calendar', () => {
  it('knows fixed points (checked against Intl first)', () => {
    // Nowruz 1404 and a typical date of birth from a Tazkira.
    expect(viaIntl(utcDay(2025, 3, 21))).toEqual({ y: 1404, m: 1, d: 1 });
    expect(viaIntl(utcDay(1986, 7, 3))).toEqual({ y: 1365, m: 4, d: 12 });
    expect(toSolarHijri(utcDay(2025, 3, 21))).toEqual({ y: 1404, m: 1, d: 1 });
    expect(fromSolarHijri(1404, 1, 1)).toEqual({ y: 2025, m: 3, d: 21 });
    expect(fromSolarHijri(1365, 4, 12)).toEqual({ y: 1986, m: 7, d: 3 });
    expect(toSolarHijri({ y: 1986, m: 7, d: 3 })).toEqual({ y: 1365, m: 4, d: 12 });
    // Last day of a leap year and the day after.
    expect(isSolarHijriLeapYear(1403)).toBe(true);
    expect(fromSolarHijri(1403, 12, 30)).toEqual({ y: 2025, m: 3, d: 20 });
    expect(toSolarHijri(utcDay(1970, 1, 1))).toEqual(viaIntl(utcDay(1970, 1, 1)));
  });

  it('leap years follow the 33-year rule: (25y + 11) mod 33 < 8', () => {
    for (let y = 1; y <= 3000; y++) expect(isSolarHijriLeapYear(y), String(y)).toBe((25 * y + 11) % 33 < 8);
    // Eight leap years in each 33-year cycle.
    let leaps = 0;
    for (let y = 1380; y < 1413; y++) if (isSolarHijriLeapYear(y)) leaps++;
    expect(leaps).toBe(8);
  });

  it('round-trips every day from 1900 to 2100', () => {
    fc.assert(
      fc.property(dayBetween(1900, 2101), (date) => {
        const sh = toSolarHijri(date);
        expect(isValidSolarHijri(sh.y, sh.m, sh.d)).toBe(true);
        expect(solarHijriToDate(sh.y, sh.m, sh.d).getTime()).toBe(date.getTime());
        expect(parseSolarHijri(formatSolarHijri(sh))).toEqual(sh);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Intl (ICU persian calendar) from 1930 to 2070', () => {
    fc.assert(
      fc.property(dayBetween(1930, 2071), (date) => {
        expect(toSolarHijri(date)).toEqual(viaIntl(date));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with Intl on every 1 Farvardin from 1300 to 1480', () => {
    for (let y = 1300; y <= 1480; y++) expect(viaIntl(solarHijriToDate(y, 1, 1)), String(y)).toEqual({ y, m: 1, d: 1 });
  });

  it('walks day by day without gaps', () => {
    let prev = toSolarHijri(utcDay(1999, 1, 1));
    for (let t = Date.UTC(1999, 0, 2); t < Date.UTC(2031, 0, 1); t += DAY) {
      const cur = toSolarHijri(new Date(t));
      const next =
        prev.d < (prev.m <= 6 ? 31 : prev.m <= 11 ? 30 : isSolarHijriLeapYear(prev.y) ? 30 : 29)
          ? { ...prev, d: prev.d + 1 }
          : prev.m < 12 ? { y: prev.y, m: prev.m + 1, d: 1 } : { y: prev.y + 1, m: 1, d: 1 };
      expect(cur).toEqual(next);
      prev = cur;
    }
  });

  it('validates dates', () => {
    expect(isValidSolarHijri(1403, 12, 30)).toBe(true);
    expect(isValidSolarHijri(1404, 12, 30)).toBe(false);
    expect(isValidSolarHijri(1404, 12, 29)).toBe(true);
    expect(isValidSolarHijri(1404, 7, 31)).toBe(false);
    expect(isValidSolarHijri(1404, 6, 31)).toBe(true);
    expect(isValidSolarHijri(1404, 13, 1)).toBe(false);
    expect(isValidSolarHijri(1404, 0, 1)).toBe(false);
    expect(isValidSolarHijri(1404, 1, 0)).toBe(false);
    expect(isValidSolarHijri(1404.5, 1, 1)).toBe(false);
    expect(() => fromSolarHijri(1404, 12, 30)).toThrow(RangeError);
    expect(() => toSolarHijri({ y: 2025, m: 2, d: 29 })).toThrow(RangeError);
    expect(() => toSolarHijri(new Date('nonsense'))).toThrow(RangeError);
  });

  it('formats', () => {
    const d = { y: 1365, m: 4, d: 12 };
    expect(formatSolarHijri(d)).toBe('1365/04/12');
    expect(formatSolarHijri(d, 'D MMMM YYYY')).toBe('12 Saratan 1365');
    expect(formatSolarHijri(d, 'D MMMM YYYY', { monthNames: 'iranian' })).toBe('12 Tir 1365');
    expect(formatSolarHijri(d, 'YYYY/M/D', { digits: 'persian' })).toBe('۱۳۶۵/۴/۱۲');
    expect(formatSolarHijri(d, 'D MMMM', { monthNames: 'dari' })).toBe('12 سرطان');
    expect(formatSolarHijri(gregorianToDate({ y: 2025, m: 3, d: 21 }), 'YYYY-MM-DD')).toBe('1404-01-01');
  });

  it('parses', () => {
    expect(parseSolarHijri('1365/04/12')).toEqual({ y: 1365, m: 4, d: 12 });
    expect(parseSolarHijri(' 1365-4-12 ')).toEqual({ y: 1365, m: 4, d: 12 });
    expect(parseSolarHijri('1365.04.12')).toEqual({ y: 1365, m: 4, d: 12 });
    expect(parseSolarHijri('۱۳۶۵/۰۴/۱۲')).toEqual({ y: 1365, m: 4, d: 12 });
    expect(parseSolarHijri('١٣٦٥/٠٤/١٢')).toEqual({ y: 1365, m: 4, d: 12 });
    expect(parseSolarHijri('1403/12/30')).toEqual({ y: 1403, m: 12, d: 30 });
    expect(parseSolarHijri('1404/12/30')).toBeNull();
    expect(parseSolarHijri('1365/13/01')).toBeNull();
    expect(parseSolarHijri('12/04/1365')).toBeNull();
    expect(parseSolarHijri('1365')).toBeNull();
    expect(parseSolarHijri('')).toBeNull();
  });
});
