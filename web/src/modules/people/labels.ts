import type { TFunction } from 'i18next';
import type { BirthView } from '../../../../src/modules/people/contract';

/** Left-to-right isolate: keeps 1365/04/12 and 1986-07-03 whole inside right-to-left text. */
const ltr = (v: unknown) => (v === null || v === undefined ? '' : `\u2066${String(v)}\u2069`);

/** A date of birth as recorded: what was given, and what it means. */
export function birthText(t: TFunction, b: BirthView | null | undefined): string {
  if (!b) return '—';
  const sh = ltr(b.input);
  const date = ltr(b.date);
  switch (b.precision) {
    case 'exact':
      return b.date ? date : sh;
    case 'month':
      return sh;
    case 'year':
      return t('people.birth.year', { year: b.yearFrom ?? b.input });
    case 'estimated_age':
      return t('people.birth.age', { age: b.input, from: b.yearFrom, to: b.yearTo });
    case 'solar_hijri':
      return b.date && b.input.length > 4 ? t('people.birth.solarHijri', { sh, date }) : t('people.birth.solarHijriYear', { sh, from: b.yearFrom });
  }
}

/** Translates a timeline or version kind (household.create …), falling back to the server's English. */
export function kindLabel(t: TFunction, kind: string, fallback: string): string {
  const key = `people.kinds.${kind.replace(/\./g, '_')}`;
  const s = t(key);
  return s === key ? fallback : s;
}
