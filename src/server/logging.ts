import type { FastifyServerOptions } from 'fastify';

/**
 * Pino JSON logs. Requests are logged by method, route pattern (never the concrete path or query
 * string, which can hold names), status and request id; headers and bodies are not logged at all,
 * and known personal or secret fields are redacted wherever they appear.
 */
export const REDACT_PATHS = [
  'password', '*.password', 'username', '*.username', 'displayName', '*.displayName',
  'name', '*.name', 'phone', '*.phone', 'headers.cookie', 'headers.authorization', '*.headers.cookie', '*.headers.authorization',
];

/**
 * Database errors carry the values of the failed statement (Drizzle appends `params: …`,
 * PostgreSQL puts key values in `detail`). Keep what helps an operator, drop the values.
 */
export function scrubError(message: string): string {
  const cut = message.indexOf('\nparams:');
  return (cut >= 0 ? message.slice(0, cut) : message).replace(/\(([^()]*)\)=\(([^()]*)\)/g, '($1)=(…)');
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: 'non-error thrown' };
  const e = err as Error & { code?: string; constraint?: string; cause?: unknown; statusCode?: number };
  const cause = e.cause instanceof Error ? (e.cause as Error & { code?: string; constraint?: string }) : undefined;
  const message = scrubError(e.message);
  return {
    type: e.name,
    message,
    code: e.code ?? cause?.code,
    constraint: e.constraint ?? cause?.constraint,
    statusCode: e.statusCode,
    cause: cause ? { type: cause.name, message: scrubError(cause.message), code: cause.code } : undefined,
    stack: e.stack ? [message, ...e.stack.split('\n').filter((l) => /^\s+at /.test(l))].join('\n') : undefined,
  };
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // The route pattern (`/api/v1/sites/:id`), never the concrete URL: paths and query strings
      // can carry names typed by users. Unmatched URLs are logged as such.
      req: (req: { method: string; id: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url ?? '(unmatched)',
        id: req.id,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: serializeError as never,
    },
  };
}
