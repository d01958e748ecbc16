import i18n from 'i18next';
import { interpolate, MESSAGES } from '../../../src/shared/messages';
import faAF from './issues/fa-AF.json';
import ps from './issues/ps.json';
import ur from './issues/ur.json';

/**
 * Server validation messages (error `fields[]`, import report rows) and status sentences (an
 * import's or a job's `messageParts`, an error's `messageCode`) in the user's language. The
 * server sends a message code of src/shared/messages.ts with its parameters beside the English
 * sentence; the English texts come from that catalogue itself, the other languages from
 * ./issues/<lang>.json (flat: one key per code). A code this build does not know falls back to the
 * server's English sentence.
 */
export const ISSUE_TRANSLATIONS: Record<string, Record<string, string>> = { en: MESSAGES, 'fa-AF': faAF, ps, ur };

/** Flat dotted codes → the nested object i18next reads (`value.required` → `{ value: { required } }`). */
export function nestCodes(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, text] of Object.entries(flat)) {
    const parts = code.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = text;
  }
  return out;
}

export interface CodedMessage {
  code?: string | null;
  params?: Record<string, string | number> | null;
  message: string;
}

const LOCALE: Record<string, string> = { en: 'en-GB', ps: 'ps-AF', ur: 'ur-PK' };
const digitFormats = new Map<string, Intl.NumberFormat>();
/** A number in the language's digits, without grouping (row numbers and years read as written). */
function digits(n: number, lang: string): string {
  let f = digitFormats.get(lang);
  if (!f) digitFormats.set(lang, (f = new Intl.NumberFormat(LOCALE[lang] ?? lang, { useGrouping: false, maximumFractionDigits: 6 })));
  return f.format(n);
}

/** The text of a server message in the current language (the English `message` when the code is unknown). */
export function issueText(m: CodedMessage): string {
  if (!m.code) return m.message;
  const lang = i18n.language ?? 'en';
  const params = Object.fromEntries(Object.entries(m.params ?? {}).map(([k, v]) => [k, typeof v === 'number' ? digits(v, lang) : v]));
  return i18n.t(`issues.${m.code}`, { ...params, defaultValue: m.message, interpolation: { escapeValue: false } });
}

export interface CodedSentences {
  message: string | null;
  /** The sentences of `message` as codes and parameters (a batch's or job's `messageParts`). */
  messageParts?: { code: string; params?: Record<string, string | number> }[] | null;
}

/**
 * A status sentence (an import's or a job's message) in the current language: its parts
 * translated one by one, or the server's English `message` when it has no parts or one of them
 * has a code this build does not know.
 */
export function statusText(m: CodedSentences): string {
  const parts = m.messageParts;
  if (!parts?.length || !parts.every((p) => Object.hasOwn(MESSAGES, p.code))) return m.message ?? '';
  return parts.map((p) => issueText({ code: p.code, params: p.params, message: interpolate(MESSAGES[p.code as keyof typeof MESSAGES], p.params) })).join(' ');
}
