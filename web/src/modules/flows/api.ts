import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request, type Page } from '../../api';
import type { CountCorrection, CountCreate, CountDetail, CountView, SurveyCreate, SurveyView } from '../../../../src/modules/flows/contract';
import type { AlertRuleCreate, AlertRuleUpdate, AlertRuleView, AlertView } from '../../../../src/modules/flows/alerts-contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type { CountCorrection, CountCreate, CountDetail, CountView, SurveyCreate, SurveyView, AlertRuleCreate, AlertRuleUpdate, AlertRuleView, AlertView };

type Filters = Record<string, string | number | boolean | undefined>;

/** A list with cursor paging: pages are appended by "Load more". */
function useCursorList<T>(key: string, path: string, filters: Filters, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['flows', key, filters],
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.get<Page<T>>(path, { ...filters, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export const useCounts = (filters: Filters) => useCursorList<CountView>('counts', '/flows/counts', { limit: 25, ...filters });
export const useSurveys = (filters: Filters) => useCursorList<SurveyView>('surveys', '/flows/surveys', { limit: 25, ...filters });
export const useAlerts = (filters: Filters, enabled = true) => useCursorList<AlertView>('alerts', '/flows/alerts', { limit: 25, ...filters }, enabled);
export const useAlertRules = (filters: Filters) => useCursorList<AlertRuleView>('alert-rules', '/flows/alert-rules', { limit: 100, ...filters });

export function useCount(id: string) {
  return useQuery({ queryKey: ['flows', 'count', id], queryFn: ({ signal }) => api.get<CountDetail>(`/flows/counts/${id}`, undefined, signal) });
}

export function useSurvey(id: string) {
  return useQuery({ queryKey: ['flows', 'survey', id], queryFn: ({ signal }) => api.get<SurveyView>(`/flows/surveys/${id}`, undefined, signal) });
}

/** Everything under ['flows'] is refetched after a change (lists, details, alerts). */
function useInvalidateFlows() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['flows'] });
}

export function useCreateCount() {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: (body: CountCreate) => api.post<CountDetail>('/flows/counts', body), onSuccess: invalidate });
}

export function useCorrectCount(id: string) {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: (body: CountCorrection) => request<CountDetail>('PUT', `/flows/counts/${id}`, { body }), onSuccess: invalidate });
}

export type CountAction = 'submit' | 'verify' | 'publish';
export function useCountTransition(id: string) {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: (action: CountAction) => api.post<CountDetail>(`/flows/counts/${id}/${action}`), onSuccess: invalidate });
}

export function useCreateSurvey() {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: (body: SurveyCreate) => api.post<SurveyView>('/flows/surveys', body), onSuccess: invalidate });
}

export function useCreateRule() {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: (body: AlertRuleCreate) => api.post<AlertRuleView>('/flows/alert-rules', body), onSuccess: invalidate });
}

export function useUpdateRule() {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: ({ id, ...body }: AlertRuleUpdate & { id: string }) => api.patch<AlertRuleView>(`/flows/alert-rules/${id}`, body), onSuccess: invalidate });
}

export function useAcknowledgeAlert() {
  const invalidate = useInvalidateFlows();
  return useMutation({ mutationFn: ({ id, note }: { id: string; note?: string }) => api.post<AlertView>(`/flows/alerts/${id}/acknowledge`, { note: note || null }), onSuccess: invalidate });
}

export { uuidv7 } from '../../lib/ids';

/** Today's date (YYYY-MM-DD) in the operation's time zone. */
export function todayIn(timeZone: string | null | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone ?? undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
