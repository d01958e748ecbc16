import type { FastifyRequest } from 'fastify';
import type { Database, Tx } from '../db/client';
import type { Config } from './config';
import type { GrantScope, RoutePermission } from './permissions';
import type { Actor } from './audit';
import { AppError } from './errors';
import type { LoginLimiter } from './login-limiter';

export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  organisationId: string | null;
  language: string;
  isDemo: boolean;
}

export interface AuthContext {
  user: AuthUser;
  grants: GrantScope[];
  via: 'session' | 'token';
  /** Session only: the value mutations must echo in X-CSRF-Token. */
  csrfToken?: string;
  sessionHash?: string;
}

export interface AppContext {
  database: Database;
  config: Config;
  demoMode: boolean;
  loginLimiter: LoginLimiter;
  /** False while starting and once shutdown began; /readyz answers 503 then. */
  ready: boolean;
  /** Every /api route with its declared permission (filled at registration; used by tests and docs). */
  routes: { method: string; url: string; permission: string }[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission this route needs; every /api route must declare one. */
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyInstance {
    hamrah: AppContext;
  }
}

/** The logged-in user, or 401. Use in handlers of routes that declare a permission. */
export function requireAuth(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new AppError('UNAUTHENTICATED');
  return req.auth;
}

export function actorOf(req: FastifyRequest): Actor {
  return { userId: req.auth?.user.id ?? null, requestId: String(req.id) };
}

/** One request = one transaction: the change and its audit rows commit or roll back together. */
export function inTransaction<T>(req: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return req.server.hamrah.database.db.transaction((tx) => fn(tx as unknown as Tx));
}
