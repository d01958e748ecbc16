import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { createTestApp, type TestApp } from '../../test/helpers/app';
import { enforceRouteDeclarations } from './auth';

describe('app plumbing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(async () => t?.close());

  it('serves an OpenAPI 3.1 document that lists the API with its schemas', async () => {
    const res = await t.anon.get('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/areas');
    expect(doc.paths['/api/v1/areas'].get.parameters.map((p: { name: string }) => p.name)).toContain('operation');
    const ui = await t.anon.get('/api/docs');
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('answers unknown API paths with the error envelope and echoes the request id', async () => {
    const a = await t.as('viewer');
    const res = await a.request({ method: 'GET', url: '/api/v1/nothing-here', headers: { 'x-request-id': 'req-12345678' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', requestId: 'req-12345678' });
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 without credentials and 403 for a permission the user lacks', async () => {
    expect((await t.anon.get('/api/v1/areas?operation=AFG')).json().error.code).toBe('UNAUTHENTICATED');
    expect((await t.anon.get('/api/v1/areas?operation=AFG')).statusCode).toBe(401);
  });

  it('answers 404 for an operation the user holds no grant in', async () => {
    const registrar = await t.as('registrar'); // AFG only
    expect((await registrar.get('/api/v1/areas?operation=PAK')).statusCode).toBe(404);
    expect((await registrar.get('/api/v1/areas?operation=AFG&level=1')).json().total).toBe(34);
  });

  it('health and readiness', async () => {
    expect((await t.anon.get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.anon.get('/readyz')).json()).toMatchObject({ status: 'ready', database: 'pglite' });
  });
});

describe('route declarations', () => {
  it('refuses to register an /api route that declares no permission', async () => {
    const app = Fastify();
    app.decorate('hamrah', { routes: [] } as never);
    enforceRouteDeclarations(app);
    expect(() => app.get('/api/v1/secret', async () => 'x')).toThrow(/declares no permission/);
    expect(() => app.get('/api/v1/typo', { config: { permission: 'places.raed' as never } }, async () => 'x')).toThrow(/unknown permission/);
    expect(() => app.get('/api/v1/fine', { config: { permission: 'places.read' } }, async () => 'x')).not.toThrow();
    await app.close();
  });
});
