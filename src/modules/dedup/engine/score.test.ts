import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { docSignature, newTables, PairCache, prepare, type PersonRecord } from './prepare';
import { withinOneEdit } from './jaro';
import { DEFAULT_WEIGHTS, rarityWeight, scorePair } from './score';

function scoreOf(records: PersonRecord[], i: number, j: number) {
  const T = newTables(undefined, { referenceYear: 2026 });
  const P = prepare(records, T);
  return scorePair(T, P, i, P, j);
}

describe('rarity weighting', () => {
  it('weighs agreement on a rare value more than on a common one', () => {
    expect(rarityWeight(1, 1000, 0.95, 1, 12)).toBeGreaterThan(rarityWeight(200, 1000, 0.95, 1, 12));
    // 100 people called Mohammad, one called Zmarai; pairs agree on given name, nothing else known.
    const records: PersonRecord[] = [];
    for (let i = 0; i < 100; i++) records.push({ id: `m${i}`, givenName: i % 2 ? 'Mohammad' : 'Muhammad', fatherName: `F${i}x` });
    records.push({ id: 'z1', givenName: 'Zmarai' }, { id: 'z2', givenName: 'Zmarai' }, { id: 'm-a', givenName: 'Mohammad' }, { id: 'm-b', givenName: 'Mohammad' });
    const T = newTables();
    const P = prepare(records, T);
    const n = records.length;
    const rare = scorePair(T, P, n - 4, P, n - 3);
    const common = scorePair(T, P, n - 2, P, n - 1);
    expect(rare).toBeGreaterThan(common + 3);
  });
});

describe('pair scores', () => {
  const base: PersonRecord = { id: 'a', givenName: 'Mohammad Karim', familyName: 'Ahmadzai', fatherName: 'Ghulam Haidar', sex: 'M', birthDateSh: '1365/04/12', locationPcode: 'AF0101' };

  it('scores a transliterated / Arabic-script copy as high as an exact copy', () => {
    const exact = scoreOf([base, { ...base, id: 'b' }], 0, 1);
    const variant = scoreOf([base, { id: 'b', givenName: 'Muhammad Kareem', familyName: 'Ahmadzay', fatherName: 'Gholam Haidar', sex: 'M', birthDate: '1986-07-03', locationPcode: 'AF0101' }], 0, 1);
    const arabic = scoreOf([base, { id: 'b', givenName: 'محمد کریم', familyName: 'احمدزی', fatherName: 'غلام حیدر', sex: 'مرد', birthYear: 1986, locationPcode: 'AF0101' }], 0, 1);
    expect(variant).toBeGreaterThan(exact - 6);
    expect(arabic).toBeGreaterThan(exact - 8);
    expect(arabic).toBeGreaterThan(15);
  });

  it('keeps brothers apart: same father, family, place and phone, different given name and age', () => {
    const brother: PersonRecord = { ...base, id: 'b', givenName: 'Abdul Wahid', birthDateSh: '1370/01/01' };
    expect(scoreOf([{ ...base, phone: '0791234567' }, { ...brother, phone: '0791234567' }], 0, 1)).toBeLessThan(10);
  });

  it('gives credit for a document number with one typo, and penalises a different one', () => {
    const a = { ...base, documentNumber: '1234567' };
    const same = scoreOf([a, { ...a, id: 'b' }], 0, 1);
    const typo = scoreOf([a, { ...a, id: 'b', documentNumber: '1243567' }], 0, 1);
    const other = scoreOf([a, { ...a, id: 'b', documentNumber: '9876543' }], 0, 1);
    expect(same).toBeGreaterThan(typo);
    expect(typo).toBeGreaterThan(other);
  });

  it('is symmetric', () => {
    const names = ['Mohammad', 'Muhammad', 'Ahmad', 'احمد', 'Karim', 'Fatima', '', 'Zarghuna', 'Gul Ahmad'];
    const rec = fc.record({
      givenName: fc.constantFrom(...names),
      familyName: fc.constantFrom('Ahmadzai', 'Popalzai', '', 'احمدزی'),
      fatherName: fc.constantFrom(...names),
      sex: fc.constantFrom('M', 'F', ''),
      birthYear: fc.option(fc.integer({ min: 1950, max: 2020 }), { nil: undefined }),
      age: fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
      documentNumber: fc.constantFrom('', '1234567', '1234576', '7654321'),
      address: fc.constantFrom('', 'karte char kabul', 'kart-e-char kabul'),
    });
    fc.assert(
      fc.property(rec, rec, (x, y) => {
        const records = [{ id: 'x', ...x }, { id: 'y', ...y }];
        const T = newTables(undefined, { referenceYear: 2026 });
        const P = prepare(records, T);
        expect(scorePair(T, P, 0, P, 1)).toBeCloseTo(scorePair(T, P, 1, P, 0), 9);
      }),
      { numRuns: 100 },
    );
  });

  it('uses the default weights unless told otherwise', () => {
    expect(DEFAULT_WEIGHTS.householdCap).toBeGreaterThan(0);
  });
});

