import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Database } from '../db/client';
import { loadConfig, type Config } from './config';
import type { AppContext } from './context';
import { AppError, ERROR_CODES } from './errors';
import { fieldOfZodIssue, valueAt } from './zod-messages';
import { enforceRouteDeclarations, installAuth } from './auth';
import { LoginLimiter } from './login-limiter';
import { loggerOptions } from './logging';
import { uuidv7 } from '../shared/ids';
import { registerModules } from './modules';
import { dtmApiRoutes } from '../modules/mobility/dtm-api';
import { sql } from 'drizzle-orm';

export interface BuildOptions {
  database: Database;
  config?: Partial<Config>;
  demoMode?: boolean;
  /** Pino options or a destination; false silences logs (tests may capture them instead). */
  logger?: FastifyServerOptions['logger'] | false;
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** Folder with the built web app; served at / when it exists. */
  webDist?: string | null;
}

export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const config = { ...loadConfig(), ...opts.config };
  const app = Fastify({
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? loggerOptions(config.logLevel) }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : uuidv7();
    },
    trustProxy: true,
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  const ctx: AppContext = {
    database: opts.database,
    config,
    demoMode: opts.demoMode ?? false,
    loginLimiter: new LoginLimiter(),
    ready: true,
    routes: [],
  };
  app.decorate('hamrah', ctx);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // Once shutdown began, new API work is refused so that in-flight requests can finish.
    if (!ctx.ready && req.url.startsWith('/api')) throw new AppError('NOT_READY');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    // API answers are not cached unless a route says otherwise (e.g. revalidated boundary files).
    if (req.url.startsWith('/api') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const requestId = String(req.id);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      const input = where === 'querystring' ? req.query : where === 'params' ? req.params : where === 'headers' ? req.headers : req.body;
      const fields = err.validation.map((v) => {
        const segments = String(v.instancePath ?? '').split('/').filter(Boolean);
        const missing = segments.length > 0 && valueAt(input, segments) === undefined;
        return fieldOfZodIssue([where, ...segments].join('.'), { ...(v.params as object), code: String(v.keyword), message: v.message ?? '' }, missing);
      });
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message: ERROR_CODES.VALIDATION_FAILED.message, requestId, fields } });
    }
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      const coded = err.coded ? { messageCode: err.coded.code, ...(err.coded.params ? { messageParams: err.coded.params } : {}) } : {};
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...coded, requestId, ...(err.fields ? { fields: err.fields } : {}) } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      return reply.status(status).send({ error: { code, message: (err as Error).message, requestId } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: ERROR_CODES.INTERNAL.message, requestId } });
  });

  enforceRouteDeclarations(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hamrah API',
        version: '1',
        description:
          'Operations platform for mobility crises. Authenticate with the session cookie from POST /api/v1/auth/login ' +
          '(mutations then need the X-CSRF-Token header) or with `Authorization: Bearer hmr_…` API tokens. ' +
          'Errors follow one catalogue: see docs/errors.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'hamrah_session' },
          token: { type: 'http', scheme: 'bearer' },
          dtmKey: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  installAuth(app);

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    if (!ctx.ready) return reply.status(503).send({ status: 'stopping' });
    await ctx.database.db.execute(sql`select 1`);
    return { status: 'ready', database: ctx.database.kind };
  });

  await app.register(registerModules, { prefix: '/api/v1' });
  // DTM-API-compatible endpoint (DTM v3 paths and envelope), outside /api/v1: src/modules/mobility/dtm-api.ts.
  await app.register(dtmApiRoutes, { prefix: '/api/dtm/v3' });

  const webDist = opts.webDist === undefined ? DEFAULT_WEB_DIST : opts.webDist;
  const haveWeb = !!webDist && fs.existsSync(path.join(webDist, 'index.html'));
  if (haveWeb) await app.register(fastifyStatic, { root: webDist!, wildcard: false, index: ['index.html'] });

  app.setNotFoundHandler((req, reply) => {
    if (haveWeb && req.method === 'GET' && !req.url.startsWith('/api') && !path.extname(req.url.split('?')[0]))
      return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: ERROR_CODES.NOT_FOUND.message, requestId: String(req.id) } });
  });

  app.addHook('onClose', async () => {
    ctx.ready = false;
  });
  return app;
}
