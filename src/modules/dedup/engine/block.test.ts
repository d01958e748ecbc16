import { describe, expect, it } from 'vitest';
import { Arena, blockingHashes, blockingKeys, buildBlockIndex, candidatePairs, hash32 } from './block';
import { newTables, prepare, type PersonRecord } from './prepare';
import { generateRegistry } from './synthetic';

describe('blockingHashes', () => {
  it('equals hash32 of every blocking-key string, in order', () => {
    const reg = generateRegistry({ individuals: 2000, seed: 11 });
    const extra: PersonRecord[] = [
      { id: 'a1', givenName: 'Ann', familyName: 'Smith', address: '12 High Street Springfield', birthDate: '1980-03-04', documentNumber: 'AB12345', phone: '0700111222', locationPcode: 'X1' },
      { id: 'a2', givenName: 'Abdulrahmanzai', familyName: 'Abdulrahmanzai', birthDate: '1980-05-05', locationPcode: 'X1', address: '7 Hill' },
      { id: 'a3', givenName: 'Karim', age: 40 },
      { id: 'a4', familyName: 'Popalzai', fatherName: 'Nabi', birthYear: 2001, documentNumber: '1234' },
    ];
    const records = [...reg.records, ...extra];
    const T = newTables(undefined, { referenceYear: reg.referenceYear });
    const P = prepare(records, T);
    const keys: string[] = [];
    const hashes: number[] = [];
    let checked = 0;
    for (let i = 0; i < P.n; i++) {
      blockingKeys(T, P, i, keys);
      const c = blockingHashes(T, P, i, hashes);
      expect(hashes.slice(0, c)).toEqual(keys.map(hash32));
      checked += c;
    }
    expect(checked).toBeGreaterThan(P.n * 5);
  });
});

describe('candidatePairs', () => {
  const reg = generateRegistry({ individuals: 3000, seed: 5 });
  const T = newTables(undefined, { referenceYear: reg.referenceYear });
  const P = prepare(reg.records, T);
  const index = buildBlockIndex(T, P);

  it('returns each pair once, a < b, sorted by (a, b), covering every pair of every small block', () => {
    const c = candidatePairs(T, P, index, { maxBlock: 8, window: 3 });
    expect(c.oversized).toBeGreaterThan(0);
    const got = new Set<number>();
    for (let e = 0; e < c.a.length; e++) {
      expect(c.a[e]).toBeLessThan(c.b[e]);
      if (e) expect(c.a[e] > c.a[e - 1] || (c.a[e] === c.a[e - 1] && c.b[e] > c.b[e - 1])).toBe(true);
      got.add(c.a[e] * P.n + c.b[e]);
    }
    // Brute force over the sorted index: every pair inside a block of ≤ 8 records is a candidate.
    const { hash, idx } = index;
    for (let s = 0; s < hash.length; ) {
      let e = s + 1;
      while (e < hash.length && hash[e] === hash[s]) e++;
      if (e - s <= 8)
        for (let x = s; x < e; x++)
          for (let y = x + 1; y < e; y++) {
            const a = Math.min(idx[x], idx[y]);
            const b = Math.max(idx[x], idx[y]);
            if (a !== b) expect(got.has(a * P.n + b)).toBe(true);
          }
      s = e;
    }
  });

  it('keeps only cross pairs in linkage mode, and with an arena gives the same pairs', () => {
    const split = 1500;
    const c = candidatePairs(T, P, index, {}, split);
    for (let e = 0; e < c.a.length; e++) expect(c.a[e] < split && c.b[e] >= split).toBe(true);
    const arena = new Arena(640 * P.n);
    const d = candidatePairs(T, P, buildBlockIndex(T, P, arena), {}, split, arena);
    expect(Array.from(d.a)).toEqual(Array.from(c.a));
    expect(Array.from(d.b)).toEqual(Array.from(c.b));
  });
});

describe('records of unknown sex', () => {
  it('share the sex-bearing keys (birth date, place + name) of either sex', () => {
    const records: PersonRecord[] = [
      { id: 'a', givenName: 'Zainab', sex: 'F', birthDate: '2003-07-22', locationPcode: 'AF0101' },
      { id: 'b', givenName: 'Qudsia', sex: '', birthDate: '2003-07-22', locationPcode: 'AF0909' },
      { id: 'c', givenName: 'Halima', fatherName: 'Nabi', sex: 'F', birthYear: 2022, locationPcode: 'AF0202' },
      { id: 'd', givenName: 'Halima', fatherName: 'Ahmad', birthYear: 1990, locationPcode: 'AF0202' },
      { id: 'e', givenName: 'Karim', sex: 'M', birthDate: '1990-01-05', locationPcode: 'AF0303' },
    ];
    const T = newTables(undefined, { referenceYear: 2026 });
    const P = prepare(records, T);
    const c = candidatePairs(T, P, buildBlockIndex(T, P));
    const pairs = Array.from(c.a, (a, k) => `${a}-${c.b[k]}`);
    // a–b: only the birth date in common; c–d: only place + given name.
    expect(pairs).toContain('0-1');
    expect(pairs).toContain('2-3');
    expect(pairs.some((p) => p.includes('4'))).toBe(false);
  });
});
