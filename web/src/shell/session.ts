import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../api';
import type { Me as MeView } from '../../../src/modules/access/contract';

export type Grant = MeView['grants'][number];

export type Me = MeView;

export const meKey = ['me'] as const;

export async function fetchMe(): Promise<Me> {
  const me = await api.get<Me>('/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 });
}

export async function login(username: string, password: string): Promise<Me> {
  const me = await api.post<Me>('/auth/login', { username, password });
  setCsrfToken(me.csrfToken);
  return me;
}

export function useLogout() {
  const qc = useQueryClient();
  return async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      setCsrfToken(null);
      qc.clear();
    }
  };
}

/** True when the user holds `permission` in `operationId`, or in any operation when none is given. */
export function can(me: Me | undefined, permission: string, operationId?: string): boolean {
  if (!me) return false;
  if (operationId) return (me.permissions[operationId] ?? []).includes(permission);
  return Object.values(me.permissions).some((ps) => ps.includes(permission));
}
