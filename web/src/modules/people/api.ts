import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';
import type {
  ConsentWithdraw,
  ConsentInput,
  DocumentAdd,
  DocumentStatusChange,
  HouseholdCreate,
  HouseholdDetail,
  HouseholdUpdate,
  HouseholdView,
  LookupRequest,
  LookupResult,
  MemberAdd,
  MemberRemove,
  MemberUpdate,
  SearchResult,
  TimelineEvent,
  VersionSnapshot,
} from '../../../../src/modules/people/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type {
  HouseholdDetail,
  HouseholdView,
  IndividualView,
  DocumentView,
  ConsentView,
  PersonSummary,
  TimelineEvent,
  VersionView,
  BirthView,
} from '../../../../src/modules/people/contract';

/** Body of POST /people/households/:id/consents. */
export interface ConsentAdd {
  consent: ConsentInput;
}

export const peopleKeys = {
  all: ['people'] as const,
  household: (id: string) => ['people', 'household', id] as const,
  timeline: (id: string) => ['people', 'household', id, 'timeline'] as const,
  version: (id: string, version: number) => ['people', 'household', id, 'version', version] as const,
};

export interface HouseholdsQuery {
  operation: string;
  populationGroup?: string;
  pcode?: string;
  limit?: number;
  cursor?: string;
}

const hh = (id: string) => `/people/households/${encodeURIComponent(id)}`;

export const peopleApi = {
  create: (body: HouseholdCreate) => api.post<HouseholdDetail>('/people/households', body),
  get: (id: string, signal?: AbortSignal) => api.get<HouseholdDetail>(hh(id), undefined, signal),
  list: (q: HouseholdsQuery, signal?: AbortSignal) => api.get<Page<HouseholdView>>('/people/households', { ...q }, signal),
  search: (q: { operation: string; q: string; limit?: number }, signal?: AbortSignal) => api.get<SearchResult>('/people/search', q, signal),
  lookup: (body: LookupRequest) => api.post<LookupResult>('/people/lookup', body),
  update: (id: string, body: HouseholdUpdate) => api.patch<HouseholdDetail>(hh(id), body),
  addMember: (id: string, body: MemberAdd) => api.post<HouseholdDetail>(`${hh(id)}/members`, body),
  updateMember: (id: string, individualId: string, body: MemberUpdate) => api.patch<HouseholdDetail>(`${hh(id)}/members/${individualId}`, body),
  removeMember: (id: string, individualId: string, body: MemberRemove) => api.post<HouseholdDetail>(`${hh(id)}/members/${individualId}/remove`, body),
  addDocument: (id: string, individualId: string, body: DocumentAdd) => api.post<HouseholdDetail>(`${hh(id)}/members/${individualId}/documents`, body),
  documentStatus: (documentId: string, body: DocumentStatusChange) => api.post<HouseholdDetail>(`/people/documents/${documentId}/status`, body),
  addConsent: (id: string, body: ConsentAdd) => api.post<HouseholdDetail>(`${hh(id)}/consents`, body),
  withdrawConsent: (consentId: string, body: ConsentWithdraw) => api.post<HouseholdDetail>(`/people/consents/${consentId}/withdraw`, body),
  timeline: (id: string, signal?: AbortSignal) => api.get<{ items: TimelineEvent[] }>(`${hh(id)}/timeline`, undefined, signal),
  version: (id: string, version: number, signal?: AbortSignal) => api.get<VersionSnapshot>(`${hh(id)}/versions/${version}`, undefined, signal),
};

export function useHousehold(id: string | null) {
  return useQuery({
    queryKey: peopleKeys.household(id ?? ''),
    queryFn: ({ signal }) => peopleApi.get(id!, signal),
    enabled: !!id,
  });
}

export function useTimeline(id: string) {
  return useQuery({ queryKey: peopleKeys.timeline(id), queryFn: ({ signal }) => peopleApi.timeline(id, signal) });
}

export function useHouseholds(q: HouseholdsQuery, enabled = true) {
  return useQuery({
    queryKey: ['people', 'list', q],
    queryFn: ({ signal }) => peopleApi.list(q, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function usePeopleSearch(operation: string, q: string, limit: number) {
  return useQuery({
    queryKey: ['people', 'search', operation, q, limit],
    queryFn: ({ signal }) => peopleApi.search({ operation, q, limit }, signal),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
