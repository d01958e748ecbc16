import type { TFunction } from 'i18next';
import type { BirthView } from '../../../../src/modules/people/contract';

/** A date of birth as recorded: what was given, and what it means. */
export function birthText(t: TFunction, b: BirthView | null | undefined): string {
  if (!b) return '—';
  switch (b.precision) {
    case 'exact':
      return b.date ?? b.input;
    case 'month':
      return b.input;
    case 'year':
      return t('people.birth.year', { year: b.yearFrom ?? b.input });
    case 'estimated_age':
      return t('people.birth.age', { age: b.input, from: b.yearFrom, to: b.yearTo });
    case 'solar_hijri':
      return b.date ? t('people.birth.solarHijri', { sh: b.input, date: b.date }) : t('people.birth.solarHijriYear', { sh: b.input, from: b.yearFrom });
  }
}

/** Translates a timeline or version kind (household.create …), falling back to the server's English. */
export function kindLabel(t: TFunction, kind: string, fallback: string): string {
  const key = `people.kinds.${kind.replace(/\./g, '_')}`;
  const s = t(key);
  return s === key ? fallback : s;
}
