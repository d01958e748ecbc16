import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import type { DashboardView } from '../../../../src/modules/flows/dashboard-contract';

// Types come from the server contract (type-only import: no server code reaches the bundle).
export type { DashboardView };
export type Granularity = DashboardView['granularity'];
export type SurveyItem = DashboardView['surveys']['dims'][string][number];

export interface DashboardFilters {
  from: string;
  to: string;
  granularity: Granularity;
  sites?: string;
  direction?: 'in' | 'out';
  neighbour?: string;
}

export function useDashboard(operation: string, f: DashboardFilters) {
  return useQuery({
    queryKey: ['flows', 'dashboard', operation, f],
    queryFn: ({ signal }) => api.get<DashboardView>('/flows/dashboard', { operation, ...f }, signal),
    placeholderData: keepPreviousData,
  });
}

// Calendar helpers (UTC, YYYY-MM-DD).
const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => iso(ms(d) + n * DAY);
export const mondayOf = (d: string) => addDays(d, -((new Date(ms(d)).getUTCDay() + 6) % 7));
export const today = () => iso(Date.now());
export const isDate = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(ms(s));

export function isoWeekOf(d: string): string {
  const thursday = addDays(mondayOf(d), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((ms(thursday) - ms(mondayOf(`${year}-01-04`))) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function mondayOfIsoWeek(label: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const monday = addDays(mondayOf(`${m[1]}-01-04`), (Number(m[2]) - 1) * 7);
  return isoWeekOf(monday) === label ? monday : null;
}

/** Share of a part in a whole, in percent with one decimal (0 without a whole). */
export const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
