import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';
import type { ExportView, LinkView, MatchView } from '../../../../src/modules/linkage/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type LinkageExport = ExportView;
export type LinkageMatch = MatchView;
export type Link = LinkView;

const busy = (s: string | undefined) => s === 'queued' || s === 'running';

/** The user's exports, polled every half second while one is being made. */
export function useExports(operation: string) {
  return useQuery({
    queryKey: ['linkage', 'exports', operation],
    queryFn: ({ signal }) => api.get<Page<LinkageExport>>('/linkage/exports', { operation, limit: 20 }, signal),
    refetchInterval: (q) => ((q.state.data as Page<LinkageExport> | undefined)?.items.some((e) => busy(e.status)) ? 500 : false),
  });
}

export function useMatches(operation: string) {
  return useQuery({
    queryKey: ['linkage', 'matches', operation],
    queryFn: ({ signal }) => api.get<Page<LinkageMatch>>('/linkage/matches', { operation, limit: 20 }, signal),
    refetchInterval: (q) => ((q.state.data as Page<LinkageMatch> | undefined)?.items.some((m) => busy(m.status)) ? 500 : false),
  });
}

export function useLinks(matchId: string | null, status: 'pending' | 'confirmed' | 'rejected' | undefined) {
  return useQuery({
    enabled: !!matchId,
    queryKey: ['linkage', 'links', matchId, status],
    queryFn: ({ signal }) => api.get<Page<Link>>(`/linkage/matches/${matchId}/links`, { limit: 200, ...(status ? { status } : {}) }, signal),
  });
}

/** The secret goes in the body only (never in a URL). */
export const startExport = (operationId: string, secret: string) => api.post<LinkageExport>('/linkage/exports', { operationId, secret });
export const startMatch = (operationId: string, secret: string, partner: string, fileName: string, content: string) =>
  api.post<LinkageMatch>('/linkage/matches', { operationId, secret, partner, fileName, content });
export const decide = (id: string, status: 'confirmed' | 'rejected') => api.post<Link>(`/linkage/links/${id}/decision`, { status });
export const fileUrl = (id: string) => `/api/v1/linkage/exports/${id}/file`;
