import { describe, expect, it } from 'vitest';
import { deletions, displayName, engineRecord, matchKeysOf, normaliseBirthInput, searchKeysOf } from './keys';
import { parseQuery } from './search';

const today = '2025-03-10';

describe('date of birth normalisation', () => {
  it('keeps the input and its precision, and normalises to a Gregorian date and a year range', () => {
    expect(normaliseBirthInput({ precision: 'exact', value: '1987-03-02' }, today)).toEqual({ birth: { precision: 'exact', input: '1987-03-02', date: '1987-03-02', yearFrom: 1987, yearTo: 1987 } });
    expect(normaliseBirthInput({ precision: 'month', value: '1987-3' }, today)).toMatchObject({ birth: { date: '1987-03-01', yearFrom: 1987, yearTo: 1987 } });
    expect(normaliseBirthInput({ precision: 'year', value: '1987' }, today)).toMatchObject({ birth: { date: '1987-01-01' } });
    // An age of 35 in 2025: born in 1989 or 1990.
    expect(normaliseBirthInput({ precision: 'estimated_age', value: '35' }, today)).toMatchObject({ birth: { yearFrom: 1989, yearTo: 1990 } });
    // 1365/04/12 SH = 3 July 1986; Persian digits accepted; a Solar Hijri year spans two Gregorian years.
    expect(normaliseBirthInput({ precision: 'solar_hijri', value: '۱۳۶۵/۰۴/۱۲' }, today)).toMatchObject({ birth: { input: '۱۳۶۵/۰۴/۱۲', date: '1986-07-03', yearFrom: 1986, yearTo: 1986 } });
    expect(normaliseBirthInput({ precision: 'solar_hijri', value: '1365' }, today)).toMatchObject({ birth: { yearFrom: 1986, yearTo: 1987 } });
  });

  it('refuses impossible, future and implausible dates', () => {
    expect(normaliseBirthInput({ precision: 'exact', value: '1987-02-30' }, today)).toHaveProperty('error');
    expect(normaliseBirthInput({ precision: 'exact', value: '2025-04-01' }, today)).toHaveProperty('error');
    expect(normaliseBirthInput({ precision: 'year', value: '1850' }, today)).toHaveProperty('error');
    expect(normaliseBirthInput({ precision: 'estimated_age', value: 'forty' }, today)).toHaveProperty('error');
    expect(normaliseBirthInput({ precision: 'solar_hijri', value: '1365/13/01' }, today)).toHaveProperty('error');
  });
});

describe('search and match keys', () => {
  const person = { givenName: 'Muhammad Karim', familyName: 'Ahmadzai', givenNameAr: 'محمد کریم', sex: 'male' as const, birth: null, phones: [{ number: '+93 700 111 222' }], documents: [{ number: 'POR-1234567' }], locationPcode: 'AF0601' };

  it('holds variant-canonical name keys, skeletons, the whole name, the document with its deletions and the phone', () => {
    const keys = searchKeysOf(person);
    expect(keys).toEqual(expect.arrayContaining(['n:mohammad', 's:mhmd', 'n:karim', 'n:ahmadzai', 'n:mohammadkarim', 'd:POR1234567', 'e:POR123456', 'e:PR1234567', 'p:700111222']));
    expect(deletions('ABC')).toEqual(['BC', 'AC', 'AB']);
  });

  it('stores normalised engine input; estimated birth years become ages', () => {
    const m = matchKeysOf({ ...person, birth: { precision: 'estimated_age', input: '35', date: '1989-01-01', yearFrom: 1989, yearTo: 1990 } });
    expect(m).toMatchObject({ given: 'mohammad karim', family: 'ahmadzai', sex: 'm', birthDate: null, estBirthYear: 1990, document: 'POR1234567', phone: '700111222', location: 'AF0601' });
    expect(engineRecord('x', m, 2025)).toMatchObject({ id: 'x', givenName: 'mohammad karim', age: 35, documentNumber: 'POR1234567' });
    expect(displayName({ givenNameAr: 'محمد', familyNameAr: 'صافی' })).toBe('محمد صافی');
  });

  it('parses a query into name, number, year and reference terms; numbers only for sensitive readers', () => {
    const q = parseQuery('Mohd Ahmadzai 1984 +93 700 111 222 AFG-HH-000123', true);
    expect(q.terms.map((t) => t.kind)).toEqual(['name', 'name', 'year', 'number', 'reference']);
    expect(q.terms[0].keys).toContain('n:mohammad');
    expect(q.usedNumbers).toBe(true);
    const plain = parseQuery('Mohd 0700111222', false);
    expect(plain.terms.map((t) => t.kind)).toEqual(['name']);
    expect(plain.usedNumbers).toBe(false);
  });
});
