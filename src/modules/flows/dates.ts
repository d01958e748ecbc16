/**
 * Calendar arithmetic on YYYY-MM-DD dates (UTC, no time zones) shared by the flows dashboard,
 * its rollup upkeep, exports and alerts: days, ISO weeks (Monday first), months and the 4-/52-week
 * blocks of the survey rollup (counted from Monday 2000-01-03, as flow_dash_block in SQL).
 */
export const DAY_MS = 86_400_000;
export const msOf = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => isoDate(msOf(d) + n * DAY_MS);
/** Days from a to b (b − a). */
export const daysBetween = (a: string, b: string) => Math.round((msOf(b) - msOf(a)) / DAY_MS);
/** Monday of the ISO week holding d (date_trunc('week', d)). */
export const mondayOf = (d: string) => addDays(d, -((new Date(msOf(d)).getUTCDay() + 6) % 7));
/** The 1st of d's month. */
export const monthOf = (d: string) => `${d.slice(0, 7)}-01`;
/** The 1st of the month `n` months after the month starting at m. */
export function nextMonth(m: string, n = 1): string {
  const d = new Date(msOf(m));
  return isoDate(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}
/** First Monday of the survey rollup's blocks. */
export const BLOCK_EPOCH = '2000-01-03';
/** Start of the `len`-day block (28 or 364) holding the Monday `monday` (flow_dash_block). */
export const blockOf = (monday: string, len: number) => addDays(BLOCK_EPOCH, Math.floor(daysBetween(BLOCK_EPOCH, monday) / len) * len);

/** ISO week label (YYYY-Www) of a date. */
export function isoWeekOf(d: string): string {
  const thursday = addDays(mondayOf(d), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(mondayOf(`${year}-01-04`), thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
/** The Monday of an ISO week label, or null for a label that names no week. */
export function mondayOfIsoWeek(label: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const monday = addDays(mondayOf(`${m[1]}-01-04`), (Number(m[2]) - 1) * 7);
  return isoWeekOf(monday) === label ? monday : null;
}
