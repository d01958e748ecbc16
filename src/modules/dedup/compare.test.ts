import { describe, expect, it } from 'vitest';
import type { ComparedRecord } from '../people/merge';
import { compareRecords, oneEditApart } from './compare';

const base: ComparedRecord = {
  id: 'a',
  operationId: 'AFG',
  householdId: 'h1',
  householdReference: 'AFG-HH-000001',
  householdStatus: 'active',
  householdSize: 3,
  relationship: 'head',
  displayName: 'Muhammad Karim Ahmadzai',
  givenName: 'Muhammad Karim',
  fatherName: 'Abdul Rahman',
  familyName: 'Ahmadzai',
  givenNameAr: 'محمد کریم',
  fatherNameAr: null,
  familyNameAr: null,
  sex: 'male',
  birth: { precision: 'year', input: '1984', date: '1984-01-01', yearFrom: 1984, yearTo: 1984 },
  documents: [{ type: 'por_card', number: 'POR-99887766', issuingCountry: 'PAK', status: 'issued' }],
  phones: ['+93 700 111 222'],
  currentPcode: 'AF0601',
  originPcode: 'PK513',
  destinationPcode: 'AF0101',
  currentSiteId: null,
  crossingSiteId: null,
  crossingSite: 'BCP-TORKHAM',
  crossingDate: '2025-03-02',
  registeredAt: '2025-03-02T08:00:00.000Z',
  keys: { given: 'muhammad karim', father: 'abdulrahman', family: 'ahmadzai', givenAr: 'muhammad karim', fatherAr: null, familyAr: null },
  sensitive: true,
};
const verdicts = (a: ComparedRecord, b: ComparedRecord) => Object.fromEntries(compareRecords(a, b).map((f) => [f.field, f.verdict]));

describe('side-by-side verdicts', () => {
  it('agree on normalised names, overlapping births are similar, one typo in a document is similar', () => {
    const b: ComparedRecord = {
      ...base,
      id: 'b',
      householdId: 'h2',
      givenName: 'Mohammad Karim',
      givenNameAr: null,
      familyName: 'Ahmadzay',
      keys: { ...base.keys, family: 'ahmadzai', givenAr: null },
      birth: { precision: 'estimated_age', input: '41', date: null, yearFrom: 1983, yearTo: 1985 },
      documents: [{ type: 'por_card', number: 'POR99887767', issuingCountry: 'PAK', status: 'issued' }],
      phones: ['0700111222'],
      currentPcode: 'AF0602',
      destinationPcode: 'AF2701',
    };
    const v = verdicts(base, b);
    expect(v).toMatchObject({ givenName: 'agree', familyName: 'agree', givenNameAr: 'missing', birth: 'similar', documents: 'similar', phones: 'agree', currentPcode: 'similar', destinationPcode: 'differ', household: 'info', sex: 'agree' });
  });

  it('differ when the names and the birth are apart; documents are missing for a reader without sensitive access', () => {
    const b: ComparedRecord = { ...base, id: 'b', givenName: 'Gul Ahmad', keys: { ...base.keys, given: 'gul ahmad' }, birth: { precision: 'year', input: '1990', date: '1990-01-01', yearFrom: 1990, yearTo: 1990 }, sex: 'female', sensitive: false, documents: null, phones: null };
    const v = verdicts(base, b);
    expect(v).toMatchObject({ givenName: 'differ', birth: 'differ', sex: 'differ', documents: 'missing', phones: 'missing', household: 'agree' });
    // Sharing one name token (the common "Muhammad") is only similar.
    const c: ComparedRecord = { ...base, id: 'c', givenName: 'Muhammad Nabi', keys: { ...base.keys, given: 'muhammad nabi' } };
    expect(verdicts(base, c).givenName).toBe('similar');
  });

  it('one edit apart', () => {
    expect(oneEditApart('POR99887766', 'POR99887767')).toBe(true);
    expect(oneEditApart('POR99887766', 'POR9988776')).toBe(true);
    expect(oneEditApart('POR99887766', 'POR99887')).toBe(false);
    expect(oneEditApart('ABCDE', 'ABXDY')).toBe(false);
  });
});
