import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaText } from '../shared/messages';
import { fieldOfZodIssue, valueAt } from './zod-messages';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, schemaText('value.isoDate'));
const schema = z.object({
  name: z.string().trim().min(1).max(5),
  code: z.string().min(3),
  n: z.number().int().min(0).max(10),
  ratio: z.number().gt(0),
  kind: z.enum(['in', 'out']),
  date: isoDate,
  day: z.iso.date(),
  id: z.uuid(),
  tags: z.array(z.string()).min(1),
  iso3: z.string().regex(/^[A-Z]{3}$/, schemaText('value.iso3', { example: 'PAK' })),
}).strict();

function fields(input: unknown) {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected a refusal');
  return r.error.issues.map((i) => fieldOfZodIssue(['body', ...i.path.map(String)].join('.'), i as never, valueAt(input, i.path as (string | number)[]) === undefined));
}

const base = { name: 'Ali', code: 'abc', n: 1, ratio: 1, kind: 'in', date: '2026-01-01', day: '2026-01-01', id: '0190f0a0-0000-7000-8000-000000000000', tags: ['a'], iso3: 'PAK' };

describe('request-validation problems as message codes', () => {
  it('maps the common kinds (required, too short/long, not a number, not one of, date format) with their parameters and English text', () => {
    const { kind: _kind, ...noKind } = base;
    expect(fields({ ...noKind, name: '  ', code: 'ab', n: 'x', ratio: 0, date: '1/2/2026', day: '2026-02-30', id: 'nope', tags: [], iso3: 'pk' })).toEqual([
      { path: 'body.name', code: 'value.required', message: 'Required.' },
      { path: 'body.code', code: 'value.tooShort', params: { minimum: 3 }, message: 'At least 3 characters.' },
      { path: 'body.n', code: 'value.notNumber', message: 'Expected a number.' },
      { path: 'body.ratio', code: 'value.tooSmallExclusive', params: { minimum: 0 }, message: 'More than 0.' },
      { path: 'body.kind', code: 'value.required', message: 'Required.' },
      { path: 'body.date', code: 'value.isoDate', message: 'A date as YYYY-MM-DD' },
      { path: 'body.day', code: 'value.isoDate', message: 'A date as YYYY-MM-DD' },
      { path: 'body.id', code: 'value.notUuid', message: 'Expected a UUID.' },
      { path: 'body.tags', code: 'value.tooFew', params: { minimum: 1 }, message: 'At least 1 entries.' },
      { path: 'body.iso3', code: 'value.iso3', params: { example: 'PAK' }, message: 'An ISO 3166 alpha-3 code, e.g. PAK' },
    ]);
  });

  it('names the allowed values, the limits and unknown fields', () => {
    expect(fields({ ...base, name: 'Mohammad', n: 11, kind: 'sideways', extra: 1 })).toEqual([
      { path: 'body.name', code: 'value.tooLong', params: { maximum: 5 }, message: 'At most 5 characters.' },
      { path: 'body.n', code: 'value.tooBig', params: { maximum: 10 }, message: 'At most 10.' },
      { path: 'body.kind', code: 'value.notOneOf', params: { values: 'in, out' }, message: 'One of in, out.' },
      { path: 'body', code: 'value.unknownFields', params: { keys: 'extra' }, message: 'Unknown field(s): extra.' },
    ]);
  });

  it("keeps zod's own text for a check it has no code for", () => {
    const r = z.object({ a: z.string().refine((s) => s === 'x', 'Must be x') }).safeParse({ a: 'y' });
    expect(r.success).toBe(false);
    expect(fieldOfZodIssue('body.a', r.error!.issues[0] as never)).toEqual({ path: 'body.a', code: 'value.invalid', message: 'Must be x' });
  });
});
