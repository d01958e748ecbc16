/**
 * Name and date normalisation for the matching engine.
 *
 * Every name field becomes three comparable forms:
 * - `key`: the name's tokens, each mapped through the variant dictionary (Mohammad / Muhammad /
 *   Mohd / محمد → one canonical spelling) or, when unknown, a simplified Latin spelling; joined
 *   without spaces so that "Abdul Rahman" and "Abdulrahman" agree;
 * - `skel`: a consonant skeleton of the key, the same for Arabic-script and Latin spellings of
 *   most names (محمد → mhmd, Mohammad → mhmd), used for blocking and partial credit;
 * - `tokens`: the per-token keys, for subset comparison ("Mohammad Karim" vs "Karim").
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { fromSolarHijri, isValidGregorian, parseSolarHijri } from '../../../shared/calendar';

// ---------------------------------------------------------------------------------------------
// Arabic script

/**
 * Dari / Pashto / Urdu / Arabic letter forms brought to one (Persian) form. Persian letters
 * (پ چ ژ گ) are kept, since they carry sound; Arabic kaf/yeh and Pashto/Urdu letters fold.
 */
const AR_FOLD: Record<string, string> = {
  'ي': 'ی', 'ى': 'ی', 'ې': 'ی', 'ۍ': 'ی', 'ئ': 'ی', 'ے': 'ی', 'ۓ': 'ی', 'ٸ': 'ی',
  'ك': 'ک', 'ڪ': 'ک', 'ګ': 'گ', 'ڭ': 'گ',
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ٲ': 'ا', 'ٳ': 'ا',
  'ة': 'ه', 'ۀ': 'ه', 'ہ': 'ه', 'ھ': 'ه', 'ۂ': 'ه', 'ۃ': 'ه',
  'ؤ': 'و', 'ۄ': 'و', 'ۆ': 'و',
  'ټ': 'ت', 'ٹ': 'ت', 'ډ': 'د', 'ڈ': 'د', 'ړ': 'ر', 'ڑ': 'ر', 'ږ': 'ژ', 'ښ': 'ش',
  'ځ': 'ز', 'څ': 'س', 'ڼ': 'ن', 'ں': 'ن', 'ڵ': 'ل',
  'ء': '',
};

const isArabicMark = (code: number) =>
  (code >= 0x0610 && code <= 0x061a) || (code >= 0x064b && code <= 0x065f) || code === 0x0670 ||
  code === 0x0640 || (code >= 0x06d6 && code <= 0x06ed) || code === 0x200c || code === 0x200d;

export function hasArabicScript(s: string): boolean {
  return /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/.test(s);
}

/** Arabic-script name folded: one letter form per sound, diacritics/tatweel/ZWNJ dropped. */
export function foldArabicName(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC')) {
    const code = ch.charCodeAt(0);
    if (isArabicMark(code)) continue;
    const f = AR_FOLD[ch];
    out += f ?? ch;
  }
  return out.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const AR_LATIN: Record<string, string> = {
  'ا': 'a', 'ب': 'b', 'پ': 'p', 'ت': 't', 'ث': 's', 'ج': 'j', 'چ': 'ch', 'ح': 'h', 'خ': 'kh',
  'د': 'd', 'ذ': 'z', 'ر': 'r', 'ز': 'z', 'ژ': 'zh', 'س': 's', 'ش': 'sh', 'ص': 's', 'ض': 'z',
  'ط': 't', 'ظ': 'z', 'ع': '', 'غ': 'gh', 'ف': 'f', 'ق': 'q', 'ک': 'k', 'گ': 'g', 'ل': 'l',
  'م': 'm', 'ن': 'n', 'و': 'w', 'ه': 'h', 'ی': 'y',
};

/**
 * Rule-based romanisation of one folded Arabic-script token, for names the dictionary does not
 * know. Short vowels are not written in the script, so the result is a rough key (محمد → mhmd),
 * meant to be compared through its skeleton, not shown.
 */
export function transliterateArabic(token: string): string {
  const chars = [...token];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === 'ع') {
      out += i === 0 ? 'a' : '';
      continue;
    }
    if (c === 'و') {
      out += i === 0 ? 'w' : 'u';
      continue;
    }
    if (c === 'ی') {
      out += i === 0 ? 'y' : 'i';
      continue;
    }
    if (c === 'ه' && i === chars.length - 1 && i > 0) {
      out += 'a';
      continue;
    }
    const l = AR_LATIN[c];
    if (l !== undefined) out += l;
    else if (/[a-z0-9]/.test(c)) out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Latin

/** Lower-case ASCII letters only: accents removed, apostrophes and hyphens dropped. */
export function latinBase(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[øœ]/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]/g, '');
}

