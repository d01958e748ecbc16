import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  foldArabicName,
  nameKey,
  normaliseBirth,
  normaliseDocument,
  normalisePhone,
  parseVariantDictionary,
  skeleton,
  transliterateArabic,
} from './normalise';

describe('name keys', () => {
  it('brings Mohammad / Muhammad / Mohd / Mohamed / محمد together', () => {
    const k = nameKey('Mohammad').key;
    expect(k).toBe('mohammad');
    for (const v of ['Muhammad', 'MOHAMMED', 'Mohd', 'Mohamed', 'Muhammed', 'محمد', 'مُحَمَّد']) expect(nameKey(v).key).toBe(k);
  });

  it('collapses other common transliteration variants', () => {
    expect(nameKey('Gholam').key).toBe(nameKey('Ghulam').key);
    expect(nameKey('Ahmed').key).toBe(nameKey('Ahmad').key);
    expect(nameKey('Hossein').key).toBe(nameKey('Hussain').key);
    expect(nameKey('حسین').key).toBe(nameKey('Hussein').key);
    expect(nameKey('Fatemeh').key).toBe(nameKey('فاطمه').key);
  });

  it('splits compounds written as one word', () => {
    expect(nameKey('Abdulrahman').key).toBe(nameKey('Abdul Rahman').key);
    expect(nameKey('Zabiullah').key).toBe(nameKey('Zabi Ullah').key);
    expect(nameKey('Abdul-Rahman').tokens).toEqual(nameKey('abdul rahman').tokens);
  });

  it('ignores accents, case and titles', () => {
    expect(nameKey('Hérat').key).toBe('herat');
    expect(nameKey('Haji Karim').key).toBe(nameKey('karim').key);
    expect(nameKey('')).toEqual({ key: '', skel: '', tokens: [] });
    expect(nameKey(null).key).toBe('');
  });
});

describe('Arabic-script folding', () => {
  it('folds Pashto, Urdu and Arabic letter forms to one form', () => {
    expect(foldArabicName('ښکلې')).toBe(foldArabicName('شکلی'));
    expect(foldArabicName('ګل')).toBe(foldArabicName('گل'));
    expect(foldArabicName('ټولنه')).toBe(foldArabicName('تولنه'));
    expect(foldArabicName('ډاکټر')).toBe(foldArabicName('داکتر'));
    expect(foldArabicName('علي')).toBe(foldArabicName('علی'));
    expect(foldArabicName('كريم')).toBe(foldArabicName('کریم'));
    expect(foldArabicName('أحمد')).toBe(foldArabicName('احمد'));
    expect(foldArabicName('فاطمة')).toBe(foldArabicName('فاطمه'));
  });

  it('drops diacritics, tatweel and ZWNJ', () => {
    expect(foldArabicName('مُحَمَّد')).toBe('محمد');
    expect(foldArabicName('محـــمد')).toBe('محمد');
    expect(foldArabicName('رحمت\u200cالله')).toBe('رحمتالله');
  });

  it('romanises unknown names to a key with the same skeleton as the Latin spelling', () => {
    expect(transliterateArabic('محمد')).toBe('mhmd');
    expect(skeleton(transliterateArabic(foldArabicName('زرغونه')))).toBe(skeleton('zarghuna'));
    expect(skeleton('mohammad')).toBe('mhmd');
    expect(skeleton('muhammad')).toBe('mhmd');
  });

  it('folding is idempotent', () => {
    fc.assert(fc.property(fc.string(), (s) => foldArabicName(foldArabicName(s)) === foldArabicName(s)));
  });
});

describe('variant dictionary file format', () => {
  it('parses canonical, Latin variants and Arabic forms', () => {
    const d = parseVariantDictionary('# comment\nghulam\tgholam,golam\tغلام\n');
    expect(d.latin.get('gholam')).toBe('ghulam');
    expect(d.arabic.get('غلام')).toBe('ghulam');
    expect(nameKey('Golam', d).key).toBe('ghulam');
  });
});

describe('birth dates', () => {
  it('reads exact dates in several layouts, and corrupt ones by parts', () => {
    expect(normaliseBirth({ birthDate: '1986-07-03' })).toMatchObject({ y: 1986, m: 7, d: 3, precision: 'day' });
    expect(normaliseBirth({ birthDate: '19860703' })).toMatchObject({ y: 1986, m: 7, d: 3 });
    expect(normaliseBirth({ birthDate: '03/07/1986' })).toMatchObject({ y: 1986, m: 7, d: 3 });
    expect(normaliseBirth({ birthDate: '19861345' })).toMatchObject({ y: 1986, m: 13, d: 45, precision: 'day' });
  });

  it('converts Solar Hijri dates to Gregorian', () => {
    expect(normaliseBirth({ birthDateSh: '1365/04/12' })).toMatchObject({ y: 1986, m: 7, d: 3, precision: 'day' });
    expect(normaliseBirth({ birthDateSh: '۱۳۶۵/۰۴/۱۲' })).toMatchObject({ y: 1986, m: 7, d: 3 });
    // A Solar Hijri date typed into the Gregorian field.
    expect(normaliseBirth({ birthDate: '1365-04-12' })).toMatchObject({ y: 1986, m: 7, d: 3 });
    // A Solar Hijri year alone spans two Gregorian years.
    expect(normaliseBirth({ birthDateSh: '1365' })).toMatchObject({ yLo: 1986, yHi: 1987, precision: 'year' });
  });

  it('turns a year into a point and an age into a range', () => {
    expect(normaliseBirth({ birthYear: 1990 })).toMatchObject({ yLo: 1990, yHi: 1990, precision: 'year' });
    expect(normaliseBirth({ age: 30 }, { referenceYear: 2026 })).toMatchObject({ y: 1996, yLo: 1994, yHi: 1998, precision: 'age' });
    expect(normaliseBirth({ age: '۶۰' }, { referenceYear: 2026 })).toMatchObject({ y: 1966, yLo: 1963, yHi: 1969 });
    expect(normaliseBirth({}).precision).toBe('none');
  });
});

describe('identifiers', () => {
  it('normalises document numbers and phones', () => {
    expect(normaliseDocument(' 1400-0101-234 ')).toBe('14000101234');
    expect(normaliseDocument('۱۲۳۴۵')).toBe('12345');
    expect(normalisePhone('+93 (0)79 123 4567')).toBe(normalisePhone('0791234567'));
    expect(normalisePhone('123')).toBe('');
  });
});
