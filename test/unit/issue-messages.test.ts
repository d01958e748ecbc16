import fs from 'node:fs';
import path from 'node:path';
import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { englishOf, englishOfAll, MESSAGE_CODES, MESSAGES, messagesOf, msg, placeholders, type Message, type MessageCode } from '../../src/shared/messages';
import { ApiError } from '../../web/src/api';
import { ISSUE_TRANSLATIONS, issueText, nestCodes, statusText } from '../../web/src/i18n/issues';

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

/** The status sentences: an import batch's and a job's message, a 409's explanation. */
const STATUS_GROUPS = ['batch', 'job', 'conflict'];
const STATUS_CODES = MESSAGE_CODES.filter((c) => STATUS_GROUPS.includes(c.split('.')[0]!));
/** A message of `code` with a different number for each placeholder. */
const sample = (code: MessageCode, first = 7): Message => {
  const names = placeholders(MESSAGES[code]);
  return names.length ? { code, params: Object.fromEntries(names.map((n, i) => [n, first + i])) } : { code };
};

describe('status sentences (import batches, jobs, 409 explanations)', () => {
  beforeAll(async () => {
    const resources = Object.fromEntries(Object.entries(ISSUE_TRANSLATIONS).map(([lang, t]) => [lang, { translation: { issues: nestCodes(t) } }]));
    await i18n.init({ resources, lng: 'fa-AF', fallbackLng: 'en', interpolation: { escapeValue: false } });
  });

  it('have codes in the catalogue, each translated into Dari, Pashto and Urdu with the same placeholders', () => {
    for (const g of STATUS_GROUPS) expect(STATUS_CODES.some((c) => c.startsWith(`${g}.`)), g).toBe(true);
    for (const lang of OTHER_LANGS) {
      const t = file(lang);
      for (const code of STATUS_CODES) {
        expect(t[code], `${lang} ${code}`).toBeTruthy();
        expect(t[code], `${lang} ${code} is still English`).not.toBe(MESSAGES[code]);
        expect(placeholders(t[code]!).sort(), `${lang} ${code}`).toEqual(placeholders(MESSAGES[code]).sort());
      }
    }
  });

  it('are read back from their stored English text: the same code and parameters, numbers as numbers', () => {
    for (const code of STATUS_CODES) {
      const m = sample(code);
      expect(messagesOf(englishOf(m), STATUS_CODES), code).toEqual([m]);
    }
    // Two sentences (a validation with warnings) come back as two parts, in order.
    const two = [msg('batch.allValidExisting', { rows: 10, existing: 2 }), msg('batch.warningOne', { warnings: 1 })];
    expect(englishOfAll(two)).toBe('All 10 rows are valid (2 already stored). 1 warning to look at (they do not stop the import).');
    expect(messagesOf(englishOfAll(two), STATUS_CODES)).toEqual(two);
    // An error's own text after "Failed: " stays one parameter, whatever it holds.
    expect(messagesOf('Failed: disk full. Try later.', STATUS_CODES)).toEqual([{ code: 'job.failed', params: { reason: 'disk full. Try later.' } }]);
    // A sentence that is none of them has no codes.
    expect(messagesOf('Something else happened.', STATUS_CODES)).toBeNull();
    expect(messagesOf(null, STATUS_CODES)).toBeNull();
  });

  it("statusText shows a batch's sentences in the user's language, and the English message when a part is unknown", async () => {
    const parts = [msg('batch.problems', { invalid: 3, rows: 10 }), msg('batch.warnings', { warnings: 2 })];
    const message = englishOfAll(parts);
    await i18n.changeLanguage('fa-AF');
    expect(statusText({ message, messageParts: parts })).toBe('۳ سطر از ۱۰ سطر مشکل دارد. ۲ هشدار برای دیدن (جلو وارد کردن را نمی‌گیرند).');
    await i18n.changeLanguage('ps');
    expect(statusText({ message, messageParts: [msg('batch.addedExisting', { inserted: 12, existing: 3 })] })).toBe('۱۲ کرښې زیاتې شوې، ۳ مخکې ساتل شوې وې.');
    await i18n.changeLanguage('ur');
    expect(statusText({ message, messageParts: [msg('batch.importedBefore', { batch: '0193a3f2' })] })).toBe('یہ فائل پہلے درآمد ہو چکی ہے (درآمد 0193a3f2)؛ کچھ شامل نہیں کیا گیا۔');
    await i18n.changeLanguage('en');
    expect(statusText({ message, messageParts: parts })).toBe(message);
    await i18n.changeLanguage('fa-AF');
    expect(statusText({ message: 'From a newer server.', messageParts: [parts[0]!, { code: 'batch.somethingNew' }] })).toBe('From a newer server.');
    expect(statusText({ message: 'An older batch.', messageParts: null })).toBe('An older batch.');
    expect(statusText({ message: null })).toBe('');
  });

  it("ApiError.text() shows a 409's explanation by its messageCode, else the server's English", async () => {
    const coded = new ApiError(409, 'CONFLICT', 'Version 2 is submitted; only a draft count can be submitted.', 'req-2', [], undefined, { code: 'conflict.countSubmit', params: { version: 2, status: 'submitted' } });
    await i18n.changeLanguage('fa-AF');
    expect(coded.text()).toBe('نسخهٔ ۲ در وضعیت submitted است؛ تنها شمارش پیش‌نویس را می‌توان ارسال کرد.');
    await i18n.changeLanguage('en');
    expect(coded.text()).toBe(coded.message);
    await i18n.changeLanguage('fa-AF');
    expect(new ApiError(409, 'CONFLICT', 'No code here.').text()).toBe('No code here.');
    expect(new ApiError(409, 'CONFLICT', 'From a newer server.', undefined, [], undefined, { code: 'conflict.somethingNew' }).text()).toBe('From a newer server.');
  });
});
