import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jaro, jaroWinkler, withinOneEdit } from './jaro';

describe('Jaro-Winkler', () => {
  it('matches the published values', () => {
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 4);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.8133, 4);
    expect(jaro('CRATE', 'TRACE')).toBeCloseTo(0.7333, 4);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', '')).toBe(0);
    expect(jaroWinkler('same', 'same')).toBe(1);
  });

  it('is symmetric, within [0, 1], and 1 on equal non-empty strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(s - jaroWinkler(b, a))).toBeLessThan(1e-12);
        if (a.length) expect(jaroWinkler(a, a)).toBe(1);
      }),
    );
  });
});

describe('withinOneEdit', () => {
  it('accepts one substitution, insertion, deletion or adjacent transposition', () => {
    expect(withinOneEdit('1234567', '1234567')).toBe(true);
    expect(withinOneEdit('1234567', '1234967')).toBe(true);
    expect(withinOneEdit('1234567', '1243567')).toBe(true);
    expect(withinOneEdit('1234567', '123567')).toBe(true);
    expect(withinOneEdit('1234567', '12345678')).toBe(true);
    expect(withinOneEdit('1234567', '1243576')).toBe(false);
    expect(withinOneEdit('1234567', '7654321')).toBe(false);
    expect(withinOneEdit('12', '1234')).toBe(false);
  });

  it('is symmetric', () => {
    fc.assert(fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => withinOneEdit(a, b) === withinOneEdit(b, a)));
  });
});
