import { useQuery } from '@tanstack/react-query';
import { api, isNotFound } from '../../api';
import type { Area } from './api';

export interface AreaRef {
  pcode: string;
  name: string;
  nameLocal: string | null;
  level: number;
}

export interface AreaWithAncestors extends Area {
  operationId: string;
  /** From the top level down to the parent. */
  ancestors: AreaRef[];
}

/** One area with its ancestors; `null` when there is no such area (or it is not visible). */
export function useAreaDetail(operation: string, pcode: string | null) {
  return useQuery({
    queryKey: ['area-detail', operation, pcode],
    enabled: !!pcode,
    staleTime: 10 * 60_000,
    queryFn: async ({ signal }) => {
      try {
        return await api.get<AreaWithAncestors>(`/areas/${encodeURIComponent(pcode!)}`, { operation }, signal);
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
  });
}