/**
 * A spelling simplification that collapses common transliteration noise: doubled letters, ou/oo
 * → u, ee/ea → i, ph → f, final h after a vowel. Used when a spelling is not in the dictionary,
 * and to widen dictionary look-ups.
 */
export function simplifySpelling(s: string): string {
  let t = s
    .replace(/ph/g, 'f')
    .replace(/ou|oo/g, 'u')
    .replace(/ee|ea/g, 'i')
    .replace(/ck/g, 'k')
    .replace(/q/g, 'k')
    .replace(/([aeiou])h$/, '$1');
  t = t.replace(/(.)\1+/g, '$1');
  return t;
}

/**
 * Consonant skeleton: digraphs reduced (kh→k, gh→g, sh→S, ch→C), similar letters merged (c/q→k,
 * v→w), an initial vowel written as `a`, later vowels and w/y dropped, repeats collapsed.
 * محمد (→ mhmd) and Mohammad / Muhammad / Mohamed all give `mhmd`.
 */
export function skeleton(latin: string): string {
  if (!latin) return '';
  const t = latin
    .replace(/sh/g, 'S')
    .replace(/ch/g, 'C')
    .replace(/kh/g, 'k')
    .replace(/gh/g, 'g')
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/zh/g, 'z')
    .replace(/ck/g, 'k')
    .replace(/[cq]/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/v/g, 'w');
  let out = /[aeiouyw]/.test(t[0]) ? 'a' : t[0];
  let prev = out;
  for (let i = 1; i < t.length; i++) {
    const c = t[i];
    if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y' || c === 'w') {
      prev = '';
      continue;
    }
    if (c === prev) continue;
    out += c;
    prev = c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Variant dictionary

export interface VariantDictionary {
  /** Latin spelling (latinBase) → canonical spelling. */
  latin: Map<string, string>;
  /** Simplified spelling → canonical, where unambiguous. */
  simplified: Map<string, string>;
  /** Folded Arabic-script token → canonical Latin spelling. */
  arabic: Map<string, string>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_VARIANTS_PATH = path.resolve(here, '../../../../data/names/name-variants.tsv');

/** Parses `canonical \t latin variants (comma) \t arabic forms (comma)` lines; `#` comments. */
export function parseVariantDictionary(text: string): VariantDictionary {
  const latin = new Map<string, string>();
  const arabic = new Map<string, string>();
  const simpCount = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [canonical, variants = '', arabics = ''] = line.split('\t');
    if (!canonical) continue;
    const forms = [canonical, ...variants.split(',').filter(Boolean)];
    for (const v of forms) {
      if (!latin.has(v)) latin.set(v, canonical);
      const s = simplifySpelling(v);
      let set = simpCount.get(s);
      if (!set) simpCount.set(s, (set = new Set()));
      set.add(canonical);
    }
    for (const a of arabics.split(',')) if (a && !arabic.has(a)) arabic.set(a, canonical);
  }
  const simplified = new Map<string, string>();
  for (const [s, set] of simpCount) if (set.size === 1) simplified.set(s, [...set][0]);
  return { latin, simplified, arabic };
}

let defaultDict: VariantDictionary | null = null;

/** The shipped dictionary (data/names/name-variants.tsv), loaded once; empty when missing. */
export function defaultVariantDictionary(): VariantDictionary {
  if (!defaultDict) {
    defaultDict = existsSync(DEFAULT_VARIANTS_PATH)
      ? parseVariantDictionary(readFileSync(DEFAULT_VARIANTS_PATH, 'utf8'))
      : { latin: new Map(), simplified: new Map(), arabic: new Map() };
  }
  return defaultDict;
}

// ---------------------------------------------------------------------------------------------
// Name fields

export interface NameKey {
  /** Token keys joined without spaces ('' when the field is empty). */
  key: string;
  /** Consonant skeleton of the key. */
  skel: string;
  /** Per-token keys. */
  tokens: string[];
  /** Some token was romanised by rule (Arabic script not in the dictionary): compare loosely. */
  rough?: boolean;
}

export const EMPTY_NAME: NameKey = Object.freeze({ key: '', skel: '', tokens: [] }) as NameKey;

/** Canonical key of one Latin token (already latinBase'd). */
export function latinTokenKey(base: string, dict: VariantDictionary = defaultVariantDictionary()): string {
  const hit = dict.latin.get(base);
  if (hit) return hit;
  const simp = simplifySpelling(base);
  return dict.simplified.get(simp) ?? simp;
}

