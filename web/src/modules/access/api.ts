import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';

export interface UserGrant {
  id: string;
  roleId: string;
  operationId: string;
  areaPcode: string | null;
  organisationId: string | null;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  organisationId: string | null;
  organisationAcronym: string | null;
  language: string;
  isDemo: boolean;
  disabled: boolean;
  createdAt: string;
  grants: UserGrant[];
}

export interface Role {
  id: string;
  name: string;
  description: string;
  permissions: string[];
  builtIn: boolean;
  userCount: number;
}

export interface PermissionInfo {
  id: string;
  description: string;
}

export interface AuditEntry {
  id: number | string;
  at: string;
  actorId: string | null;
  actorUsername: string | null;
  operationId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  /** `{field: {before, after}}` of changed fields; `_details` for context of reads. */
  changes: Record<string, unknown> | null;
  sensitiveRead: boolean;
  requestId: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  email?: string;
  password: string;
  organisationId?: string;
  language?: string;
}

export interface UserPatch {
  displayName?: string;
  email?: string | null;
  organisationId?: string | null;
  language?: string;
  disabled?: boolean;
  password?: string;
}

export interface NewGrant {
  roleId: string;
  operationId: string;
  areaPcode?: string;
  organisationId?: string;
}

export const accessKeys = {
  users: ['users'] as const,
  user: (id: string) => ['users', 'one', id] as const,
  roles: ['roles'] as const,
  permissions: ['permissions'] as const,
  tokens: ['me', 'tokens'] as const,
};

export function useUser(id: string) {
  return useQuery({ queryKey: accessKeys.user(id), queryFn: ({ signal }) => api.get<User>(`/users/${encodeURIComponent(id)}`, undefined, signal) });
}

export function useRoles() {
  return useQuery({ queryKey: accessKeys.roles, queryFn: ({ signal }) => api.get<{ items: Role[] }>('/roles', undefined, signal).then((r) => r.items) });
}

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: accessKeys.permissions,
    staleTime: Infinity,
    queryFn: ({ signal }) => api.get<{ items: PermissionInfo[] }>('/permissions', undefined, signal).then((r) => r.items),
  });
}

export const usersApi = {
  list: (query: { q?: string; limit: number; cursor?: string }, signal?: AbortSignal) => api.get<Page<User>>('/users', query, signal),
  create: (body: NewUser) => api.post<User>('/users', body),
  update: (id: string, body: UserPatch) => api.patch<User>(`/users/${encodeURIComponent(id)}`, body),
  addGrant: (id: string, body: NewGrant) => api.post<UserGrant>(`/users/${encodeURIComponent(id)}/grants`, body),
  removeGrant: (id: string, grantId: string) => api.del(`/users/${encodeURIComponent(id)}/grants/${encodeURIComponent(grantId)}`),
};

export const rolesApi = {
  create: (body: Omit<Role, 'builtIn' | 'userCount'>) => api.post<Role>('/roles', body),
  update: (id: string, body: Partial<Omit<Role, 'id' | 'builtIn' | 'userCount'>>) => api.patch<Role>(`/roles/${encodeURIComponent(id)}`, body),
  remove: (id: string) => api.del(`/roles/${encodeURIComponent(id)}`),
};

export const tokensApi = {
  list: (signal?: AbortSignal) => api.get<{ items: ApiToken[] }>('/me/tokens', undefined, signal).then((r) => r.items),
  create: (body: { name: string; expiresInDays?: number }) => api.post<{ token: string; item: ApiToken }>('/me/tokens', body),
  revoke: (id: string) => api.del(`/me/tokens/${encodeURIComponent(id)}`),
};

export interface AuditFilter {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
  operation?: string;
  from?: string;
  to?: string;
}

export const auditApi = {
  list: (filter: AuditFilter & { limit: number; cursor?: string }, signal?: AbortSignal) => api.get<Page<AuditEntry>>('/audit', { ...filter }, signal),
};
