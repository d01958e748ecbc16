/**
 * Survey rollup upkeep for bulk inserts, done here instead of in the database trigger.
 *
 * Every write to flow_surveys keeps flow_dash_answers current through the statement triggers of
 * migrations 0015/0021 (flow_dash_surveys_apply), whoever writes. A survey import adds tens of
 * thousands of surveys at once; the trigger's set-based SQL spends most of its time moving the
 * ~200 answers of each touched site-week through several grouping steps (every answer's
 * estimate changes, since a site-week's weight depends on its surveyed people). Here the same
 * arithmetic runs over plain arrays: the import's insert statement tells the trigger to stand
 * aside (`hamrah.dash_surveys_by_caller`, local to the transaction and switched off again right
 * after), then `addSurveysToRollups` takes the same lock, reads the touched rows, merges, and
 * writes each row back once. Inserts only: removals (an import's rollback) go through the trigger.
 *
 * It must leave exactly what the trigger would (level-0 rows equal a rebuild; blocks up to
 * floating-point rounding): dashboard-rollups.int.test.ts checks it against flow_dash_rebuild().
 */
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client';
import { pgArray } from '../../imports/ids';
import { blockOf, mondayOf } from './dates';

/** The answers of one survey the rollup counts. */
export interface SurveyAnswers {
  operationId: string;
  siteId: string;
  date: string;
  direction: string;
  groupSize: number;
  documents: readonly string[];
  reasons: readonly string[];
  intendedStay: string;
  destinationAdm1: string | null;
  destinationAdm2: string | null;
  originCountry: string;
}

/** The advisory lock every rollup writer holds (migration 0015). */
const ROLLUP_LOCK = 740119001;
const SEP = '\u001f';

/** Runs `insert` with the survey trigger standing aside, then adds `surveys` (what it inserted) to the rollups. */
export async function insertWithRollups<T>(tx: Tx, insert: () => Promise<{ result: T; inserted: readonly SurveyAnswers[] }>): Promise<T> {
  await tx.execute(sql`select set_config('hamrah.dash_surveys_by_caller', 'on', true)`);
  let out: { result: T; inserted: readonly SurveyAnswers[] };
  try {
    out = await insert();
  } finally {
    await tx.execute(sql`select set_config('hamrah.dash_surveys_by_caller', 'off', true)`);
  }
  await addSurveysToRollups(tx, out.inserted);
  return out.result;
}

interface El {
  n: number;
  p: number;
  e: number;
  sp: number;
  pp: number;
  ep: number;
}
const zero = (): El => ({ n: 0, p: 0, e: 0, sp: 0, pp: 0, ep: 0 });

/** One rollup row: its key and its answers. */
interface RowKey {
  op: string;
  lvl: number;
  site: string;
  dir: string;
  bucket: string;
  dim: string;
}
interface Row extends RowKey {
  els: Map<string, El>;
}
const rowId = (r: RowKey) => `${r.op}|${r.lvl}|${r.site}|${r.dir}|${r.bucket}|${r.dim}`;

const DIMS = (s: SurveyAnswers): [string, readonly string[]][] => [
  ['all', ['']],
  ['doc', s.documents],
  ['reason', s.reasons],
  ['stay', [s.intendedStay]],
  ['adm1', [s.destinationAdm1 ?? '']],
  ['adm2', [s.destinationAdm2 ?? '']],
  ['origin', [s.originCountry]],
];

