import { useQuery } from '@tanstack/react-query';
import { api, ApiError, codedOf, type ErrorEnvelope } from '../../api';
import type { BatchView, ImportIssueView, ImportKindView } from '../../../../src/modules/imports/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type Batch = BatchView;
export type ImportKind = ImportKindView;
export type ImportIssue = ImportIssueView;

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function useImportKinds(operation: string) {
  return useQuery({
    queryKey: ['imports', 'kinds', operation],
    queryFn: ({ signal }) => api.get<{ items: ImportKind[] }>('/imports/kinds', { operation }, signal).then((r) => r.items),
    staleTime: 60_000,
  });
}

const running = (b: Batch | undefined) => !!b && (b.status === 'validating' || b.status === 'committing');

/** A batch, polled every half second while its job runs. */
export function useBatch(id: string | null) {
  return useQuery({
    enabled: !!id,
    queryKey: ['imports', 'batch', id],
    queryFn: ({ signal }) => api.get<Batch>(`/imports/${id}`, undefined, signal),
    refetchInterval: (q) => (running(q.state.data as Batch | undefined) ? 500 : false),
  });
}

/** Sends the file as the raw request body (CSV or XLSX). */
export async function uploadFile(operation: string, kind: string, file: File, csrfToken: string | undefined): Promise<Batch> {
  const xlsx = /\.xlsx$/i.test(file.name) || file.type.includes('spreadsheetml');
  const qs = new URLSearchParams({ operation, kind, fileName: file.name });
  const res = await fetch(`/api/v1/imports?${qs}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': xlsx ? XLSX_MIME : 'text/csv', accept: 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    body: file,
  });
  const data = (await res.json().catch(() => undefined)) as Batch | ErrorEnvelope | undefined;
  if (!res.ok) {
    const e = (data as ErrorEnvelope | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.requestId, e?.fields ?? [], undefined, codedOf(e));
  }
  return data as Batch;
}

export const validateBatch = (id: string, mapping: Record<string, string>) => api.post<Batch>(`/imports/${id}/validate`, { mapping });
export const commitBatch = (id: string, mode: 'all' | 'valid', mapping: Record<string, string>) => api.post<Batch>(`/imports/${id}/commit`, { mode, mapping });
