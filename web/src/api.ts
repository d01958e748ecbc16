/**
 * The one way the web app talks to the Hamrah API: same-origin fetch with the session cookie,
 * JSON in and out, the CSRF token on every change, and the error envelope turned into ApiError.
 */

import { issueText } from './i18n/issues';

export interface FieldIssue {
  path: string;
  /** Message code (src/shared/messages.ts) and parameters; `message` is the English sentence. */
  code?: string;
  params?: Record<string, string | number>;
  message: string;
  row?: number;
}

export interface ErrorEnvelope {
  /** `messageCode`/`messageParams`: the code of `message` (src/shared/messages.ts), when the server raised it with one. */
  error: { code: string; message: string; messageCode?: string; messageParams?: Record<string, string | number>; requestId?: string; fields?: FieldIssue[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly fields: FieldIssue[] = [],
    readonly retryAfter?: number,
    /** The message code of `message` and its parameters, when the server sent them. */
    readonly coded?: { code: string; params?: Record<string, string | number> },
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The error's own sentence in the user's language (the English `message` when it has no code this build knows). */
  text(): string {
    return this.coded ? issueText({ code: this.coded.code, params: this.coded.params, message: this.message }) : this.message;
  }

  /** Field messages in the user's language, keyed by the path without body/querystring ("body.email" → "email"). */
  fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) {
      const key = f.path.split('.').filter((s) => s !== 'body' && s !== 'querystring').join('.') || f.path;
      out[key] ??= issueText(f);
    }
    return out;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** The message code of an error envelope, if it has one. */
export const codedOf = (env: ErrorEnvelope['error'] | undefined): ApiError['coded'] =>
  env?.messageCode ? { code: env.messageCode, ...(env.messageParams ? { params: env.messageParams } : {}) } : undefined;
export const isNotFound = (e: unknown): boolean => isApiError(e) && e.status === 404;

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1${path}`, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check the connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const env = (data as ErrorEnvelope | undefined)?.error;
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      env?.code ?? (res.status === 404 ? 'NOT_FOUND' : 'HTTP_' + res.status),
      env?.message ?? res.statusText,
      env?.requestId ?? res.headers.get('x-request-id') ?? undefined,
      env?.fields ?? [],
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
      codedOf(env),
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/** The shape of every paginated list. */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}
