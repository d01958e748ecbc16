import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions, scrubError } from './logging';

describe('log scrubbing', () => {
  it('drops statement parameters and key values from database errors', () => {
    const msg = 'Failed query: insert into "users" ("username") values ($1)\nparams: Zarghuna';
    expect(scrubError(msg)).toBe('Failed query: insert into "users" ("username") values ($1)');
    expect(scrubError('Key (username)=(zarghuna) already exists.')).toBe('Key (username)=(…) already exists.');
  });

  it('never writes a query string, header or redacted field', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } });
    const log = pino(loggerOptions('info') as pino.LoggerOptions, sink);
    const cause = Object.assign(new Error('Key (username)=(zarghuna) already exists.'), { code: '23505' });
    log.info({ req: { method: 'GET', url: '/api/v1/areas?q=zarghuna', id: 'r1', routeOptions: { url: '/api/v1/areas' }, headers: { cookie: 'zarghuna' } } }, 'incoming');
    log.info({ req: { method: 'GET', url: '/api/v1/people/zarghuna', id: 'r2' } }, 'incoming');
    log.info({ user: { username: 'zarghuna', displayName: 'Zarghuna' } }, 'x');
    log.error({ err: new Error('Failed query: select 1\nparams: zarghuna', { cause }) }, 'boom');
    const text = lines.join('');
    expect(lines).toHaveLength(4);
    expect(text).toContain('(unmatched)');
    expect(text.toLowerCase()).not.toContain('zarghuna');
    expect(text).toContain('/api/v1/areas');
    expect(text).toContain('23505');
  });
});
