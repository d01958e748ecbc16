import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';
import type { AuditEntryView, PermissionView, RoleView, TokenView, UserGrantView, UserView } from '../../../../src/modules/access/contract';

// Types come from the server contract (type-only imports: no server code reaches the bundle).
export type UserGrant = UserGrantView;

export type User = UserView;

export type Role = RoleView;

export type PermissionInfo = PermissionView;

export type AuditEntry = AuditEntryView;

export type ApiToken = TokenView;

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
