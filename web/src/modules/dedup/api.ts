import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';
import type { DecisionBody, DecisionResult, HouseholdFlags, MergeView, PairDetail, PairView, RunView } from '../../../../src/modules/dedup/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type { DecisionResult, FieldComparison, HouseholdFlags, MergeView, PairDetail, PairView, RunView } from '../../../../src/modules/dedup/contract';

export interface PairsFilter {
  operation: string;
  status?: 'open' | 'skipped' | 'decided' | 'all';
  decision?: 'match' | 'review';
  household?: string;
  sort?: 'score_desc' | 'score_asc';
  minScore?: number;
  limit?: number;
  cursor?: string;
}

export const dedupKeys = {
  all: ['dedup'] as const,
  runs: (op: string) => ['dedup', 'runs', op] as const,
  pairs: (f: PairsFilter) => ['dedup', 'pairs', f] as const,
  pair: (a: string, b: string) => ['dedup', 'pair', a, b] as const,
  merges: (op: string, household?: string) => ['dedup', 'merges', op, household ?? ''] as const,
  household: (id: string) => ['dedup', 'household', id] as const,
};

export const dedupApi = {
  runs: (op: string, signal?: AbortSignal) => api.get<Page<RunView>>('/dedup/runs', { operation: op, limit: 20 }, signal),
  start: (op: string) => api.post<RunView>('/dedup/runs', { operationId: op }),
  cancel: (id: string) => api.post<RunView>(`/dedup/runs/${id}/cancel`),
  confirmMatches: (id: string) => api.post<{ merged: number; left: number; blocked: { idA: string; idB: string; reason: string }[] }>(`/dedup/runs/${id}/confirm-matches`),
  pairs: (f: PairsFilter, signal?: AbortSignal) => api.get<Page<PairView>>('/dedup/pairs', { ...f }, signal),
  pair: (a: string, b: string, signal?: AbortSignal) => api.get<PairDetail>(`/dedup/pairs/${a}/${b}`, undefined, signal),
  decide: (a: string, b: string, body: DecisionBody) => api.post<DecisionResult>(`/dedup/pairs/${a}/${b}/decision`, body),
  merges: (op: string, household?: string, signal?: AbortSignal) => api.get<Page<MergeView>>('/dedup/merges', { operation: op, household, limit: 50 }, signal),
  undo: (id: string) => api.post<MergeView>(`/dedup/merges/${id}/undo`),
  household: (id: string, signal?: AbortSignal) => api.get<HouseholdFlags>(`/dedup/households/${id}`, undefined, signal),
};

/** Runs of the operation; polls every second while one is queued or running. */
export function useRuns(op: string) {
  return useQuery({
    queryKey: dedupKeys.runs(op),
    queryFn: ({ signal }) => dedupApi.runs(op, signal),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? 1000 : false),
  });
}

export function usePairs(f: PairsFilter) {
  return useQuery({ queryKey: dedupKeys.pairs(f), queryFn: ({ signal }) => dedupApi.pairs(f, signal), placeholderData: keepPreviousData });
}

export function usePair(a: string, b: string) {
  return useQuery({ queryKey: dedupKeys.pair(a, b), queryFn: ({ signal }) => dedupApi.pair(a, b, signal) });
}

export function useMerges(op: string, household?: string) {
  return useQuery({ queryKey: dedupKeys.merges(op, household), queryFn: ({ signal }) => dedupApi.merges(op, household, signal) });
}

export function useHouseholdFlags(id: string) {
  return useQuery({ queryKey: dedupKeys.household(id), queryFn: ({ signal }) => dedupApi.household(id, signal) });
}
