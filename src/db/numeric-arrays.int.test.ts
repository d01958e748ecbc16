/**
 * numericParam and readNumericArray against a real server: what one side writes, the other reads
 * back exactly (binary on PostgreSQL, literals on PGlite), lists joined in order, cut per row by
 * offset as the rollup writer does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { BACKENDS, emptyDatabase, type TestDatabase } from '../../test/helpers/db';
import { rows, type Tx } from './client';
import { numericParam, readNumericArray } from './numeric-arrays';

const floats = [0, -0.5, 1 / 3, 2 / 3, 1e-300, -1.7976931348623157e308, 123456.789, 5e-324, 0.1 + 0.2];
const int4s = [0, 1, -1, 2147483647, -2147483648, 42];
const int8s = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 4294967296, -4294967297, 123456789012];

describe.each(BACKENDS)('numeric arrays (%s)', (backend) => {
  let t: TestDatabase;
  const q = <T>(query: ReturnType<typeof sql>) => rows<T>(t.database.db as unknown as Tx, query);
  beforeAll(async () => {
    t = await emptyDatabase(backend);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('sends int4, int8 and float8 lists that the server reads as the same numbers', async () => {
    const [r] = await q<{ f: string; i4: string; i8: string; n: number }>(
      sql`select array_to_string(${numericParam(backend, 'float8', [floats.slice(0, 4), [], floats.slice(4)])}::float8[], ',') as f,
                 array_to_string(${numericParam(backend, 'int4', [int4s])}::int4[], ',') as i4,
                 array_to_string(${numericParam(backend, 'int8', [int8s.slice(0, 3), int8s.slice(3)])}::int8[], ',') as i8,
                 cardinality(${numericParam(backend, 'float8', [])}::float8[]) as n`,
    );
    // The server's own text of each number (shortest round-trip digits) parses back to it.
    expect(r.f.split(',').map(Number)).toEqual(floats);
    expect(r.i4.split(',').map(Number)).toEqual(int4s);
    expect(r.i8.split(',').map(Number)).toEqual(int8s);
    expect(Number(r.n)).toBe(0);
  });

  it('reads array_send of each type back exactly, and empty arrays as nothing', async () => {
    const [r] = await q<{ f: Uint8Array; i4: Uint8Array; i8: Uint8Array; e: Uint8Array }>(
      sql`select array_send(${`{${floats.join(',')}}`}::float8[]) as f, array_send(${`{${int4s.join(',')}}`}::int4[]) as i4,
                 array_send(${`{${int8s.join(',')}}`}::int8[]) as i8, array_send('{}'::float8[]) as e`,
    );
    const read = (b: Uint8Array, into: number[] = []) => (readNumericArray(b, into), into);
    expect(read(r.f)).toEqual(floats);
    expect(read(r.i4)).toEqual(int4s);
    expect(read(r.i8)).toEqual(int8s);
    expect(read(r.e, [7])).toEqual([7]);
  });

  it('cuts one long parameter into rows by offset and length', async () => {
    const lists = [[1.5, 2.5], [], [3.25], [4, 5, 6]];
    const offsets = [0, 2, 2, 3];
    const got = await q<{ i: number; a: Uint8Array }>(
      sql`with f as materialized (select ${numericParam(backend, 'float8', lists)}::float8[] as e)
          select u.i, array_send(coalesce(f.e[u.o + 1 : u.o + u.l], '{}')) as a
            from unnest(${`{${offsets.join(',')}}`}::int4[], ${`{${lists.map((l) => l.length).join(',')}}`}::int4[]) with ordinality as u(o, l, i)
           cross join f order by u.i`,
    );
    expect(got).toHaveLength(4);
    expect(
      got.map((g) => {
        const out: number[] = [];
        readNumericArray(g.a, out);
        return out;
      }),
    ).toEqual(lists);
  });

  it('refuses what the binary form cannot carry', () => {
    expect(() => numericParam('postgres', 'int4', [[2 ** 31]])).toThrow(RangeError);
    expect(() => numericParam('postgres', 'int4', [[1.5]])).toThrow(RangeError);
    expect(() => numericParam('postgres', 'int8', [[2 ** 60]])).toThrow(RangeError);
  });
});
