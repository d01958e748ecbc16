import { useQuery } from '@tanstack/react-query';
import { api, isNotFound, type Page } from '../../api';
import type { AreaView, OperationView, OrganisationView, SiteView } from '../../../../src/modules/places/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type Operation = OperationView;

export type Area = AreaView;

export type Site = SiteView;

export type Organisation = OrganisationView;

export interface BoundaryFeature {
  type: 'Feature';
  properties: { pcode: string; name: string; nameLocal: string | null };
  geometry: { type: string; coordinates: unknown };
}
export interface BoundaryCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
}

export function useOperations(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['operations'],
    queryFn: ({ signal }) => api.get<{ items: Operation[] }>('/operations', undefined, signal).then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

export function useOperation(id: string) {
  const ops = useOperations();
  return { ...ops, data: ops.data?.find((o) => o.id === id) };
}

export interface AreaQuery {
  operation: string;
  level?: number;
  parent?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export function fetchAreas(query: AreaQuery, signal?: AbortSignal) {
  return api.get<Page<Area>>('/areas', { ...query }, signal);
}

export function useAreas(query: AreaQuery, enabled = true) {
  return useQuery({
    queryKey: ['areas', query],
    queryFn: ({ signal }) => fetchAreas(query, signal),
    enabled,
    staleTime: 10 * 60_000,
  });
}

/**
 * Sites of an operation. `null` data means the server does not offer sites yet (404 on the
 * route), which the UI says plainly instead of failing.
 */
export function useSites(operation: string) {
  return useQuery({
    queryKey: ['sites', operation],
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }) => {
      try {
        return await api.get<Page<Site>>('/sites', { operation, limit: 1000 }, signal);
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
  });
}

export function useBoundaries(operation: string, level: number, enabled: boolean) {
  return useQuery({
    queryKey: ['boundaries', operation, level],
    enabled,
    staleTime: Infinity,
    queryFn: async ({ signal }) => {
      try {
        return await api.get<BoundaryCollection>('/areas/boundaries', { operation, level }, signal);
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
  });
}

export function useOrganisations() {
  return useQuery({
    queryKey: ['organisations'],
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }) => {
      try {
        return (await api.get<Page<Organisation>>('/organisations', { limit: 1000 }, signal)).items;
      } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
      }
    },
  });
}
