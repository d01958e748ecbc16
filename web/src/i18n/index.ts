import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import faAF from './fa-AF.json';
import ps from './ps.json';
import ur from './ur.json';
import { ISSUE_TRANSLATIONS, nestCodes } from './issues';

/**
 * Each web module may keep its own strings in `web/src/modules/<module>/i18n/<lang>.json`; they are
 * merged under the key `<module>` (so `t('flows.count.title')` reads modules/flows/i18n/en.json's
 * `count.title`). This keeps modules from editing one shared file.
 */
const moduleFiles = import.meta.glob<{ default: Record<string, unknown> }>('../modules/*/i18n/*.json', { eager: true });

function withModules(code: string, base: Record<string, unknown>): Record<string, unknown> {
  // Server validation messages by code (./issues.ts), under `issues`.
  const merged: Record<string, unknown> = { ...base, issues: nestCodes(ISSUE_TRANSLATIONS[code] ?? {}) };
  for (const [file, mod] of Object.entries(moduleFiles)) {
    const m = /modules\/([^/]+)\/i18n\/([^/]+)\.json$/.exec(file);
    if (!m || m[2] !== code) continue;
    const existing = merged[m[1]!];
    merged[m[1]!] = { ...(typeof existing === 'object' && existing ? existing : {}), ...mod.default };
  }
  return merged;
}

export const LANGUAGES = [
  { code: 'en', label: 'English', rtl: false },
  { code: 'fa-AF', label: 'دری', rtl: true },
  { code: 'ps', label: 'پښتو', rtl: true },
  { code: 'ur', label: 'اردو', rtl: true },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'hamrah.language';

export function isLanguage(code: string | null | undefined): code is LanguageCode {
  return LANGUAGES.some((l) => l.code === code);
}

export function isRtl(code: string): boolean {
  return LANGUAGES.find((l) => l.code === code)?.rtl ?? false;
}

/** The language the user picked on this device, if any. */
export function storedLanguage(): LanguageCode | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

function initialLanguage(): LanguageCode {
  const stored = storedLanguage();
  if (stored) return stored;
  for (const nav of navigator.languages ?? []) {
    if (isLanguage(nav)) return nav;
    const base = nav.split('-')[0];
    if (base === 'fa' || base === 'prs') return 'fa-AF';
    if (base === 'ps' || base === 'ur' || base === 'en') return base;
  }
  return 'en';
}

function applyToDocument(code: string): void {
  document.documentElement.lang = code;
  document.documentElement.dir = isRtl(code) ? 'rtl' : 'ltr';
}

/** Switches the language, remembers it on this device (unless `remember` is false) and flips direction. */
export async function setLanguage(code: LanguageCode, remember = true): Promise<void> {
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, code);
    } catch {
      /* private mode: the choice lasts for this tab */
    }
  }
  await i18n.changeLanguage(code);
}

i18n.on('languageChanged', applyToDocument);

void i18n.use(initReactI18next).init({
  resources: {
    en: { translation: withModules('en', en) },
    'fa-AF': { translation: withModules('fa-AF', faAF) },
    ps: { translation: withModules('ps', ps) },
    ur: { translation: withModules('ur', ur) },
  },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  nonExplicitSupportedLngs: false,
  load: 'currentOnly',
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyToDocument(i18n.language);

export default i18n;
