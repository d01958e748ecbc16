import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request, type Page } from '../../api';
import type { AssessmentCorrection, AssessmentCreate, AssessmentDetail, AssessmentView, RoundCreate, RoundSummary, RoundView } from '../../../../src/modules/mobility/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type { AssessmentCorrection, AssessmentCreate, AssessmentDetail, AssessmentView, RoundCreate, RoundSummary, RoundView };
export { ARRIVAL_PERIODS, BASELINE_GROUPS, EVENT_TYPES, ROUND_KINDS, SECTORS, SITE_SERVICES } from '../../../../src/modules/mobility/kinds';

export { uuidv7 } from '../../lib/ids';

type Filters = Record<string, string | number | boolean | undefined>;

export function useRounds(operation: string, filters: Filters = {}) {
  return useInfiniteQuery({
    queryKey: ['mobility', 'rounds', operation, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.get<Page<RoundView>>('/mobility/rounds', { operation, limit: 25, ...filters, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useRound(id: string) {
  return useQuery({ queryKey: ['mobility', 'round', id], queryFn: ({ signal }) => api.get<RoundView>(`/mobility/rounds/${id}`, undefined, signal) });
}

export function useRoundSummary(id: string) {
  return useQuery({ queryKey: ['mobility', 'summary', id], queryFn: ({ signal }) => api.get<RoundSummary>(`/mobility/rounds/${id}/summary`, undefined, signal) });
}

export function useAssessments(roundId: string, filters: Filters = {}) {
  return useInfiniteQuery({
    queryKey: ['mobility', 'assessments', roundId, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.get<Page<AssessmentView>>(`/mobility/rounds/${roundId}/assessments`, { limit: 50, ...filters, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['mobility'] });
}

export function useCreateRound() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: RoundCreate) => api.post<RoundView>('/mobility/rounds', body), onSuccess: invalidate });
}

export type RoundAction = 'submit' | 'verify' | 'publish';
export function useRoundTransition(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (action: RoundAction) => api.post<RoundView>(`/mobility/rounds/${id}/${action}`), onSuccess: invalidate });
}

export function useCreateAssessment(roundId: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: AssessmentCreate) => api.post<AssessmentDetail>(`/mobility/rounds/${roundId}/assessments`, body), onSuccess: invalidate });
}

export function useCorrectAssessment(id: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: AssessmentCorrection) => request<AssessmentDetail>('PUT', `/mobility/assessments/${id}`, { body }), onSuccess: invalidate });
}

/** Same-origin download address of a round's export (the session cookie authenticates it). */
export const exportUrl = (roundId: string, format: 'csv' | 'xlsx') => `/api/v1/mobility/rounds/${roundId}/assessments.${format}`;
