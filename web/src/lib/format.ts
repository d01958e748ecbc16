import { useTranslation } from 'react-i18next';

/** BCP 47 base locale for formatting in each UI language. */
function baseLocale(lang: string): string {
  if (lang === 'en') return 'en-GB';
  if (lang === 'ps') return 'ps-AF';
  if (lang === 'ur') return 'ur-PK';
  return lang;
}

export type Calendar = 'gregory' | 'persian';

export interface DateFormatOptions {
  calendar?: Calendar;
  timeZone?: string;
  time?: boolean;
  style?: 'long' | 'medium' | 'short';
}

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, o: DateFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([lang, o]);
  let f = cache.get(key);
  if (!f) {
    const locale = `${baseLocale(lang)}-u-ca-${o.calendar ?? 'gregory'}`;
    const opts: Intl.DateTimeFormatOptions = { dateStyle: o.style ?? 'medium', timeZone: o.timeZone };
    if (o.time) opts.timeStyle = 'short';
    try {
      f = new Intl.DateTimeFormat(locale, opts);
    } catch {
      // An unknown time zone should never hide a date.
      f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: undefined });
    }
    cache.set(key, f);
  }
  return f;
}

export function toDate(value: Date | string | number): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(value: Date | string | number, lang: string, o: DateFormatOptions = {}): string {
  const d = toDate(value);
  return d ? formatter(lang, o).format(d) : '';
}

export function formatNumber(n: number, lang: string): string {
  return new Intl.NumberFormat(baseLocale(lang)).format(n);
}

export function useFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  return {
    lang,
    date: (v: Date | string | number, o?: DateFormatOptions) => formatDate(v, lang, o),
    number: (n: number) => formatNumber(n, lang),
  };
}
