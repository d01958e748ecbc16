/**
 * Writing while validating (PostgreSQL: the file is checked and written part by part, in the one
 * transaction of the import, while later rows are still being validated; PGlite: after validation,
 * in chunks). Either way an import keeps its promises: mode `all` writes nothing when any row is
 * invalid (however late in the file), mode `valid` writes the valid rows, rows already stored are
 * skipped, a failing part leaves nothing written, progress goes validating → checking → writing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { msg } from '../shared/messages';
import { BACKENDS, emptyDatabase, type TestDatabase } from '../../test/helpers/db';
import { rows, type Tx } from '../db/client';
import type { AuthContext } from '../server/context';
import { pgArray } from './ids';
import { runImport, type ImportPhase } from './pipeline';
import type { Existing, ImportAdapter } from './types';

interface Thing {
  id: string;
  v: number;
}

/** A toy kind writing to a real table, in parts of 4 rows checked 3 at a time. */
function thingAdapter(opts: { failAt?: string } = {}): ImportAdapter<Thing> {
  return {
    kind: 'test.things',
    label: 'Things',
    permission: 'people.write',
    fields: [
      { key: 'id', label: 'Id', required: true },
      { key: 'v', label: 'Value', required: true },
    ],
    chunkSize: 3,
    writeChunkSize: 4,
    writeOrder: (t) => t.id,
    async begin() {
      return {
        validate(row, issue) {
          const v = Number(row.v);
          if (!Number.isInteger(v)) {
            issue('v', msg('cell.notWholeNumber', { value: String(row.v ?? '') }));
            return null;
          }
          return { id: String(row.id), v };
        },
        key: (t) => t.id,
        async existing(tx, list) {
          const found = await rows<{ id: string; v: number }>(tx, sql`select id, v from test_things where id = any(${pgArray(list.map((t) => t.id))}::text[])`);
          const out = new Map<string, Existing>();
          for (const f of found) {
            const mine = list.find((t) => t.id === f.id)!;
            out.set(f.id, Number(f.v) === mine.v ? { same: true } : { same: false, field: 'v', ...msg('flows.surveyStored', { id: f.id }) });
          }
          return out;
        },
        async insert(tx, list) {
          if (opts.failAt && list.some((t) => t.id === opts.failAt)) throw new Error(`cannot write ${opts.failAt}`);
          await tx.execute(sql`insert into test_things (id, v) select * from unnest(${pgArray(list.map((t) => t.id))}::text[], ${pgArray(list.map((t) => t.v))}::int[])`);
          return list.length;
        },
        async remove(tx, list) {
          await tx.execute(sql`delete from test_things where id = any(${pgArray(list.map((t) => t.id))}::text[])`);
        },
      };
    },
  };
}

const auth = { user: { id: 'u' }, grants: [], via: 'token' } as unknown as AuthContext;
const file = (lines: string[]) => new TextEncoder().encode(['id,v', ...lines].join('\n') + '\n');
const things = (n: number, bad: number[] = []) => Array.from({ length: n }, (_, i) => `t${String(i).padStart(i < 100 ? 2 : 4, '0')},${bad.includes(i) ? 'x' : i}`);

describe.each(BACKENDS)('imports written while validating (%s)', (backend) => {
  let t: TestDatabase;
  const stored = async () => (await rows<{ id: string }>(t.database.db as unknown as Tx, sql`select id from test_things order by id`)).map((r) => r.id);
  const run = (lines: string[], mode: 'all' | 'valid', adapter = thingAdapter(), onProgress?: (phase: ImportPhase, done: number, total: number) => void) =>
    runImport({ database: t.database, adapter: adapter as ImportAdapter<unknown>, auth, userId: null, operationId: 'AFG', bytes: file(lines), format: 'csv', mapping: { id: 'id', v: 'v' }, mode, commit: true, onProgress });

  beforeAll(async () => {
    t = await emptyDatabase(backend);
    await t.database.exec('create table test_things (id text primary key, v int not null)');
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('mode all: one invalid row late in the file, nothing written though earlier parts went in', async () => {
    // Long enough for parts to be checked and written (PostgreSQL) before the bad row is read.
    const res = await run(things(1500, [1490]), 'all');
    expect(res.outcome).toBe('rejected');
    expect(res.summary).toMatchObject({ rows: 1500, invalid: 1, inserted: 0 });
    expect(res.issues.map((i) => `${i.row}:${i.field}`)).toEqual(['1492:v']);
    expect(await stored()).toEqual([]);
  });

  it('mode valid: the valid rows written in parts, progress in order; a re-import adds nothing', async () => {
    const events: [ImportPhase, number, number][] = [];
    const res = await run(things(20, [5, 18]), 'valid', thingAdapter(), (phase, done, total) => {
      events.push([phase, done, total]);
    });
    expect(res.outcome).toBe('committed');
    expect(res.summary).toMatchObject({ rows: 20, valid: 18, invalid: 2, existing: 0, inserted: 18 });
    expect(res.issues.map((i) => `${i.row}:${i.field}`)).toEqual(['7:v', '20:v']);
    expect(await stored()).toEqual(things(20).map((l) => l.split(',')[0]).filter((id) => id !== 't05' && id !== 't18'));
    const phases = events.map((e) => e[0]);
    expect([...new Set(phases)]).toEqual(['validating', 'checking', 'writing']);
    // Phases never go back, and the last event is every valid row written.
    expect(phases).toEqual([...phases].sort((a, b) => ['validating', 'checking', 'writing'].indexOf(a) - ['validating', 'checking', 'writing'].indexOf(b)));
    expect(events.at(-1)).toEqual(['writing', 18, 18]);

    const again = await run(things(20, [5, 18]), 'valid');
    expect(again.summary).toMatchObject({ valid: 0, existing: 18, inserted: 0 });
    expect((await stored()).length).toBe(18);
  });

  it('a stored row with other content is an error on its row; mode all then writes nothing', async () => {
    const lines = [...things(20).slice(0, 12), 't12,999', ...things(30).slice(20)];
    const res = await run(lines, 'all');
    expect(res.outcome).toBe('rejected');
    expect(res.summary).toMatchObject({ existing: 11, valid: 11, invalid: 1, inserted: 0 });
    expect(res.issues.map((i) => `${i.row}:${i.field}:${i.message}`)).toEqual(['14:v:A survey with the id t12 is already stored with other answers.']);
    expect((await stored()).length).toBe(18);
  });

  it('a part that fails to write leaves nothing of the import written', async () => {
    const lines = things(40).slice(20);
    await expect(run(lines, 'valid', thingAdapter({ failAt: 't33' }))).rejects.toThrow('cannot write t33');
    expect((await stored()).length).toBe(18);
    const res = await run(lines, 'valid');
    expect(res.summary).toMatchObject({ valid: 20, inserted: 20 });
    expect((await stored()).length).toBe(38);
  });
});
