import { englishOf, msg, type Message, type MessageCode, type MessageParams, type ParamArgs } from '../shared/messages';

/**
 * The one catalogue of error codes Hamrah answers with. Every error body is
 * `{ "error": { "code", "message", "messageCode"?, "messageParams"?, "requestId", "fields"?: [{ "path", "code", "params"?, "message", "row"? }] } }`.
 * docs/errors.md documents each code; a test keeps the two in step. A field's `code` is a message
 * code of src/shared/messages.ts (its English text renders `message`); so is `messageCode`, the
 * code of the top-level `message` when the error was raised with one (`conflict(msg(…))`).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid; see fields.' },
  BAD_REQUEST: { status: 400, message: 'The request cannot be understood.' },
  UNAUTHENTICATED: { status: 401, message: 'Log in or send a valid API token.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Username or password is wrong.' },
  CSRF_FAILED: { status: 403, message: 'Missing or wrong X-CSRF-Token header for a cookie-authenticated change.' },
  FORBIDDEN: { status: 403, message: 'You do not hold the permission this action needs.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  CONFLICT: { status: 409, message: 'The change conflicts with existing data.' },
  MERGE_BLOCKED: { status: 409, message: 'These two records cannot be merged this way.' },
  UNDO_NOT_POSSIBLE: { status: 409, message: 'The merge cannot be undone: a record changed after it.' },
  HOUSEHOLD_MERGED: { status: 409, message: 'This household was merged into another; edit the surviving household.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; wait and try again.' },
  DEMO_MODE_ONLY: { status: 403, message: 'Demo accounts can log in only while Hamrah runs in demo mode.' },
  NOT_READY: { status: 503, message: 'The server is starting or stopping.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side; the request id helps us find it.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
  path: string;
  /** Message code (src/shared/messages.ts): clients translate `code` with `params`. */
  code: MessageCode;
  params?: MessageParams;
  /** The English sentence of code and params. */
  message: string;
  row?: number;
}

/** The problem of one field: `issueAt('body.date', 'date.future', { date })`. */
export function issueAt<C extends MessageCode>(path: string, code: C, ...args: ParamArgs<C>): FieldIssue {
  return fieldIssue(path, msg(code, ...args));
}

/** A field problem from a message (e.g. one a shared check returned). */
export function fieldIssue(path: string, m: Message): FieldIssue {
  return { path, code: m.code, ...(m.params ? { params: m.params } : {}), message: englishOf(m) };
}

export class AppError extends Error {
  readonly status: number;
  /** The message code of `message` (src/shared/messages.ts), when it has one: answered as `messageCode` and `messageParams`. */
  readonly coded?: Message;
  constructor(
    readonly code: ErrorCode,
    message?: string | Message,
    readonly fields?: FieldIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(typeof message === 'object' ? englishOf(message) : (message ?? ERROR_CODES[code].message));
    if (typeof message === 'object') this.coded = message;
    this.status = ERROR_CODES[code].status;
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Not found.') => new AppError('NOT_FOUND', what);
export const forbidden = (permission: string) =>
  new AppError('FORBIDDEN', `You do not hold the permission "${permission}" for this.`);
/** 409; `message` is a sentence, or better a message (`msg('conflict.roundEmpty')`) that clients translate. */
export const conflict = (message: string | Message, fields?: FieldIssue[]) => new AppError('CONFLICT', message, fields);
export const invalid = (fields: FieldIssue[], message?: string) => new AppError('VALIDATION_FAILED', message, fields);

/** The SQLSTATE of a database error, or of the error it wraps (drizzle wraps the driver's); undefined for others. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Whether a database error (or one it wraps) is a unique-constraint violation (SQLSTATE 23505). */
export const isUniqueViolation = (err: unknown): boolean => sqlStateOf(err) === '23505';
