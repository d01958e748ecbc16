import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { BACKENDS, createTestDatabase, type Backend, type TestDatabase } from '../helpers/db';

/**
 * Every foreign key needs an index whose leading columns are the key's columns (in any order):
 * without one, deleting or updating a parent row scans the whole child table, and joins crawl.
 */
const OFFENDERS = `
  select c.conrelid::regclass::text as "table", c.conname as "constraint",
         (select string_agg(a.attname, ', ' order by k.ord) from unnest(c.conkey) with ordinality k(attnum, ord)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns
    from pg_constraint c
    join pg_namespace n on n.oid = c.connamespace
   where c.contype = 'f' and n.nspname = 'public'
     and not exists (
       select 1 from pg_index i
        where i.indrelid = c.conrelid
          and i.indpred is null
          and (select array_agg(x order by x) from unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)]) x)
            = (select array_agg(x order by x) from unnest(c.conkey) x))
   order by 1, 2`;

describe.each(BACKENDS)('foreign keys on %s', (backend: Backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(backend, { demo: false });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('there are foreign keys to check', async () => {
    const res = (await t.database.db.execute(
      sql.raw(`select count(*)::int as n from pg_constraint c join pg_namespace n on n.oid = c.connamespace where c.contype = 'f' and n.nspname = 'public'`),
    )) as unknown as { rows: { n: number }[] };
    expect(Number(res.rows[0].n)).toBeGreaterThan(5);
  });

  it('every foreign key has an index that leads with its columns', async () => {
    const res = (await t.database.db.execute(sql.raw(OFFENDERS))) as unknown as { rows: { table: string; constraint: string; columns: string }[] };
    const offenders = res.rows.map((r) => `${r.table}(${r.columns}) [${r.constraint}]`);
    expect(offenders, `foreign keys without a supporting index:\n  ${offenders.join('\n  ')}`).toEqual([]);
  });

  it('the check itself catches a missing index', async () => {
    await t.database.exec(`create table fk_probe_parent (id int primary key);
      create table fk_probe_child (id int primary key, parent_id int references fk_probe_parent(id))`);
    try {
      const res = (await t.database.db.execute(sql.raw(OFFENDERS))) as unknown as { rows: { table: string }[] };
      expect(res.rows.map((r) => r.table)).toContain('fk_probe_child');
      await t.database.exec(`create index fk_probe_child_parent_idx on fk_probe_child (parent_id)`);
      const again = (await t.database.db.execute(sql.raw(OFFENDERS))) as unknown as { rows: { table: string }[] };
      expect(again.rows.map((r) => r.table)).not.toContain('fk_probe_child');
    } finally {
      await t.database.exec(`drop table if exists fk_probe_child; drop table if exists fk_probe_parent`);
    }
  });
});
