import type { FastifyServerOptions } from 'fastify';

/**
 * Pino JSON logs. Requests are logged by method, path (never the query string, which can hold
 * search terms), status and request id; headers and bodies are not logged at all, and known
 * personal or secret fields are redacted wherever they appear.
 */
export const REDACT_PATHS = [
  'password', '*.password', 'username', '*.username', 'displayName', '*.displayName',
  'name', '*.name', 'phone', '*.phone', 'headers.cookie', 'headers.authorization', '*.headers.cookie', '*.headers.authorization',
];

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
