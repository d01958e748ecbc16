import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp } from '../../src/server/app';
import { loggerOptions } from '../../src/server/logging';
import { createTestDatabase, TEST_PASSWORD, type Backend, type TestDatabase } from './db';

export interface Agent {
  username: string;
  csrfToken: string;
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  backend: Backend;
  app: FastifyInstance;
  db: TestDatabase;
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** Logs in one of the demo personas (admin, enumerator, …) and returns a cookie agent. */
  as(username: string, password?: string): Promise<Agent>;
  /** Requests without any credentials. */
  anon: Omit<Agent, 'username' | 'csrfToken'>;
  close(): Promise<void>;
}

function agentFor(app: FastifyInstance, headers: Record<string, string>) {
  const request = (opts: InjectOptions) => app.inject({ ...opts, headers: { ...headers, ...(opts.headers as Record<string, string> | undefined) } });
  const withBody = (method: 'POST' | 'PATCH' | 'PUT') => (url: string, body?: unknown) =>
    request({ method, url, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) });
  return {
    request,
    get: (url: string) => request({ method: 'GET', url }),
    post: withBody('POST'),
    patch: withBody('PATCH'),
    put: withBody('PUT'),
    delete: (url: string) => request({ method: 'DELETE', url }),
  };
}

/** A Fastify app on a fresh database of the given backend, with the demo personas, in demo mode. */
export async function createTestApp(backend: Backend, opts: { demo?: boolean; demoMode?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase(backend, { demo: opts.demo });
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const loggerInstance = pino({ ...(loggerOptions('info') as pino.LoggerOptions) }, sink);
  const app = await buildApp({ database: db.database, demoMode: opts.demoMode ?? true, loggerInstance, webDist: null, config: { demoPassword: TEST_PASSWORD } });
  await app.ready();
  const sessions = new Map<string, Agent>();
  return {
    backend,
    app,
    db,
    logs,
    anon: agentFor(app, {}),
    async as(username: string, password = TEST_PASSWORD) {
      const cached = sessions.get(username);
      if (cached && password === TEST_PASSWORD) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'hamrah_session');
      if (!cookie) throw new Error('no session cookie');
      const csrfToken = res.json().csrfToken as string;
      const agent: Agent = { username, csrfToken, ...agentFor(app, { cookie: `hamrah_session=${cookie.value}`, 'x-csrf-token': csrfToken }) };
      sessions.set(username, agent);
      return agent;
    },
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

/** The sorted field paths of a VALIDATION_FAILED (or other) error body. */
export const fieldsOf = (body: { error: { fields?: { path: string }[] } }): string[] => (body.error.fields ?? []).map((f) => f.path).sort();
