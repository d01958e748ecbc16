import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldForSearch } from './text';

describe('foldForSearch', () => {
  it('lower-cases and strips Latin accents and punctuation', () => {
    expect(foldForSearch('  Hérat — Ghōr ')).toBe('herat ghor');
    expect(foldForSearch('Dand-Wa-Patan')).toBe('dand wa patan');
    expect(foldForSearch(null)).toBe('');
    expect(foldForSearch(undefined)).toBe('');
    expect(foldForSearch('')).toBe('');
  });

  it('brings Arabic and Persian letter forms together (Dari)', () => {
    // Arabic yeh and kaf, as typed on an Arabic keyboard, match the Persian letters.
    expect(foldForSearch('كابل')).toBe(foldForSearch('کابل'));
    expect(foldForSearch('علي')).toBe(foldForSearch('علی'));
    expect(foldForSearch('ى')).toBe('ی');
    expect(foldForSearch('آب بند')).toBe('اب بند');
    expect(foldForSearch('أحمد')).toBe(foldForSearch('احمد'));
    expect(foldForSearch('فاطمة')).toBe(foldForSearch('فاطمه'));
  });

  it('folds Pashto letters', () => {
    expect(foldForSearch('ننګرهار')).toBe(foldForSearch('ننگرهار'));
    expect(foldForSearch('ټول')).toBe('تول');
    expect(foldForSearch('ډېر')).toBe('دیر');
    expect(foldForSearch('ښځه')).toBe('شزه');
    expect(foldForSearch('څه')).toBe('چه');
    expect(foldForSearch('ۍ')).toBe('ی');
  });

  it('folds Urdu letters', () => {
    expect(foldForSearch('پشاور ٹاؤن')).toBe('پشاور تاون');
    expect(foldForSearch('ہے')).toBe('هی');
    expect(foldForSearch('ڈیرہ')).toBe('دیره');
    expect(foldForSearch('کراچی ں')).toBe('کراچی ن');
  });

  it('removes diacritics, tatweel and zero-width joiners', () => {
    expect(foldForSearch('مُحَمَّد')).toBe('محمد');
    expect(foldForSearch('کـــابل')).toBe('کابل');
    expect(foldForSearch('می\u200cخواهم')).toBe('میخواهم');
  });

  it('turns Persian and Arabic-Indic digits into Latin ones', () => {
    expect(foldForSearch('۱۳۶۵')).toBe('1365');
    expect(foldForSearch('١٣٦٥')).toBe('1365');
  });

  it('is idempotent and never leaves upper case or double spaces', () => {
    // Latin, Dari, Pashto and Urdu letters, digits, marks and separators users actually type.
    const alphabet = [...'aAbZéÉōü09 -_,.کكیيىېۍئےگګټډړښځڅڼںہھۀةأإآؤ۱١ـَُِّ\u200c\u200d'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((a) => a.join('')), (s) => {
        const once = foldForSearch(s);
        expect(foldForSearch(once)).toBe(once);
        expect(once).not.toMatch(/\s{2,}|^\s|\s$/);
        expect(once).toBe(once.toLowerCase());
      }),
    );
  });
});
