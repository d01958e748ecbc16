import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden } from './errors';
import { holds, isPermission } from './permissions';
import { authenticateSession, authenticateToken, SESSION_COOKIE } from '../modules/access/sessions';
import { API_TOKEN_PREFIX } from '../modules/access/credentials';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route under /api must declare `config.permission`; registering one that does not fails
 * at start-up (and in the route-catalogue test).
 */
export function enforceRouteDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith('/api')) return;
    route.config ??= {};
    const cfg = route.config as { permission?: string };
    if (url.startsWith('/api/docs') && !cfg.permission) cfg.permission = 'public';
    const p = cfg.permission;
    if (!p) throw new Error(`Route ${route.method} ${url} declares no permission (config.permission).`);
    if (p !== 'public' && p !== 'authenticated' && !isPermission(p))
      throw new Error(`Route ${route.method} ${url} declares unknown permission "${p}".`);
    if (url.startsWith('/api/docs')) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') app.hamrah.routes.push({ method, url, permission: p });
  });
}

async function authenticate(req: FastifyRequest): Promise<void> {
  const { database } = req.server.hamrah;
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    if (!token.startsWith(API_TOKEN_PREFIX)) throw new AppError('UNAUTHENTICATED', 'Unknown kind of bearer token.');
    req.auth = await authenticateToken(database.db, token, req.server.hamrah.demoMode);
    if (!req.auth) throw new AppError('UNAUTHENTICATED', 'The API token is unknown, expired or revoked.');
    return;
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) req.auth = await authenticateSession(database.db, cookie, req.server.hamrah.demoMode);
}

/** Authentication, CSRF and the route-level permission, in that order, before validation. */
export function installAuth(app: FastifyInstance): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (!req.url.startsWith('/api')) return;
    await authenticate(req);
    if (permission === 'public') return;
    if (!req.auth) throw new AppError('UNAUTHENTICATED');
    if (req.auth.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== req.auth.csrfToken) throw new AppError('CSRF_FAILED');
    }
    if (permission && permission !== 'authenticated' && !holds(req.auth.grants, permission)) throw forbidden(permission);
  });
}