/** Canonical key of one folded Arabic-script token. */
export function arabicTokenKey(folded: string, dict: VariantDictionary = defaultVariantDictionary()): string {
  const hit = dict.arabic.get(folded);
  if (hit) return hit;
  // Common compounds: عبدالله → عبد + الله, غلام‌حیدر typed without a space.
  for (const prefix of ['عبد', 'غلام', 'محمد', 'گل', 'نور']) {
    if (folded.length > prefix.length + 1 && folded.startsWith(prefix)) {
      const rest = folded.slice(prefix.length);
      const a = dict.arabic.get(prefix);
      if (a) return a + arabicTokenKey(rest, dict);
    }
  }
  const t = transliterateArabic(folded);
  return dict.latin.get(t) ?? t;
}

/** Key of one name token, Arabic or Latin script. */
export function nameTokenKey(token: string, dict: VariantDictionary = defaultVariantDictionary()): string {
  return nameTokenKeys(token, dict).join('');
}

let roughSeen = false;

const LATIN_PREFIXES = ['abdul', 'abdel', 'abdol', 'abdur', 'ghulam', 'gholam', 'golam'];
const LATIN_SUFFIX = /^(.{3,}?)(ullah|ulla|ulah|ollah|olah|allah|alla)$/;

/**
 * Keys of one written token, split where compounds are usually written together: Abdulrahman →
 * abdul + rahman, Zabiullah → zabi + ullah, عبدالله → abdul + ullah.
 */
export function nameTokenKeys(token: string, dict: VariantDictionary = defaultVariantDictionary()): string[] {
  if (hasArabicScript(token)) {
    const f = foldArabicName(token).replace(/ /g, '');
    if (!f) return [];
    if (dict.arabic.has(f)) return [dict.arabic.get(f)!];
    if (f.length > 4 && f.endsWith('الله')) return [...nameTokenKeys(f.slice(0, -4), dict), 'ullah'];
    const k = arabicTokenKey(f, dict);
    if (!dict.latin.has(k)) roughSeen = true;
    return [k];
  }
  const b = latinBase(token);
  if (!b) return [];
  if (!dict.latin.has(b)) {
    for (const p of LATIN_PREFIXES) {
      if (b.length >= p.length + 3 && b.startsWith(p)) return [latinTokenKey(p, dict), ...nameTokenKeys(b.slice(p.length), dict)];
    }
    const m = LATIN_SUFFIX.exec(b);
    if (m) return [...nameTokenKeys(m[1], dict), 'ullah'];
  }
  return [latinTokenKey(b, dict)];
}

/** Splits a name field into tokens (spaces, hyphens, dots, commas, apostrophes-between-words). */
export function nameTokens(s: string | null | undefined): string[] {
  if (!s) return [];
  const t = hasArabicScript(s) ? foldArabicName(s) : s;
  return t.split(/[\s\-.,;/_]+/u).filter(Boolean);
}

const TITLE_TOKENS = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'haji', 'hajji', 'alhaj', 'engineer', 'eng']);

/** Normalised key of a whole name field. */
export function nameKey(s: string | null | undefined, dict: VariantDictionary = defaultVariantDictionary()): NameKey {
  const toks = nameTokens(s);
  if (!toks.length) return EMPTY_NAME;
  const keys: string[] = [];
  roughSeen = false;
  for (const t of toks) for (const k of nameTokenKeys(t, dict)) if (k && !TITLE_TOKENS.has(k)) keys.push(k);
  if (!keys.length) return EMPTY_NAME;
  const key = keys.join('');
  const out: NameKey = { key, skel: keys.map(skeleton).join(''), tokens: keys };
  if (roughSeen) out.rough = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Birth dates

/**
 * A birth date with its precision. `y/m/d` are the stated parts (0 when unknown; they may be an
 * impossible date such as 1985-02-31 in dirty data, kept so that it can still be compared);
 * `yLo..yHi` is the range of plausible birth years.
 */
export interface Birth {
  y: number;
  m: number;
  d: number;
  yLo: number;
  yHi: number;
  precision: 'day' | 'year' | 'age' | 'none';
}

export const NO_BIRTH: Birth = Object.freeze({ y: 0, m: 0, d: 0, yLo: 0, yHi: 0, precision: 'none' }) as Birth;

const toLatinDigits = (s: string) =>
  s.replace(/[۰-۹]/g, (c) => String(c.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660));

/**
 * A Gregorian date as `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD`, `DD/MM/YYYY` or `DD.MM.YYYY`.
 * Impossible dates (from typos) keep their parts; only a plausible year is required.
 */
export function parseGregorianLoose(text: string): { y: number; m: number; d: number } | null {
  const s = toLatinDigits(text.trim());
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return { y: +m[1], m: +m[2], d: +m[3] };
  m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(s);
  if (m) return { y: +m[1], m: +m[2], d: +m[3] };
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) return { y: +m[3], m: +m[2], d: +m[1] };
  m = /^(\d{4})$/.exec(s);
  if (m) return { y: +m[1], m: 0, d: 0 };
  return null;
}

