/**
 * Survey rollup upkeep for bulk inserts, done here instead of in the database trigger.
 *
 * Every write to flow_surveys keeps flow_dash_answers current through the statement triggers of
 * migrations 0015/0021 (flow_dash_surveys_apply), whoever writes. A survey import adds tens of
 * thousands of surveys at once; the trigger's set-based SQL spends most of its time moving the
 * ~200 answers of each touched site-week through several grouping steps (every answer's
 * estimate changes, since a site-week's weight depends on its surveyed people). Here the same
 * arithmetic runs over plain arrays: SurveyRollupWriter tells the trigger to stand aside for the
 * import's inserts (`hamrah.dash_surveys_by_caller`, local to the transaction, switched off again
 * at `settle`), takes the same lock, reads the touched rows, merges, and writes each row back
 * once. Inserts only: removals (an import's rollback) go through the trigger.
 *
 * It must leave exactly what the trigger would (level-0 rows equal a rebuild; blocks up to
 * floating-point rounding): dashboard-rollups.int.test.ts checks it against flow_dash_rebuild().
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client';
import { pgArray } from '../../imports/ids';
import { numericParam, readNumericArray, type Backend, type NumericType } from '../../db/numeric-arrays';
import { blockOf, mondayOf } from './dates';
import { SURVEY_DIMS } from './dashboard-contract';

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

const STAND_ASIDE = sql`select set_config('hamrah.dash_surveys_by_caller', 'on', true)`;
const STAND_BACK = sql`select set_config('hamrah.dash_surveys_by_caller', 'off', true)`;

/**
 * A survey import's inserts and their rollup upkeep on one transaction. `add` sends a part's insert
 * and resolves once it is done; meanwhile the part's rollup rows are worked out here: the rows and
 * site-weeks it touches that this writer has not seen are read, and the part is merged into the
 * rows held in memory. The rows are written once, at `settle` (or when more than
 * rollupUpkeepLimits.heldRows are held), so a row several parts touch is read and written once.
 * On the server:
 *
 *   lock · insert 1 · insert 2 · … · write                (the transaction)
 *          read 1   · read 2   · …                          (`reader`, when given)
 *
 * Reads may go on `reader`, another connection, while the transaction inserts: the transaction
 * takes the rollup lock before anything is read, so nobody else changes a rollup row until it
 * commits, and the rows it has not written yet are as any connection sees them. Once it has written
 * rows (a flush), reads go on the transaction. The caller vouches that nothing on `tx` has written
 * rollups before the first `add`.
 *
 * `settle` writes the rows and fails with the first error; the transaction must not be committed
 * before it resolves.
 */
export class SurveyRollupWriter {
  private wire: Promise<unknown> = Promise.resolve();
  /** Every rollup row read or made since the last write (id → the row as it is now). */
  private held = new Map<string, AnswerRow>();
  /** Counted flow of the site-weeks seen (the import changes no counts). */
  private readonly counted: Counted = new Map();
  /** The parts' rollup work, one after another in the order of `add`. */
  private merging: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  /** Lock taken and trigger set aside (the first statement on the transaction). */
  private started: Promise<unknown> | null = null;
  private aside = false;
  /** Rollup rows were written on the transaction: later reads must go on it. */
  private wrote = false;
  constructor(
    readonly tx: Tx,
    private readonly backend: Backend,
    private readonly reader?: Tx,
  ) {}

  /** Queues `statement` on the transaction after everything queued before it. */
  private run<T>(statement: () => Promise<T>): Promise<T> {
    const p = this.wire.then(statement);
    this.wire = p.catch(() => {});
    return p;
  }

