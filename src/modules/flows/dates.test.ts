import { describe, expect, it } from 'vitest';
import { addDays, blockOf, daysBetween, isoWeekOf, mondayOf, mondayOfIsoWeek, monthOf, nextMonth } from './dates';

describe('flows calendar arithmetic', () => {
  it('finds the Monday of the ISO week, across months and years', () => {
    expect(mondayOf('2025-02-21')).toBe('2025-02-17'); // a Friday
    expect(mondayOf('2025-02-17')).toBe('2025-02-17');
    expect(mondayOf('2025-02-23')).toBe('2025-02-17'); // Sunday belongs to the week before
    expect(mondayOf('2025-01-01')).toBe('2024-12-30');
  });
  it('adds days and months, and counts days between', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(monthOf('2025-03-31')).toBe('2025-03-01');
    expect(nextMonth('2024-12-01')).toBe('2025-01-01');
    expect(nextMonth('2024-11-01', 3)).toBe('2025-02-01');
  });
  it('labels ISO weeks and reads the labels back', () => {
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(mondayOfIsoWeek('2020-W53')).toBe('2020-12-28');
    expect(mondayOfIsoWeek('2021-W53')).toBeNull();
  });
  it('places weeks in the 4- and 52-week blocks counted from Monday 2000-01-03', () => {
    expect(blockOf('2000-01-03', 28)).toBe('2000-01-03');
    expect(blockOf('2000-01-24', 28)).toBe('2000-01-03');
    expect(blockOf('2000-01-31', 28)).toBe('2000-01-31');
    expect(blockOf('2000-12-25', 364)).toBe('2000-01-03');
    expect(blockOf('2001-01-01', 364)).toBe('2001-01-01');
    expect(blockOf('1999-12-27', 28)).toBe('1999-12-06'); // before the first block
  });
});