describe('place agreement', () => {
  it('treats place codes one edit apart as neither agreement nor disagreement, also for codes added after the first score', () => {
    const T = newTables(undefined, { referenceYear: 2026 });
    const p = (id: string, loc: string): PersonRecord => ({ id, givenName: 'Karim', fatherName: 'Nabi', sex: 'M', birthYear: 1990, locationPcode: loc });
    const P = prepare([p('a', 'AF0101'), p('b', 'AF0102'), p('c', 'AF2301')], T);
    const parts = new Float64Array(8);
    scorePair(T, P, 0, P, 1, DEFAULT_WEIGHTS, parts);
    expect(parts[6]).toBe(0);
    scorePair(T, P, 0, P, 2, DEFAULT_WEIGHTS, parts);
    expect(parts[6]).toBe(DEFAULT_WEIGHTS.locDisagree);
    // A code interned after the table of near places was built (a lookup's query).
    const Q = prepare([p('q', 'AF0103'), p('r', 'AF9999')], T, false);
    scorePair(T, Q, 0, P, 0, DEFAULT_WEIGHTS, parts);
    expect(parts[6]).toBe(0);
    scorePair(T, Q, 1, P, 0, DEFAULT_WEIGHTS, parts);
    expect(parts[6]).toBe(DEFAULT_WEIGHTS.locDisagree);
  });
});

describe('document-number signature', () => {
  // The filter of scorePair: both signatures set and both halves different.
  const ruledOut = (a: string, b: string) => {
    const x = docSignature(a);
    const y = docSignature(b);
    const d = x ^ y;
    return !!(x && y && d & 0x7fff && d & 0x3fff8000);
  };
  const edit = (s: string, kind: number, at: number, c: string) => {
    const k = s.length ? at % s.length : 0;
    if (kind === 0) return s.slice(0, k) + c + s.slice(k + 1);
    if (kind === 1) return s.slice(0, k) + c + s.slice(k);
    if (kind === 2) return s.slice(0, k) + s.slice(k + 1);
    return k + 1 < s.length ? s.slice(0, k) + s[k + 1] + s[k] + s.slice(k + 2) : s;
  };

  it('never rules out two numbers within one edit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{0,16}$/), fc.integer({ min: 0, max: 3 }), fc.nat(), fc.constantFrom('0', '7', 'A', 'Z'), (a, kind, at, c) => {
        const b = edit(a, kind, at, c);
        expect(withinOneEdit(a, b)).toBe(true);
        expect(ruledOut(a, b)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('rules out most unrelated numbers and leaves short ones to the full check', () => {
    expect(ruledOut('1234567', '7654321')).toBe(true);
    expect(ruledOut('AF1234567', 'AF1876543')).toBe(false); // same first three: checked in full
    expect(ruledOut('123456', '654321')).toBe(false); // shorter than 7
    expect(docSignature('12345')).toBe(0);
  });
});

describe('PairCache', () => {
  it('keeps values through growth and forgets them when cleared at its largest size', () => {
    const c = new PairCache(4, 6);
    for (let a = 0; a < 20; a++) c.set(a, a + 1, a / 100);
    for (let a = 0; a < 20; a++) expect(c.get(a, a + 1)).toBe(a / 100);
    expect(c.get(1, 3)).toBe(-1);
    // 64 slots at most: cleared when half full, so the first entries are gone.
    for (let a = 20; a < 40; a++) c.set(a, a + 1, 0.5);
    expect(c.get(0, 1)).toBe(-1);
    expect(c.get(39, 40)).toBe(0.5);
  });
});
