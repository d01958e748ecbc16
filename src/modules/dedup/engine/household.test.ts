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
    expect(r).toEqual({ supported: 1, sameHousehold: 1, conflicts: 0 });
    expect(Array.from(score)).toEqual([22, 18, 9]);
  });

  it('leaves scores below the floor alone (they are lower bounds)', () => {
    const a = Uint32Array.from([0, 1]);
    const b = Uint32Array.from([3, 4]);
    const score = Float32Array.from([22, 5]);
    applyHouseholdContext(hh, a, b, score, 20, 10, W);
    expect(Array.from(score)).toEqual([22, 5]);
  });
});
