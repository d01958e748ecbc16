/**
 * Helpers for names typed in Arabic script (Dari, Pashto, Urdu) and for digits typed on a Dari
 * keyboard. Pure functions: the registration form and its tests use them.
 */

const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const LATIN_LETTER = /[A-Za-z\u00C0-\u024F]/;

export function hasArabicScript(s: string): boolean {
  return ARABIC_SCRIPT.test(s);
}

export function hasLatinLetters(s: string): boolean {
  return LATIN_LETTER.test(s);
}

/**
 * What an Arabic-script name field keeps of what was typed or pasted: the Arabic keyboard's
 * ي / ى / ك become the Dari/Pashto/Urdu ی and ک (the Windows Arabic layout and pasted Arabic text
 * use them; they look alike but would not match), tatweel (ـ, a stretching stroke) and diacritics
 * are dropped, and runs of spaces become one. The zero-width non-joiner (used in Dari names such
 * as عبدالله‌جان) is kept.
 */
export function normaliseArabicName(s: string): string {
  return s
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(/\u0640/g, '')
    .replace(/[\u064B-\u065F\u0670]/g, '')
    .replace(/[ \t]{2,}/g, ' ');
}

/** A Latin name field: letters, spaces, apostrophes and hyphens as typed; runs of spaces become one. */
export function normaliseLatinName(s: string): string {
  return s.replace(/[ \t]{2,}/g, ' ');
}

/** ۰–۹ (Dari/Persian) and ٠–٩ (Arabic-Indic) digits become 0–9: for dates, document numbers, phones. */
export function toLatinDigits(s: string): string {
  return s.replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660));
}

/** A phone number as stored: Latin digits, a leading + kept, spaces and dashes removed. */
export function normalisePhone(s: string): string {
  const t = toLatinDigits(s).trim();
  const plus = t.startsWith('+') || t.startsWith('00');
  const digits = t.replace(/\D/g, '').replace(/^00/, '');
  return plus && digits ? `+${digits}` : digits;
}

/** A document number as stored: Latin digits, upper case, no spaces. */
export function normaliseDocumentNumber(s: string): string {
  return toLatinDigits(s).replace(/\s+/g, '').toUpperCase();
}

/** Which kind of query the search box holds, to say what is being searched. */
export function queryKind(q: string): 'empty' | 'phone' | 'document' | 'arabic' | 'name' {
  const t = toLatinDigits(q).trim();
  if (!t) return 'empty';
  if (/^\+?[\d\s-]{7,}$/.test(t)) return 'phone';
  if (/\d/.test(t) && /^[A-Za-z0-9\-/]+$/.test(t)) return 'document';
  if (hasArabicScript(t)) return 'arabic';
  return 'name';
}