/** Reads rollup rows by key, answers unpacked. */
async function readRows(tx: Tx, keys: RowKey[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  if (!keys.length) return out;
  const col = <K extends keyof RowKey>(k: K) => pgArray(keys.map((r) => r[k]));
  const found = await rows<{ op: string; lvl: number; site: string; dir: string; bucket: string; dim: string; k: string; n: string; p: string; e: string; sp: string; pp: string; ep: string }>(
    tx,
    sql`select a.operation_id as op, a.lvl, a.site_key as site, a.direction as dir, a.bucket::text as bucket, a.dim,
               array_to_string(a.keys, ${SEP}) as k, array_to_string(a.surveys, ',') as n, array_to_string(a.people, ',') as p, array_to_string(a.est, ',') as e,
               array_to_string(a.surveys_pub, ',') as sp, array_to_string(a.people_pub, ',') as pp, array_to_string(a.est_pub, ',') as ep
          from unnest(${col('op')}::text[], ${col('lvl')}::int2[], ${col('site')}::text[], ${col('dir')}::text[], ${col('bucket')}::date[], ${col('dim')}::text[])
               as k(op, lvl, site, dir, bucket, dim)
          join flow_dash_answers a on a.operation_id = k.op and a.lvl = k.lvl and a.site_key = k.site and a.direction = k.dir and a.bucket = k.bucket and a.dim = k.dim`,
  );
  for (const f of found) {
    const keysOf = f.k.split(SEP);
    const num = (s: string) => s.split(',').map(Number);
    const [n, p, e, sp, pp, ep] = [num(f.n), num(f.p), num(f.e), num(f.sp), num(f.pp), num(f.ep)];
    const els = new Map<string, El>();
    keysOf.forEach((k, i) => els.set(k, { n: n[i], p: p[i], e: e[i], sp: sp[i], pp: pp[i], ep: ep[i] }));
    const r: Row = { op: f.op, lvl: Number(f.lvl), site: f.site, dir: f.dir, bucket: f.bucket, dim: f.dim, els };
    out.set(rowId(r), r);
  }
  return out;
}

/** Writes whole rollup rows (insert or replace). Rows left without answers are not expected here (inserts only). */
async function writeRows(tx: Tx, list: Row[]) {
  const STEP = 5000;
  for (let i = 0; i < list.length; i += STEP) {
    const part = list.slice(i, i + STEP);
    const col = <K extends keyof RowKey>(k: K) => pgArray(part.map((r) => r[k]));
    const sorted = part.map((r) => [...r.els.keys()].sort());
    const lit = (f: (e: El) => number) => pgArray(part.map((r, j) => `{${sorted[j].map((k) => String(f(r.els.get(k)!))).join(',')}}`));
    const keys = pgArray(sorted.map((ks) => pgArray(ks)));
    await tx.execute(sql`
      insert into flow_dash_answers as t (operation_id, lvl, site_key, direction, bucket, dim, keys, surveys, people, est, surveys_pub, people_pub, est_pub)
      select u.op, u.lvl, u.site, u.dir, u.bucket, u.dim, u.keys::text[], u.n::int4[], u.p::int8[], u.e::float8[], u.sp::int4[], u.pp::int8[], u.ep::float8[]
        from unnest(${col('op')}::text[], ${col('lvl')}::int2[], ${col('site')}::text[], ${col('dir')}::text[], ${col('bucket')}::date[], ${col('dim')}::text[],
                    ${keys}::text[], ${lit((e) => e.n)}::text[], ${lit((e) => e.p)}::text[], ${lit((e) => e.e)}::text[],
                    ${lit((e) => e.sp)}::text[], ${lit((e) => e.pp)}::text[], ${lit((e) => e.ep)}::text[])
             as u(op, lvl, site, dir, bucket, dim, keys, n, p, e, sp, pp, ep)
      on conflict (operation_id, lvl, site_key, direction, bucket, dim) do update
        set keys = excluded.keys, surveys = excluded.surveys, people = excluded.people, est = excluded.est,
            surveys_pub = excluded.surveys_pub, people_pub = excluded.people_pub, est_pub = excluded.est_pub`);
  }
}

/**
 * Adds inserted surveys to flow_dash_answers as flow_dash_surveys_apply does: level-0 rows of the
 * touched site-weeks recomputed (every estimate, from the week's counted flow and surveyed
 * people), their differences added to the 4- and 52-week blocks per site and for all sites.
 */
export async function addSurveysToRollups(tx: Tx, surveys: readonly SurveyAnswers[]): Promise<void> {
  if (!surveys.length) return;
  // Differences per site-week and answer.
  const weeks = new Map<string, { op: string; site: string; week: string; dir: string; d: Map<string, { n: number; p: number }> }>();
  for (const s of surveys) {
    const week = mondayOf(s.date);
    const id = `${s.operationId}|${s.siteId}|${week}|${s.direction}`;
    let w = weeks.get(id);
    if (!w) weeks.set(id, (w = { op: s.operationId, site: s.siteId, week, dir: s.direction, d: new Map() }));
    for (const [dim, keys] of DIMS(s))
      for (const k of keys) {
        const dk = `${dim}${SEP}${k}`;
        const x = w.d.get(dk);
        if (x) {
          x.n += 1;
          x.p += s.groupSize;
        } else w.d.set(dk, { n: 1, p: s.groupSize });
      }
  }
  const list = [...weeks.values()];
  await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`);

  // Counted flow of those site-weeks (all current versions, and published ones).
  const counted = new Map<string, { all: number; pub: number }>();
  const wk = <K extends 'op' | 'site' | 'week' | 'dir'>(k: K) => pgArray(list.map((w) => w[k]));
  for (const c of await rows<{ op: string; site: string; week: string; dir: string; c_all: string; c_pub: string }>(
    tx,
    sql`select k.op, k.site::text as site, k.week::text as week, k.dir,
               coalesce(sum(c.total) filter (where not c.pub), 0)::text as c_all, coalesce(sum(c.total) filter (where c.pub), 0)::text as c_pub
          from unnest(${wk('op')}::text[], ${wk('site')}::uuid[], ${wk('week')}::date[], ${wk('dir')}::text[]) as k(op, site, week, dir)
          join flow_dash_counts c on c.operation_id = k.op and c.grain = 'w' and c.bucket = k.week and c.site_id = k.site and c.direction = k.dir
         group by k.op, k.site, k.week, k.dir`,
  ))
    counted.set(`${c.op}|${c.site}|${c.week}|${c.dir}`, { all: Number(c.c_all), pub: Number(c.c_pub) });

  // Level 0: the touched site-weeks' rows of every dimension, merged and recomputed.
  const level0Keys: RowKey[] = [];
  for (const w of list) for (const dim of ['all', 'doc', 'reason', 'stay', 'adm1', 'adm2', 'origin']) level0Keys.push({ op: w.op, lvl: 0, site: w.site, dir: w.dir, bucket: w.week, dim });
  const old0 = await readRows(tx, level0Keys);
  const out: Row[] = [];
  const blockDiff = new Map<string, Row>();
  const addDiff = (key: RowKey, k: string, d: El) => {
    const id = rowId(key);
    let r = blockDiff.get(id);
    if (!r) blockDiff.set(id, (r = { ...key, els: new Map() }));
    const x = r.els.get(k);
    if (!x) r.els.set(k, { ...d });
    else {
      x.n += d.n;
      x.p += d.p;
      x.e += d.e;
      x.sp += d.sp;
      x.pp += d.pp;
      x.ep += d.ep;
    }
  };
  for (const w of list) {
    const c = counted.get(`${w.op}|${w.site}|${w.week}|${w.dir}`) ?? { all: 0, pub: 0 };
    const rowsOfWeek = new Map<string, Row>();
    const rowOf = (dim: string) => {
      let r = rowsOfWeek.get(dim);
      if (!r) {
        const key: RowKey = { op: w.op, lvl: 0, site: w.site, dir: w.dir, bucket: w.week, dim };
        const was = old0.get(rowId(key));
        r = { ...key, els: new Map() };
        if (was) for (const [k, e] of was.els) r.els.set(k, { ...e });
        rowsOfWeek.set(dim, r);
      }
      return r;
    };
    for (const dim of ['all', 'doc', 'reason', 'stay', 'adm1', 'adm2', 'origin']) rowOf(dim);
    for (const [dk, d] of w.d) {
      const i = dk.indexOf(SEP);
      const r = rowOf(dk.slice(0, i));
      const k = dk.slice(i + 1);
      const x = r.els.get(k);
      if (x) {
        x.n += d.n;
        x.p += d.p;
      } else r.els.set(k, { n: d.n, p: d.p, e: 0, sp: 0, pp: 0, ep: 0 });
    }
    const people = rowOf('all').els.get('')?.p ?? 0;
    const b28 = blockOf(w.week, 28);
    const b364 = blockOf(w.week, 364);
    const blocks: RowKey[] = [];
    for (const r of rowsOfWeek.values()) {
      if (!r.els.size) continue;
      const was = old0.get(rowId(r));
      for (const [k, x] of r.els) {
        // The expressions of flow_dash_surveys_apply / flow_dash_rebuild, in the same order.
        x.e = (x.p * c.all) / people;
        x.sp = c.pub > 0 ? x.n : 0;
        x.pp = c.pub > 0 ? x.p : 0;
        x.ep = (x.p * c.pub) / people;
        const o = was?.els.get(k) ?? zero();
        const d: El = { n: x.n - o.n, p: x.p - o.p, e: x.e - o.e, sp: x.sp - o.sp, pp: x.pp - o.pp, ep: x.ep - o.ep };
        if (!d.n && !d.p && !d.e && !d.sp && !d.pp && !d.ep) continue;
        blocks.length = 0;
        blocks.push(
          { op: w.op, lvl: 1, site: w.site, dir: w.dir, bucket: b28, dim: r.dim },
          { op: w.op, lvl: 1, site: '*', dir: w.dir, bucket: b28, dim: r.dim },
          { op: w.op, lvl: 2, site: w.site, dir: w.dir, bucket: b364, dim: r.dim },
          { op: w.op, lvl: 2, site: '*', dir: w.dir, bucket: b364, dim: r.dim },
        );
        for (const b of blocks) addDiff(b, k, d);
      }
      out.push(r);
    }
  }

  // Blocks: as they are, plus the summed differences.
  const diffs = [...blockDiff.values()];
  const oldB = await readRows(tx, diffs);
  for (const d of diffs) {
    const r = oldB.get(rowId(d)) ?? { ...d, els: new Map<string, El>() };
    for (const [k, x] of d.els) {
      const o = r.els.get(k);
      if (!o) r.els.set(k, { ...x });
      else {
        o.n += x.n;
        o.p += x.p;
        o.e += x.e;
        o.sp += x.sp;
        o.pp += x.pp;
        o.ep += x.ep;
      }
    }
    out.push(r);
  }
  await writeRows(tx, out);
}
