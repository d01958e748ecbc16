import { describe, expect, it } from 'vitest';
import { applyHouseholdContext } from './household';

const W = { householdSupport1: 6, householdSupport2: 9, sameHousehold: -6, householdConflict: -6 };

describe('applyHouseholdContext', () => {
  // Households: records 0,1,2 in household 1; 3,4,5 in household 2; 6 in household 3; 7 none.
  const hh = Int32Array.from([1, 1, 1, 2, 2, 2, 3, 0]);

  it('raises a weak pair when other members of the two households match, one to one', () => {
    const a = Uint32Array.from([0, 1, 2, 0, 6, 2]);
    const b = Uint32Array.from([3, 4, 5, 4, 5, 7]);
    // 0–3 and 1–4 match; 2–5 is weak; 0–4 is weak, and 0 already matches 3 (a conflict); 6–5 and
    // 2–7 have no supporting co-members.
    const score = Float32Array.from([25, 24, 14, 13, 14, 14]);
    const r = applyHouseholdContext(hh, a, b, score, 20, 10, W);
    expect(r.supported).toBe(1);
    expect(r.conflicts).toBe(1);
    expect(Array.from(score)).toEqual([25, 24, 14 + 9, 13 - 6, 14, 14]);
  });

  it('gives the smaller bonus for a single supporting match and lowers same-household pairs', () => {
    const a = Uint32Array.from([0, 1, 0]);
    const b = Uint32Array.from([3, 4, 1]);
    const score = Float32Array.from([22, 12, 15]);
    const r = applyHouseholdContext(hh, a, b, score, 20, 10, W);
    expect(r).toEqual({ supported: 1, sameHousehold: 1, conflicts: 0, lone: 0 });
    expect(Array.from(score)).toEqual([22, 18, 9]);
  });

  it('leaves scores below the floor alone (they are lower bounds)', () => {
    const a = Uint32Array.from([0, 1]);
    const b = Uint32Array.from([3, 4]);
    const score = Float32Array.from([22, 5]);
    applyHouseholdContext(hh, a, b, score, 20, 10, W);
    expect(Array.from(score)).toEqual([22, 5]);
  });

  it('lowers a pair that is alone between two households of two or more members', () => {
    const WL = { ...W, householdLone: -2 };
    // 0–3: the only pair between households 1 and 2 at review level (15); the weak 1–4 and 1–5
    // have 0–3 beside them, so they are not alone; 2–6: household 3 has one member (a person
    // registered again on their own), left alone.
    const a = Uint32Array.from([0, 1, 2, 1]);
    const b = Uint32Array.from([3, 4, 6, 5]);
    const score = Float32Array.from([17, 11, 17, 11]);
    const r = applyHouseholdContext(hh, a, b, score, 20, 10, WL, undefined, 15);
    expect(r.lone).toBe(1);
    expect(Array.from(score)).toEqual([15, 11, 17, 11]);
    // With a second member pair at review level beside it (1–4), 0–3 is not alone either.
    const s2 = Float32Array.from([17, 16, 17, 11]);
    const r2 = applyHouseholdContext(hh, a, b, s2, 20, 10, WL, undefined, 15);
    expect(r2.lone).toBe(0);
    expect(Array.from(s2)).toEqual([17, 16, 17, 11]);
    // A second pair that shares a record with 0–3 (0–4: the same person cannot be both) does not count.
    const a3 = Uint32Array.from([0, 0]);
    const b3 = Uint32Array.from([3, 4]);
    const s3 = Float32Array.from([17, 16]);
    expect(applyHouseholdContext(hh, a3, b3, s3, 20, 10, WL, undefined, 15).lone).toBe(2);
  });
});
