import fs from 'node:fs';
import path from 'node:path';
import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { englishOf, MESSAGE_CODES, MESSAGES, msg, placeholders } from '../../src/shared/messages';
import { ApiError } from '../../web/src/api';
import { ISSUE_TRANSLATIONS, issueText, nestCodes } from '../../web/src/i18n/issues';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OTHER_LANGS = ['fa-AF', 'ps', 'ur'];
const file = (lang: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'src', 'i18n', 'issues', `${lang}.json`), 'utf8')) as Record<string, string>;

describe('server message catalogue and its translations', () => {
  it('no code is the prefix of another (the web nests codes by their dots)', () => {
    const clashes = MESSAGE_CODES.filter((c) => MESSAGE_CODES.some((o) => o.startsWith(`${c}.`)));
    expect(clashes).toEqual([]);
  });

  for (const lang of OTHER_LANGS) {
    it(`web/src/i18n/issues/${lang}.json translates every server message code, with the same placeholders`, () => {
      const t = file(lang);
      expect(MESSAGE_CODES.filter((c) => !(c in t)), `codes missing from ${lang}`).toEqual([]);
      expect(Object.keys(t).filter((k) => !(k in MESSAGES)), `keys in ${lang} that are no server code`).toEqual([]);
      for (const code of MESSAGE_CODES) {
        expect(t[code]!.trim(), `${lang} ${code} is empty`).not.toBe('');
        expect(placeholders(t[code]!).sort(), `${lang} ${code} placeholders`).toEqual(placeholders(MESSAGES[code]).sort());
      }
    });
  }

  it('the web app takes English from the catalogue itself, not a copy', () => {
    expect(ISSUE_TRANSLATIONS.en).toBe(MESSAGES);
  });
});

describe('server messages in the web app', () => {
  beforeAll(async () => {
    const resources = Object.fromEntries(Object.entries(ISSUE_TRANSLATIONS).map(([lang, t]) => [lang, { translation: { issues: nestCodes(t) } }]));
    await i18n.init({ resources, lng: 'fa-AF', fallbackLng: 'en', interpolation: { escapeValue: false } });
  });

  it('renders a code with its parameters in Dari, Pashto and Urdu, and in English from the catalogue', async () => {
    const m = { ...msg('date.futureTodayIn', { date: '2031-01-01', today: '2026-12-02', timeZone: 'Asia/Kabul' }), message: 'ignored' };
    await i18n.changeLanguage('fa-AF');
    expect(issueText(m)).toBe('2031-01-01 در آینده است (امروز در Asia/Kabul 2026-12-02 است).');
    await i18n.changeLanguage('ps');
    expect(issueText(m)).toBe('2031-01-01 په راتلونکي کې ده (په Asia/Kabul کې نن 2026-12-02 ده).');
    await i18n.changeLanguage('ur');
    expect(issueText(m)).toBe('2031-01-01 مستقبل میں ہے (Asia/Kabul میں آج 2026-12-02 ہے)۔');
    await i18n.changeLanguage('en');
    expect(issueText(m)).toBe(englishOf(m));
  });

  it("falls back to the server's English sentence for a code this build does not know, or none", async () => {
    await i18n.changeLanguage('fa-AF');
    expect(issueText({ code: 'flows.somethingNew', params: { n: 3 }, message: 'Something new about 3.' })).toBe('Something new about 3.');
    expect(issueText({ message: 'An older report row.' })).toBe('An older report row.');
  });

  it("ApiError.fieldMessages (what forms show beside their fields) reads in the user's language", async () => {
    await i18n.changeLanguage('fa-AF');
    const err = new ApiError(400, 'VALIDATION_FAILED', 'The request is not valid; see fields.', 'req-1', [
      { path: 'body.men', code: 'flows.sexAgeSum', params: { sum: 9, total: 10 }, message: 'men + women + boys + girls = 9, but the total is 10.' },
      { path: 'body.siteId', code: 'value.required', message: 'Required.' },
    ]);
    expect(err.fieldMessages()).toEqual({ men: 'مردان + زنان + پسران + دختران = ۹، اما مجموع ۱۰ است.', siteId: 'ضروری است.' });
  });

  it("writes numbers in the language's digits, ungrouped, and leaves text parameters as they are", async () => {
    const m = { ...msg('people.birthYearRange', { from: 1901, to: 2026 }), message: '' };
    await i18n.changeLanguage('fa-AF');
    expect(issueText(m)).toBe('سال تولد باید میان ۱۹۰۱ و ۲۰۲۶ باشد.');
    await i18n.changeLanguage('en');
    expect(issueText(m)).toBe('The birth year must lie between 1901 and 2026.');
    await i18n.changeLanguage('fa-AF');
    expect(issueText({ ...msg('place.notPcodeOf', { pcode: 'PK528', operationId: 'AFG' }), message: '' })).toBe('PK528 پی‌کود عملیات AFG نیست.');
  });
});