export interface BirthInput {
  birthDate?: string | null;
  birthYear?: number | string | null;
  age?: number | string | null;
  birthDateSh?: string | null;
}

export interface BirthOptions {
  /** Year that ages refer to (the registration year); defaults to the current year. */
  referenceYear?: number;
  /** ± years around a birth year derived from an estimated age. */
  ageTolerance?: number;
}

/**
 * One birth value from whatever the record states, most precise first: an exact Gregorian date,
 * a Solar Hijri date (converted; a Solar Hijri year alone spans two Gregorian years), a year, an
 * estimated age (→ reference year − age ± tolerance).
 */
export function normaliseBirth(r: BirthInput, opts: BirthOptions = {}): Birth {
  if (r.birthDate) {
    const g = parseGregorianLoose(r.birthDate);
    if (g && g.y >= 1850 && g.y <= 2200) {
      if (g.m === 0) return { y: g.y, m: 0, d: 0, yLo: g.y, yHi: g.y, precision: 'year' };
      return { y: g.y, m: g.m, d: g.d, yLo: g.y, yHi: g.y, precision: 'day' };
    }
    // A Solar Hijri date typed into the Gregorian field (years 1250–1499 AP) is converted.
    if (g && isValidSolarHijriLike(g)) return fromSh(g.y, g.m, g.d);
  }
  if (r.birthDateSh) {
    const s = toLatinDigits(r.birthDateSh.trim());
    const sh = parseSolarHijri(s);
    if (sh) return fromSh(sh.y, sh.m, sh.d);
    const y = /^(\d{4})$/.exec(s);
    if (y) return fromSh(+y[1], 0, 0);
  }
  if (r.birthYear !== null && r.birthYear !== undefined && r.birthYear !== '') {
    const y = Number(toLatinDigits(String(r.birthYear)));
    if (Number.isInteger(y) && y >= 1850 && y <= 2200) return { y, m: 0, d: 0, yLo: y, yHi: y, precision: 'year' };
    if (Number.isInteger(y) && y >= 1250 && y < 1500) return fromSh(y, 0, 0);
  }
  if (r.age !== null && r.age !== undefined && r.age !== '') {
    const a = Number(toLatinDigits(String(r.age)));
    if (Number.isFinite(a) && a >= 0 && a < 130) {
      const ref = opts.referenceYear ?? new Date().getUTCFullYear();
      const tol = opts.ageTolerance ?? (a >= 40 ? 3 : 2);
      const y = Math.round(ref - a);
      return { y, m: 0, d: 0, yLo: y - tol, yHi: y + tol, precision: 'age' };
    }
  }
  return NO_BIRTH;
}

function isValidSolarHijriLike(g: { y: number; m: number; d: number }): boolean {
  return g.y >= 1250 && g.y < 1500 && g.m >= 0 && g.m <= 12 && g.d <= 31;
}

function fromSh(y: number, m: number, d: number): Birth {
  if (m >= 1 && d >= 1) {
    try {
      const g = fromSolarHijri(y, m, d);
      return { y: g.y, m: g.m, d: g.d, yLo: g.y, yHi: g.y, precision: 'day' };
    } catch {
      // fall through to year precision
    }
  }
  // 1 Farvardin falls on 20/21 March: SH year y covers Gregorian y+621 (from March) and y+622.
  return { y: y + 621, m: 0, d: 0, yLo: y + 621, yHi: y + 622, precision: 'year' };
}

/** True when y-m-d is a real Gregorian date. */
export function isRealDate(b: Birth): boolean {
  return b.precision === 'day' && isValidGregorian(b.y, b.m, b.d);
}

// ---------------------------------------------------------------------------------------------
// Identifiers

const DOC_CLEAN = /^[A-Z0-9]*$/;
const DIGITS = /^[0-9]*$/;

/** Document number: upper-case letters and digits only (Persian/Arabic digits converted). */
export function normaliseDocument(s: string | null | undefined): string {
  if (!s) return '';
  if (DOC_CLEAN.test(s)) return s;
  return toLatinDigits(s).toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Phone: the last 9 digits (national significant number without trunk/country prefixes). */
export function normalisePhone(s: string | null | undefined): string {
  if (!s) return '';
  if (DIGITS.test(s)) return s.length > 9 ? s.slice(-9) : s.length >= 7 ? s : '';
  const d = toLatinDigits(s).replace(/\D/g, '');
  return d.length >= 7 ? d.slice(-9) : '';
}

/** Address / free text: folded, lower-case tokens. */
export function addressTokens(s: string | null | undefined): string[] {
  if (!s) return [];
  const t = hasArabicScript(s) ? foldArabicName(s) : s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return t.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