  /**
   * Inserts one part with `insert` (the trigger standing aside for it) and adds `surveys` (the
   * part, all of which `insert` writes) to the rollups. Resolves when the insert is done. Parts may
   * be added before the previous one resolved: their inserts go out in the order of the calls.
   */
  async add(insert: () => Promise<unknown>, surveys: readonly SurveyAnswers[]): Promise<void> {
    if (this.failure) throw this.failure.error;
    const tx = this.tx;
    // The trigger stands aside for the whole run (every statement on this transaction that writes
    // flow_surveys is one of these inserts) and is back at `settle`.
    this.started ??= this.run(async () => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`);
      await tx.execute(STAND_ASIDE);
      this.aside = true;
    });
    const started = this.started;
    const inserted = this.run(insert);
    // Held until planned, not until the insert is done.
    let part: readonly SurveyAnswers[] | null = surveys;
    const before = this.merging;
    this.merging = (async () => {
      await before;
      if (this.failure) return;
      try {
        // Let the insert go out first, then work this part's rows out while the server inserts.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const plan = planRollups(part!, this.held);
        part = null;
        await started;
        const onTx = this.wrote || !this.reader;
        const reading = onTx ? this.run(() => readTouched(tx, plan, this.counted)) : readTouched(this.reader!, plan, this.counted);
        await reading;
        mergeRollups(plan, this.counted);
        if (this.held.size > rollupUpkeepLimits.heldRows) {
          // Written after what is queued; the rows are dropped, and read again (on the
          // transaction) by a later part that touches them.
          const list = changedRows(this.held);
          this.held = new Map();
          this.wrote = true;
          queueWrites((f) => this.run(f), tx, this.backend, list).catch((error: unknown) => {
            this.failure ??= { error };
          });
        }
      } catch (error) {
        this.failure ??= { error };
      }
    })();
    await inserted;
  }

  /** Writes the rows held, sets the trigger back; throws the first error. */
  async settle(): Promise<void> {
    await this.merging;
    if (!this.failure && this.held.size) {
      const list = changedRows(this.held);
      this.held = new Map();
      this.wrote = true;
      await queueWrites((f) => this.run(f), this.tx, this.backend, list).catch((error: unknown) => {
        this.failure ??= { error };
      });
    }
    await this.wire;
    if (this.failure) throw this.failure.error;
    if (this.aside) {
      await this.tx.execute(STAND_BACK);
      this.aside = false;
    }
  }
}

/**
 * Held rollup rows beyond which a writer writes them out before going on (memory: a row holds
 * up to a few hundred answers). A setting only so that a test can make it small.
 */
export const rollupUpkeepLimits = { heldRows: 100_000 };

// The rollup's dimensions: 'all' (one '' answer per survey) and the dashboard's survey dimensions.
const DIM_NAMES = ['all', ...SURVEY_DIMS] as const;

// planRollups counts a survey's answers per dimension in this order: '' (all), its documents,
// reasons, intended stay, destination province and district ('' when unknown), origin country.
if (DIM_NAMES.join() !== 'all,doc,reason,stay,adm1,adm2,origin') throw new Error('planRollups must follow the survey dimensions of dashboard-contract.ts');

/** Adds one survey of `people` to answer `k` of a site-week's dimension. */
function count(dim: Map<string, [number, number]>, k: string, people: number): void {
  const x = dim.get(k);
  if (x) {
    x[0] += 1;
    x[1] += people;
  } else dim.set(k, [1, people]);
}

/**
 * One rollup row (a site or '*' × level × bucket × direction × dimension) with its answers in
 * parallel arrays, as stored; `at` finds an answer's index. Answers are appended, never removed
 * (inserts only).
 */
class AnswerRow {
  readonly keys: string[] = [];
  readonly at = new Map<string, number>();
  readonly n: number[] = [];
  readonly p: number[] = [];
  readonly e: number[] = [];
  readonly sp: number[] = [];
  readonly pp: number[] = [];
  readonly ep: number[] = [];
  changed = false;
  /** Read from the table (else a new row). */
  stored = false;
  /** Answers were added since it was read. */
  keysChanged = false;
  constructor(
    readonly op: string,
    readonly lvl: number,
    readonly site: string,
    readonly dir: string,
    readonly bucket: string,
    readonly dim: string,
  ) {}
  /** The index of answer `k`, appended with zeros when new. */
  index(k: string): number {
    let i = this.at.get(k);
    if (i === undefined) {
      i = this.keys.length;
      this.keysChanged = true;
      this.at.set(k, i);
      this.keys.push(k);
      this.n.push(0);
      this.p.push(0);
      this.e.push(0);
      this.sp.push(0);
      this.pp.push(0);
      this.ep.push(0);
    }
    return i;
  }
}
const rowId = (op: string, lvl: number, site: string, dir: string, bucket: string, dim: string) => `${op}|${lvl}|${site}|${dir}|${bucket}|${dim}`;

/** Reads the rollup rows named by `want` (id → row, empty) and fills those that exist. */
async function readRows(tx: Tx, want: Map<string, AnswerRow>): Promise<void> {
  if (!want.size) return;
  const list = [...want.values()];
  const col = <K extends 'op' | 'lvl' | 'site' | 'dir' | 'bucket' | 'dim'>(k: K) => pgArray(list.map((r) => r[k]));
  // The figures come in array_send's binary form (numeric-arrays.ts): no number formatting on the
  // server nor parsing here.
  const found = await rows<{ op: string; lvl: number; site: string; dir: string; bucket: string; dim: string; k: string; n: Uint8Array; p: Uint8Array; e: Uint8Array; sp: Uint8Array; pp: Uint8Array; ep: Uint8Array }>(
    tx,
    sql`select a.operation_id as op, a.lvl, a.site_key as site, a.direction as dir, a.bucket::text as bucket, a.dim,
               array_to_string(a.keys, ${SEP}) as k, array_send(a.surveys) as n, array_send(a.people) as p, array_send(a.est) as e,
               array_send(a.surveys_pub) as sp, array_send(a.people_pub) as pp, array_send(a.est_pub) as ep
          from unnest(${col('op')}::text[], ${col('lvl')}::int2[], ${col('site')}::text[], ${col('dir')}::text[], ${col('bucket')}::date[], ${col('dim')}::text[])
               as k(op, lvl, site, dir, bucket, dim)
          join flow_dash_answers a on a.operation_id = k.op and a.lvl = k.lvl and a.site_key = k.site and a.direction = k.dir and a.bucket = k.bucket and a.dim = k.dim`,
  );
  for (const f of found) {
    const r = want.get(rowId(f.op, Number(f.lvl), f.site, f.dir, f.bucket, f.dim));
    if (!r) continue;
    r.stored = true;
    // Stored rows always hold answers (empty rows are never written), so '' is the one answer ''.
    const keys = f.k.split(SEP);
    for (let i = 0; i < keys.length; i++) {
      r.at.set(keys[i], i);
      r.keys.push(keys[i]);
    }
    readNumericArray(f.n, r.n);
    readNumericArray(f.p, r.p);
    readNumericArray(f.e, r.e);
    readNumericArray(f.sp, r.sp);
    readNumericArray(f.pp, r.pp);
    readNumericArray(f.ep, r.ep);
    if (r.n.length !== keys.length || r.ep.length !== keys.length) throw new Error(`rollup row ${rowId(f.op, f.lvl, f.site, f.dir, f.bucket, f.dim)} has arrays of different lengths`);
  }
}

/**
 * The statements that write whole rollup rows: an update of the rows read (keys sent only when answers were added), an
 * insert of the others. The rollup lock is held, so no one else adds rows meanwhile. Each figure
 * column of a statement travels as one array of all its rows' figures, cut per row by offset.
 */
function* rollupWrites(backend: Backend, list: AnswerRow[]): Generator<SQL> {
  const STEP = 10_000;
  for (const stored of [true, false]) {
    const todo = list.filter((r) => r.stored === stored);
    for (let i = 0; i < todo.length; i += STEP) {
      const part = todo.slice(i, i + STEP);
      const col = <K extends 'op' | 'lvl' | 'site' | 'dir' | 'bucket' | 'dim'>(k: K) => pgArray(part.map((r) => r[k]));
      const offsets: number[] = [];
      let o = 0;
      for (const r of part) {
        offsets.push(o);
        o += r.keys.length;
      }
      const num = (type: NumericType, k: 'n' | 'p' | 'e' | 'sp' | 'pp' | 'ep') => numericParam(backend, type, part.map((r) => r[k]));
      // A row's answers travel joined by SEP (split by the statement; a row has at least one, so
      // '' is the one answer ''): no array literal nested in an array literal to escape.
      const keys = pgArray(part.map((r) => (r.keysChanged || !stored ? r.keys.join(SEP) : null)));
      // Each long array is one parameter (bound or parsed once: the planner makes it a constant),
      // cut per row. Not a CTE: a nested loop would rescan, and so copy, it for every row.
      const cut = (type: NumericType, k: 'n' | 'p' | 'e' | 'sp' | 'pp' | 'ep') => sql`(${num(type, k)}::${sql.raw(type)}[])[u.o + 1 : u.o + u.l]`;
      const u = sql`unnest(${col('op')}::text[], ${col('lvl')}::int2[], ${col('site')}::text[], ${col('dir')}::text[], ${col('bucket')}::date[], ${col('dim')}::text[],
                           ${pgArray(offsets)}::int4[], ${pgArray(part.map((r) => r.keys.length))}::int4[], ${keys}::text[])
                    as u(op, lvl, site, dir, bucket, dim, o, l, joined)`;
      const split = sql`case u.joined when '' then array['']::text[] else string_to_array(u.joined, ${SEP}) end`;
      if (stored)
        yield sql`
          update flow_dash_answers t
             set keys = coalesce(${split}, t.keys), surveys = ${cut('int4', 'n')}, people = ${cut('int8', 'p')}, est = ${cut('float8', 'e')},
                 surveys_pub = ${cut('int4', 'sp')}, people_pub = ${cut('int8', 'pp')}, est_pub = ${cut('float8', 'ep')}
            from ${u}
           where t.operation_id = u.op and t.lvl = u.lvl and t.site_key = u.site and t.direction = u.dir and t.bucket = u.bucket and t.dim = u.dim`;
      else
        yield sql`
          insert into flow_dash_answers (operation_id, lvl, site_key, direction, bucket, dim, keys, surveys, people, est, surveys_pub, people_pub, est_pub)
          select u.op, u.lvl, u.site, u.dir, u.bucket, u.dim, ${split}, ${cut('int4', 'n')}, ${cut('int8', 'p')}, ${cut('float8', 'e')},
                 ${cut('int4', 'sp')}, ${cut('int8', 'pp')}, ${cut('float8', 'ep')}
            from ${u}`;
    }
  }
}

/**
 * Queues on `run` the writing of `list` (rollupWrites). The first statement is built now, while the
 * server is on what was queued before; each next one while the one before it runs.
 */
function queueWrites(run: <T>(statement: () => Promise<T>) => Promise<T>, tx: Tx, backend: Backend, list: AnswerRow[]): Promise<void> {
  const statements = rollupWrites(backend, list);
  const first = statements.next();
  return run(async () => {
    let running: Promise<unknown> = first.done ? Promise.resolve() : tx.execute(first.value);
    for (const statement of statements) {
      await running;
      running = tx.execute(statement);
    }
    await running;
  });
}

/** Site-week of inserted surveys: its answers' differences per dimension (answer → [surveys, people]). */
interface WeekDelta {
  op: string;
  site: string;
  week: string;
  dir: string;
  d: Map<string, [number, number]>[];
}

interface RollupPlan {
  list: WeekDelta[];
  /** The rows to read (not held before). */
  fresh: Map<string, AnswerRow>;
  plan: { level0: AnswerRow; blocks: AnswerRow[] }[][];
}

/**
 * The touched site-weeks of `surveys` with their answers' differences, and every rollup row they
 * touch: taken from `held` where it is there, else made (empty, in `fresh`, to be read) and held.
 */
function planRollups(surveys: readonly SurveyAnswers[], held: Map<string, AnswerRow>): RollupPlan {
  const weeks = new Map<string, WeekDelta>();
  const mondays = new Map<string, string>();
  for (const s of surveys) {
    let week = mondays.get(s.date);
    if (week === undefined) mondays.set(s.date, (week = mondayOf(s.date)));
    const id = `${s.operationId}|${s.siteId}|${week}|${s.direction}`;
    let w = weeks.get(id);
    if (!w) weeks.set(id, (w = { op: s.operationId, site: s.siteId, week, dir: s.direction, d: DIM_NAMES.map(() => new Map()) }));
    // The answers per dimension, in DIM_NAMES order, without arrays per survey.
    const d = w.d;
    const g = s.groupSize;
    count(d[0], '', g);
    for (const k of s.documents) count(d[1], k, g);
    for (const k of s.reasons) count(d[2], k, g);
    count(d[3], s.intendedStay, g);
    count(d[4], s.destinationAdm1 ?? '', g);
    count(d[5], s.destinationAdm2 ?? '', g);
    count(d[6], s.originCountry, g);
  }
  const list = [...weeks.values()];

  // Every row this touches: the site-weeks' 7 dimensions and the 4 blocks above each.
  const fresh = new Map<string, AnswerRow>();
  const row = (op: string, lvl: number, site: string, dir: string, bucket: string, dim: string) => {
    const id = rowId(op, lvl, site, dir, bucket, dim);
    let r = held.get(id);
    if (!r) {
      r = new AnswerRow(op, lvl, site, dir, bucket, dim);
      held.set(id, r);
      fresh.set(id, r);
    }
    return r;
  };
  const plan = list.map((w) => {
    const b28 = blockOf(w.week, 28);
    const b364 = blockOf(w.week, 364);
    return DIM_NAMES.map((dim) => ({
      level0: row(w.op, 0, w.site, w.dir, w.week, dim),
      blocks: [row(w.op, 1, w.site, w.dir, b28, dim), row(w.op, 1, '*', w.dir, b28, dim), row(w.op, 2, w.site, w.dir, b364, dim), row(w.op, 2, '*', w.dir, b364, dim)],
    }));
  });
  return { list, fresh, plan };
}

type Counted = Map<string, { all: number; pub: number }>;

/**
 * Reads the counted flow of the plan's site-weeks not in `counted` (into it) and fills the plan's
 * fresh rows from the table. The caller holds the rollup lock (on this connection or the writer's
 * transaction).
 */
async function readTouched(db: Tx, { list, fresh }: RollupPlan, counted: Counted): Promise<void> {
  const weeks = list.filter((w) => !counted.has(`${w.op}|${w.site}|${w.week}|${w.dir}`));
  if (weeks.length) {
    // Counted flow of those site-weeks (all current versions, and published ones).
    const wk = <K extends 'op' | 'site' | 'week' | 'dir'>(k: K) => pgArray(weeks.map((w) => w[k]));
    for (const w of weeks) counted.set(`${w.op}|${w.site}|${w.week}|${w.dir}`, { all: 0, pub: 0 });
    for (const c of await rows<{ op: string; site: string; week: string; dir: string; c_all: string; c_pub: string }>(
      db,
      sql`select k.op, k.site::text as site, k.week::text as week, k.dir,
                 coalesce(sum(c.total) filter (where not c.pub), 0)::text as c_all, coalesce(sum(c.total) filter (where c.pub), 0)::text as c_pub
            from unnest(${wk('op')}::text[], ${wk('site')}::uuid[], ${wk('week')}::date[], ${wk('dir')}::text[]) as k(op, site, week, dir)
            join flow_dash_counts c on c.operation_id = k.op and c.grain = 'w' and c.bucket = k.week and c.site_id = k.site and c.direction = k.dir
           group by k.op, k.site, k.week, k.dir`,
    ))
      counted.set(`${c.op}|${c.site}|${c.week}|${c.dir}`, { all: Number(c.c_all), pub: Number(c.c_pub) });
  }
  await readRows(db, fresh);
}

const changedRows = (held: Map<string, AnswerRow>) => [...held.values()].filter((r) => r.changed && r.keys.length);

/**
 * The plan's rows (as read) with its surveys added, as flow_dash_surveys_apply does: level-0 rows
 * of the touched site-weeks recomputed (every estimate, from the week's counted flow and surveyed
 * people), their differences added to the 4- and 52-week blocks per site and for all sites.
 */
function mergeRollups({ list, plan }: RollupPlan, counted: Counted): void {
  list.forEach((w, wi) => {
    const c = counted.get(`${w.op}|${w.site}|${w.week}|${w.dir}`)!;
    const dims = plan[wi];
    // Surveys' answers added first (the weights need the week's new surveyed people), old figures kept for the differences.
    const old = dims.map(({ level0: r }, j) => {
      const was = { n: r.n.slice(), p: r.p.slice() };
      for (const [k, [dn, dp]] of w.d[j]) {
        const i = r.index(k);
        r.n[i] += dn;
        r.p[i] += dp;
      }
      r.changed = true;
      return was;
    });
    const all = dims[0].level0;
    const people = all.p[all.at.get('')!];
    dims.forEach(({ level0: r, blocks }, j) => {
      const was = old[j];
      for (let i = 0; i < r.keys.length; i++) {
        const n = r.n[i];
        const p = r.p[i];
        const on = i < was.n.length ? was.n[i] : 0;
        const op = i < was.p.length ? was.p[i] : 0;
        // The expressions of flow_dash_surveys_apply / flow_dash_rebuild, in the same order.
        const e = (p * c.all) / people;
        const sp = c.pub > 0 ? n : 0;
        const pp = c.pub > 0 ? p : 0;
        const ep = (p * c.pub) / people;
        const dn = n - on;
        const dp = p - op;
        const de = e - r.e[i];
        const dsp = sp - r.sp[i];
        const dpp = pp - r.pp[i];
        const dep = ep - r.ep[i];
        r.e[i] = e;
        r.sp[i] = sp;
        r.pp[i] = pp;
        r.ep[i] = ep;
        if (!dn && !dp && !de && !dsp && !dpp && !dep) continue;
        const k = r.keys[i];
        for (const b of blocks) {
          const x = b.index(k);
          b.n[x] += dn;
          b.p[x] += dp;
          b.e[x] += de;
          b.sp[x] += dsp;
          b.pp[x] += dpp;
          b.ep[x] += dep;
          b.changed = true;
        }
      }
    });
  });
}
