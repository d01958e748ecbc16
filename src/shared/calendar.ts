/**
 * Solar Hijri (Afghan / Iranian civil calendar) ↔ Gregorian, by arithmetic on Julian day numbers.
 *
 * Year length follows the 33-year cycle: year `y` (AP) is a leap year, with 30 days in its last
 * month, when (25·y + 11) mod 33 < 8 — eight leap years per 33. Equivalently, 1 Farvardin (Hamal)
 * of year y falls 365·(y − 1) + ⌊(8·y + 21) / 33⌋ days after 1 Farvardin 1 AP. This is the
 * arithmetic rule ICU (and so `Intl.DateTimeFormat` with `-u-ca-persian`) uses, and the tests check
 * the two agree day by day. The official calendar is astronomical (the year starts with the day of
 * the vernal equinox in Tehran / Kabul); in rare years the two can differ by one day, so a date
 * typed from an official document should be kept as typed beside its conversion.
 *
 * Months 1–6 have 31 days, 7–11 have 30, month 12 has 29 (30 in a leap year).
 * Gregorian dates are proleptic Gregorian; a `Date` is read by its UTC calendar date.
 */

export interface CalendarDate {
  y: number;
  m: number;
  d: number;
}
/** A Gregorian calendar date (month 1–12). */
export type GregorianDate = CalendarDate;
/** A Solar Hijri calendar date (month 1 = Farvardin / Hamal … 12 = Esfand / Hut). */
export type SolarHijriDate = CalendarDate;

/** Julian day number of 1 Farvardin 1 AP (19 March 622 Julian, 22 March 622 proleptic Gregorian). */
const EPOCH_JDN = 1948320;
/** Julian day number of 1 January 1970 (the Unix epoch). */
const UNIX_EPOCH_JDN = 2440588;
const MS_PER_DAY = 86_400_000;

/** Days of the year before the start of each month (index 0 = Farvardin). */
const MONTH_START = [0, 31, 62, 93, 124, 155, 186, 216, 246, 276, 306, 336];

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/** Days from 1 Farvardin 1 AP to 1 Farvardin of year y. */
function daysBeforeYear(y: number): number {
  return 365 * (y - 1) + floorDiv(8 * y + 21, 33);
}

export function isSolarHijriLeapYear(y: number): boolean {
  return daysBeforeYear(y + 1) - daysBeforeYear(y) === 366;
}

export function solarHijriMonthLength(y: number, m: number): number {
  if (m <= 6) return 31;
  if (m <= 11) return 30;
  return isSolarHijriLeapYear(y) ? 30 : 29;
}

export function isValidSolarHijri(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) &&
    y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= solarHijriMonthLength(y, m)
  );
}

export function isValidGregorian(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const len = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= len;
}

/** Julian day number of a proleptic Gregorian date (Fliegel & Van Flandern). */
export function gregorianToJdn(y: number, m: number, d: number): number {
  const a = floorDiv(14 - m, 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return d + floorDiv(153 * mm + 2, 5) + 365 * yy + floorDiv(yy, 4) - floorDiv(yy, 100) + floorDiv(yy, 400) - 32045;
}

export function jdnToGregorian(jdn: number): GregorianDate {
  const a = jdn + 32044;
  const b = floorDiv(4 * a + 3, 146097);
  const c = a - floorDiv(146097 * b, 4);
  const d = floorDiv(4 * c + 3, 1461);
  const e = c - floorDiv(1461 * d, 4);
  const m = floorDiv(5 * e + 2, 153);
  return {
    y: 100 * b + d - 4800 + floorDiv(m, 10),
    m: m + 3 - 12 * floorDiv(m, 10),
    d: e - floorDiv(153 * m + 2, 5) + 1,
  };
}

export function solarHijriToJdn(y: number, m: number, d: number): number {
  return EPOCH_JDN - 1 + daysBeforeYear(y) + MONTH_START[m - 1] + d;
}

export function jdnToSolarHijri(jdn: number): SolarHijriDate {
  const days = jdn - EPOCH_JDN; // 0 on 1 Farvardin 1 AP
  // First guess from the mean year (12053 days per 33 years), then settle on the right year.
  let y = 1 + floorDiv(33 * days + 3, 12053);
  while (days < daysBeforeYear(y)) y--;
  while (days >= daysBeforeYear(y + 1)) y++;
  const dayOfYear = days - daysBeforeYear(y); // 0-based
  const m = dayOfYear < 186 ? floorDiv(dayOfYear, 31) + 1 : floorDiv(dayOfYear - 186, 30) + 7;
  return { y, m, d: dayOfYear - MONTH_START[m - 1] + 1 };
}

function jdnOfDate(date: Date): number {
  return floorDiv(date.getTime(), MS_PER_DAY) + UNIX_EPOCH_JDN;
}

/** A `Date` at UTC midnight of the Gregorian date. */
export function gregorianToDate(g: GregorianDate): Date {
  return new Date((gregorianToJdn(g.y, g.m, g.d) - UNIX_EPOCH_JDN) * MS_PER_DAY);
}

/** Solar Hijri date of a `Date` (its UTC day) or of a Gregorian `{y, m, d}`. */
export function toSolarHijri(date: Date | GregorianDate): SolarHijriDate {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new RangeError('Invalid Date');
    return jdnToSolarHijri(jdnOfDate(date));
  }
  if (!isValidGregorian(date.y, date.m, date.d)) throw new RangeError(`Not a Gregorian date: ${date.y}-${date.m}-${date.d}`);
  return jdnToSolarHijri(gregorianToJdn(date.y, date.m, date.d));
}

