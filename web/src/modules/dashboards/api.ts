import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import type { DashboardView } from '../../../../src/modules/flows/dashboard-contract';
// Pure calendar arithmetic shared with the server (no server dependencies reach the bundle).
import { isoDate as iso, msOf } from '../../../../src/modules/flows/dates';

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

// Calendar helpers (UTC, YYYY-MM-DD): the server's own (src/modules/flows/dates.ts), so a week
// label means the same Monday on both sides.
export { addDays, isoDate as iso, isoWeekOf, mondayOf, mondayOfIsoWeek } from '../../../../src/modules/flows/dates';
export const today = () => iso(Date.now());
export const isDate = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(msOf(s));

/** Share of a part in a whole, in percent with one decimal (0 without a whole). */
export const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
