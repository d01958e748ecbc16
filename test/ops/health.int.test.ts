import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Backend } from '../helpers/db';
import { createTestApp, type TestApp } from '../helpers/app';

describe.each(BACKENDS)('health endpoints on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { demo: false });
  });
  afterAll(async () => {
    await t?.close().catch(() => {});
  });

  it('/healthz answers 200 without touching the database', async () => {
    const res = await t.anon.get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('/readyz answers 200 with the backend while serving, and 503 once shutdown begins', async () => {
    const ok = await t.anon.get('/readyz');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ready', database: backend });

    t.app.hamrah.ready = false; // what `hamrah serve` does first on SIGTERM/SIGINT
    const stopping = await t.anon.get('/readyz');
    expect(stopping.statusCode).toBe(503);
    expect(stopping.json()).toEqual({ status: 'stopping' });
    // Liveness is not readiness: the process is still alive while it drains.
    expect((await t.anon.get('/healthz')).statusCode).toBe(200);
    // New API work is refused with the catalogue's NOT_READY.
    const api = await t.anon.get('/api/v1/me');
    expect(api.statusCode).toBe(503);
    expect(api.json().error.code).toBe('NOT_READY');
    t.app.hamrah.ready = true;
  });

  it('app.close() marks the app not ready', async () => {
    await t.app.close();
    expect(t.app.hamrah.ready).toBe(false);
  });
});