/** Gregorian `{y, m, d}` of a Solar Hijri date; RangeError when the date does not exist. */
export function fromSolarHijri(y: number, m: number, d: number): GregorianDate {
  if (!isValidSolarHijri(y, m, d)) throw new RangeError(`Not a Solar Hijri date: ${y}/${m}/${d}`);
  return jdnToGregorian(solarHijriToJdn(y, m, d));
}

/** The same as fromSolarHijri, as a `Date` at UTC midnight. */
export function solarHijriToDate(y: number, m: number, d: number): Date {
  return gregorianToDate(fromSolarHijri(y, m, d));
}

/** Month names as used in Afghanistan (Dari), their Latin spelling, and the Iranian names. */
export const SOLAR_HIJRI_MONTHS = {
  dari: ['حمل', 'ثور', 'جوزا', 'سرطان', 'اسد', 'سنبله', 'میزان', 'عقرب', 'قوس', 'جدی', 'دلو', 'حوت'],
  afghan: ['Hamal', 'Sawr', 'Jawza', 'Saratan', 'Asad', 'Sunbula', 'Mizan', 'Aqrab', 'Qaws', 'Jadi', 'Dalw', 'Hut'],
  iranian: ['Farvardin', 'Ordibehesht', 'Khordad', 'Tir', 'Mordad', 'Shahrivar', 'Mehr', 'Aban', 'Azar', 'Dey', 'Bahman', 'Esfand'],
} as const;

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

export interface FormatOptions {
  /** `latn` (default) writes 0–9; `persian` writes ۰–۹ (Extended Arabic-Indic). */
  digits?: 'latn' | 'persian';
  /** Names for `MMMM`: `afghan` (default), `dari` or `iranian`. */
  monthNames?: keyof typeof SOLAR_HIJRI_MONTHS;
}

/**
 * Formats a Solar Hijri date. A `Date` is converted first; a `{y, m, d}` is taken as Solar Hijri.
 * Tokens: `YYYY`, `YY`, `MMMM` (month name), `MM`, `M`, `DD`, `D`; anything else is copied.
 */
export function formatSolarHijri(date: Date | SolarHijriDate, pattern = 'YYYY/MM/DD', opts: FormatOptions = {}): string {
  const sh = date instanceof Date ? toSolarHijri(date) : date;
  if (!isValidSolarHijri(sh.y, sh.m, sh.d)) throw new RangeError(`Not a Solar Hijri date: ${sh.y}/${sh.m}/${sh.d}`);
  const names = SOLAR_HIJRI_MONTHS[opts.monthNames ?? 'afghan'];
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const out = pattern.replace(/YYYY|YY|MMMM|MM|M|DD|D/g, (t) => {
    switch (t) {
      case 'YYYY': return pad(sh.y, 4);
      case 'YY': return pad(sh.y % 100, 2);
      case 'MMMM': return names[sh.m - 1];
      case 'MM': return pad(sh.m, 2);
      case 'M': return String(sh.m);
      case 'DD': return pad(sh.d, 2);
      default: return String(sh.d);
    }
  });
  return opts.digits === 'persian' ? out.replace(/[0-9]/g, (c) => PERSIAN_DIGITS[Number(c)]) : out;
}

/**
 * Reads a Solar Hijri date written year first: `1365/04/12`, `1365-4-12`, `1365.04.12`, with
 * Latin, Persian (۱۳۶۵/۰۴/۱۲) or Arabic-Indic digits. Returns null when the text is not such a
 * date or the date does not exist (e.g. 1403/12/31 is fine only because 1403 is a leap year).
 */
export function parseSolarHijri(text: string): SolarHijriDate | null {
  const latin = text
    .trim()
    .replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660));
  const m = /^(\d{3,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$/.exec(latin);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidSolarHijri(y, mo, d) ? { y, m: mo, d } : null;
}

/** Today's date (YYYY-MM-DD) in a time zone, e.g. an operation's (Asia/Kabul is UTC+4:30). */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
