import { describe, expect, it } from 'vitest';
import { evaluateRule, type RuleSpec } from './alerts-service';
import { addDays } from './dates';

/** A daily series from a start day: values[k] is the flow on start + k (null = not counted). */
function series(start: string, values: (number | null)[]): Map<string, number> {
  const m = new Map<string, number>();
  values.forEach((v, k) => {
    if (v !== null) m.set(addDays(start, k), v);
  });
  return m;
}

const ratio = (factor: number, minTotal = 0): RuleSpec => ({ kind: 'ratio', window: '7d', factor, threshold: null, minTotal });
const absolute = (window: '1d' | '7d', threshold: number, minTotal = 0): RuleSpec => ({ kind: 'absolute', window, factor: null, threshold, minTotal });

describe('evaluateRule', () => {
  // 28 baseline days of 100 (expected week 700), then a week of 100 … with the last day changed.
  const base = (last: number) => series('2024-01-01', [...Array(34).fill(100), last]);
  const end = addDays('2024-01-01', 34);

  it('ratio: fires strictly above factor × the expected week', () => {
    expect(evaluateRule(ratio(2), base(800), end)).toBeNull(); // 600 + 800 = 1,400 = 2 × 700: not above
    expect(evaluateRule(ratio(2), base(801), end)).toEqual({ date: end, observed: 1401, expected: 700, level: 1400 });
  });

  it('ratio: needs 21 counted days in the 28-day baseline; a counted 0 counts, a missing day does not', () => {
    const gaps = base(5000);
    for (let k = 0; k < 8; k++) gaps.delete(addDays('2024-01-01', k)); // 20 counted baseline days left
    expect(evaluateRule(ratio(2), gaps, end)).toBeNull();
    gaps.set('2024-01-01', 0); // 21 counted days (one of them a zero)
    const f = evaluateRule(ratio(2), gaps, end)!;
    expect(f.expected).toBe((20 * 100) / 4);
    expect(f.observed).toBe(600 + 5000);
  });

  it('ratio: no expectation after a closure (all zeros) means no alert', () => {
    expect(evaluateRule(ratio(2), series('2024-01-01', [...Array(34).fill(0), 50]), end)).toBeNull();
  });

  it('absolute: the day or the 7 days, strictly above the threshold, never below minTotal', () => {
    const s = series('2024-03-01', [100, 100, 100, 100, 100, 100, 301]);
    const day = '2024-03-07';
    expect(evaluateRule(absolute('1d', 300), s, day)).toEqual({ date: day, observed: 301, expected: null, level: 300 });
    expect(evaluateRule(absolute('1d', 301), s, day)).toBeNull();
    expect(evaluateRule(absolute('7d', 900), s, day)).toMatchObject({ observed: 901 });
    expect(evaluateRule(absolute('7d', 900, 1000), s, day)).toBeNull();
  });
});
