/**
 * Request-validation problems (zod issues) as message codes of src/shared/messages.ts, so that
 * a refused form reads in the user's language like any other field problem.
 */
import { englishOf, messageOfSchemaText, msg, type Message } from '../shared/messages';

/** The parts of a zod issue (or of fastify-type-provider-zod's copy of it) the mapping reads. */
export interface ZodIssueLike {
  code: string;
  message: string;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  values?: unknown;
  format?: unknown;
  keys?: unknown;
  divisor?: unknown;
}

const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ') : String(v ?? ''));

/** The value at a zod issue's path in the input (undefined when the path runs out). */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * `missing`: whether the input has no value at the issue's path (zod leaves the input out of its
 * issues, so the caller looks it up with valueAt); a missing value is `value.required` whatever
 * the check that failed.
 */
export function messageOfZodIssue(issue: ZodIssueLike, missing = false): Message {
  // A schema's own text (schemaText) names its code.
  const own = messageOfSchemaText(issue.message);
  if (own) return own;
  if (missing && issue.code !== 'unrecognized_keys') return msg('value.required');
  const sized = issue.origin === 'string' ? 'text' : issue.origin === 'array' || issue.origin === 'set' ? 'list' : 'number';
  switch (issue.code) {
    case 'invalid_type':
      // zod leaves the input out of the issue; a missing value reads "… received undefined".
      if (/received undefined$/.test(issue.message)) return msg('value.required');
      switch (issue.expected) {
        case 'string':
          return msg('value.notText');
        case 'number':
          return msg('value.notNumber');
        case 'int':
        case 'bigint':
          return msg('value.notInteger');
        case 'boolean':
          return msg('value.notBoolean');
        case 'array':
          return msg('value.notList');
        case 'object':
          return msg('value.notObject');
        default:
          return msg('value.wrongType', { expected: String(issue.expected) });
      }
    case 'too_small': {
      const minimum = num(issue.minimum);
      if (sized === 'text') return minimum <= 1 ? msg('value.required') : msg('value.tooShort', { minimum });
      if (sized === 'list') return msg('value.tooFew', { minimum });
      return issue.inclusive === false ? msg('value.tooSmallExclusive', { minimum }) : msg('value.tooSmall', { minimum });
    }
    case 'too_big': {
      const maximum = num(issue.maximum);
      if (sized === 'text') return msg('value.tooLong', { maximum });
      if (sized === 'list') return msg('value.tooMany', { maximum });
      return issue.inclusive === false ? msg('value.tooBigExclusive', { maximum }) : msg('value.tooBig', { maximum });
    }
    case 'invalid_value':
      return msg('value.notOneOf', { values: list(issue.values) });
    case 'invalid_format':
      switch (issue.format) {
        case 'uuid':
        case 'guid':
          return msg('value.notUuid');
        case 'email':
          return msg('value.notEmail');
        case 'date':
          return msg('value.isoDate');
        case 'datetime':
          return msg('value.notDateTime');
        default:
          return msg('value.badFormat');
      }
    case 'not_multiple_of':
      return msg('value.notMultipleOf', { divisor: num(issue.divisor) });
    case 'unrecognized_keys':
      return msg('value.unknownFields', { keys: list(issue.keys) });
    default:
      return msg('value.invalid');
  }
}

/**
 * A field problem of the error envelope from a zod issue. Its English `message` is the catalogue's
 * text, except for an unmapped check (`value.invalid`), which keeps zod's own, more precise, text.
 */
export function fieldOfZodIssue(path: string, issue: ZodIssueLike, missing = false): { path: string; code: Message['code']; params?: Message['params']; message: string } {
  const m = messageOfZodIssue(issue, missing);
  return { path, code: m.code, ...(m.params ? { params: m.params } : {}), message: m.code === 'value.invalid' && issue.message ? issue.message : englishOf(m) };
}
