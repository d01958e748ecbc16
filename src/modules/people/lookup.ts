/**
 * Duplicate lookup while typing: the matching engine's single-record index, one per operation,
 * held in memory by the server process.
 *
 * - Built lazily on the first lookup in an operation, from the stored match keys (one query).
 * - Catching up with writes of any process: statement triggers on people_individuals list the
 *   people each statement changed in people_lookup_changes, with the writing transaction's id.
 *   The build reads the registry and the oldest transaction still running (its snapshot's xmin)
 *   in one statement; every lookup first reads the change rows from that transaction on (one
 *   small indexed query, usually empty), skips the ones it already applied, and moves the mark
 *   on. A transaction that commits late (an import still running during the build) has an id
 *   above the mark, so it is never missed, which a plain sequence or updated_at could not promise.
 * - Changed people are re-read into a small delta index (their old entries in the main index are
 *   hidden); more than REBUILD_LIMIT at once rebuild the index before answering. When the delta
 *   grows past DELTA_LIMIT, or is older than REBUILD_AFTER_MS, the main index is rebuilt in the
 *   background and swapped in.
 * - The delta index uses the main index's thresholds, but its rarity weights come from its own
 *   few records, so a fresh record scores a little high until the next rebuild (review, not a
 *   silent merge: the officer decides).
 * - Change rows are deleted after RETENTION (by any build); an index that has not caught up for
 *   STALE_AFTER_MS rebuilds instead of trusting the log.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { holds } from '../../server/permissions';
import { buildIndex, thresholdsFor, type DedupIndex, type LookupHit, type PersonRecord } from '../dedup/engine';
import type { LookupRequest, LookupResult } from './contract';
import { engineRecord, matchKeysOf, normaliseBirthInput } from './keys';
import { requireOperation, todayIn, type Touched } from './service';
import { summaries } from './search';

const DELTA_LIMIT = 2000;
const REBUILD_LIMIT = 10_000;
const REBUILD_AFTER_MS = 15 * 60_000;
const RETENTION = '1 day';
const STALE_AFTER_MS = 6 * 3600_000;

interface OpIndex {
  main: DedupIndex;
  size: number;
  builtAt: number;
  thresholds: { match: number; review: number };
  /** Ids whose entry in `main` is out of date (edited or removed since the build). */
  superseded: Set<string>;
  delta: Map<string, PersonRecord>;
  deltaIndex: DedupIndex | null;
  dirty: Set<string>;
  rebuilding: boolean;
  /** Change rows from transactions with ids >= mark may not be applied yet (xid8 as BigInt). */
  mark: bigint;
  /** Change rows (seq) at or above the mark that are already applied. */
  applied: Set<string>;
  /** When the last catch-up ran (ms). */
  checkedAt: number;
  /** The catch-up queued and not started yet (a caller may join it), and the one running. */
  next: Promise<void> | null;
  current: Promise<void> | null;
  /** How long the last build took: reading the match keys, building the engine index. */
  loadMs: number;
  buildMs: number;
}

/** Change rows of an operation from transaction `from` on: [seq, xid, ids]. */
type ChangeRow = [string, string, string[]];

async function loadAll(db: Tx, operationId: string) {
  const year = new Date().getUTCFullYear();
  // One statement, so the mark and the registry come from one snapshot. The whole operation as
  // one JSON text: 2.5× faster than row by row on PGlite.
  const [r] = await rows<{ mark: string; j: string | null; applied: string | null }>(
    db,
    sql`select pg_snapshot_xmin(pg_current_snapshot())::text as mark,
      (select json_agg(json_build_array(id, match_keys))::text from people_individuals where operation_id = ${operationId} and removed_at is null) as j,
      (select json_agg(seq::text)::text from people_lookup_changes where operation_id = ${operationId} and xid >= pg_snapshot_xmin(pg_current_snapshot())) as applied`,
  );
  const list = r?.j ? (JSON.parse(r.j) as [string, Record<string, unknown>][]) : [];
  return { records: list.map(([id, keys]) => engineRecord(id, keys, year)), mark: BigInt(r.mark), applied: new Set<string>(r.applied ? JSON.parse(r.applied) : []) };
}

async function loadSome(db: Tx, operationId: string, ids: string[]): Promise<{ records: PersonRecord[]; present: Set<string> }> {
  const year = new Date().getUTCFullYear();
  const list = await rows<{ id: string; keys: Record<string, unknown> }>(
    db,
    sql`select id, match_keys as keys from people_individuals where operation_id = ${operationId} and removed_at is null and id = any(${`{${ids.join(',')}}`}::uuid[])`,
  );
  return { records: list.map((r) => engineRecord(r.id, r.keys, year)), present: new Set(list.map((r) => r.id)) };
}

export class LookupIndexes {
  private ops = new Map<string, Promise<OpIndex>>();
  private readonly deltaLimit: number;
  private readonly rebuildLimit: number;
  /** `deltaLimit` and `rebuildLimit` are for tests (defaults DELTA_LIMIT, REBUILD_LIMIT). */
  constructor(
    private readonly database: Pick<Database, 'db'>,
    opts: { deltaLimit?: number; rebuildLimit?: number } = {},
  ) {
    this.deltaLimit = opts.deltaLimit ?? DELTA_LIMIT;
    this.rebuildLimit = opts.rebuildLimit ?? REBUILD_LIMIT;
  }

  private async build(operationId: string): Promise<OpIndex> {
    const t0 = performance.now();
    const { records, mark, applied } = await loadAll(this.database.db, operationId);
    const t1 = performance.now();
    const thresholds = thresholdsFor(records.length);
    const main = buildIndex(records, { matchThreshold: thresholds.match, reviewThreshold: thresholds.review });
    void this.database.db.execute(sql`delete from people_lookup_changes where changed_at < now() - ${RETENTION}::interval`).catch(() => {});
    return {
      loadMs: Math.round(t1 - t0),
      buildMs: Math.round(performance.now() - t1),
      main,
      size: records.length,
      builtAt: Date.now(),
      thresholds,
      superseded: new Set(),
      delta: new Map(),
      deltaIndex: null,
      dirty: new Set(),
      rebuilding: false,
      mark,
      applied,
      checkedAt: Date.now(),
      next: null,
      current: null,
    };
  }

  /** After a commit in this process: these individuals changed (the change log says so too). */
  touch(t: Touched): void {
    if (!t.individualIds.length) return;
    const p = this.ops.get(t.operationId);
    if (p) void p.then((o) => t.individualIds.forEach((id) => o.dirty.add(id)), () => {});
  }

  /** Starts building an operation's index if it is not there yet (e.g. when a registration page opens). */
  warm(operationId: string): void {
    void this.ready(operationId).catch(() => {});
  }

  /** Size and build timings of the operation's index, or null when not built. */
  async stats(operationId: string): Promise<{ size: number; loadMs: number; buildMs: number; delta: number; builtAt: number } | null> {
    const p = this.ops.get(operationId);
    if (!p) return null;
    const o = await p;
    return { size: o.size, loadMs: o.loadMs, buildMs: o.buildMs, delta: o.delta.size, builtAt: o.builtAt };
  }

  /** Forgets an operation's index (e.g. after a bulk import); the next lookup rebuilds it. */
  reset(operationId?: string): void {
    if (operationId) this.ops.delete(operationId);
    else this.ops.clear();
  }

  private startBuild(operationId: string): Promise<OpIndex> {
    const p = this.build(operationId);
    this.ops.set(operationId, p);
    p.catch(() => {
      if (this.ops.get(operationId) === p) this.ops.delete(operationId);
    });
    return p;
  }

  /**
   * Catch-ups of one index run one at a time; a caller joins the queued one (it starts after the
   * caller arrived, so it sees the caller's commits) or queues one.
   */
  private sync(o: OpIndex, operationId: string): Promise<void> {
    if (o.next) return o.next;
    const before = o.current ?? Promise.resolve();
    const p: Promise<void> = before
      .catch(() => {})
      .then(() => {
        o.next = null;
        o.current = p;
        return this.catchUp(o, operationId);
      })
      .finally(() => {
        if (o.current === p) o.current = null;
      });
    o.next = p;
    return p;
  }

  /** Reads the change rows past the mark and the people they name (see the file comment). */
  private async catchUp(o: OpIndex, operationId: string): Promise<void> {
    const db = this.database.db;
    const [r] = await rows<{ mark: string; j: string | null }>(
      db,
      sql`select pg_snapshot_xmin(pg_current_snapshot())::text as mark,
        (select json_agg(json_build_array(seq::text, xid::text, ids))::text from people_lookup_changes where operation_id = ${operationId} and xid >= ${o.mark.toString()}::xid8) as j`,
    );
    const mark = BigInt(r.mark);
    const applied = new Set<string>();
    for (const [seq, xid, ids] of r.j ? (JSON.parse(r.j) as ChangeRow[]) : []) {
      if (!o.applied.has(seq)) for (const id of ids) o.dirty.add(id);
      if (BigInt(xid) >= mark) applied.add(seq);
    }
    o.mark = mark;
    o.applied = applied;
    o.checkedAt = Date.now();
    if (!o.dirty.size || o.dirty.size > this.rebuildLimit) return;
    const ids = [...o.dirty];
    o.dirty.clear();
    const { records, present } = await loadSome(db, operationId, ids);
    for (const id of ids) {
      o.superseded.add(id);
      if (!present.has(id)) o.delta.delete(id);
    }
    for (const rec of records) o.delta.set(rec.id, rec);
    o.deltaIndex = o.delta.size ? buildIndex([...o.delta.values()], { matchThreshold: o.thresholds.match, reviewThreshold: o.thresholds.review }) : null;
  }

  /** The operation's index, caught up with every change committed before this call. */
  private async ready(operationId: string): Promise<OpIndex> {
    let p = this.ops.get(operationId) ?? this.startBuild(operationId);
    let o = await p;
    // Not caught up for so long that change rows may have been deleted: rebuild.
    if (Date.now() - o.checkedAt > STALE_AFTER_MS && this.ops.get(operationId) === p) o = await (p = this.startBuild(operationId));
    await this.sync(o, operationId);
    // Too much changed for a delta (an import elsewhere), or a background rebuild swapped in
    // meanwhile: (re)build or take the new index, and catch it up too.
    if (o.dirty.size > this.rebuildLimit && this.ops.get(operationId) === p) p = this.startBuild(operationId);
    const now = this.ops.get(operationId);
    if (now && (await now) !== o) {
      o = await now;
      await this.sync(o, operationId);
    }
    if (!o.rebuilding && (o.delta.size > this.deltaLimit || (o.delta.size && Date.now() - o.builtAt > REBUILD_AFTER_MS))) {
      o.rebuilding = true;
      const stale = o;
      setImmediate(() => {
        this.build(operationId).then(
          (fresh) => {
            // Changes made during the rebuild come through the fresh index's own catch-up; those
            // this process marked are replayed as well.
            for (const id of stale.dirty) fresh.dirty.add(id);
            this.ops.set(operationId, Promise.resolve(fresh));
          },
          () => {
            stale.rebuilding = false;
          },
        );
      });
    }
    return o;
  }

  /** Candidates for one record in one operation, best first (match and review only). */
  async candidates(operationId: string, record: PersonRecord, limit: number): Promise<{ hits: LookupHit[]; size: number }> {
    const o = await this.ready(operationId);
    const main = o.main.lookup(record, { limit: limit + o.superseded.size + 5 }).filter((h) => !o.superseded.has(h.id));
    const delta = o.deltaIndex ? o.deltaIndex.lookup(record, { limit }) : [];
    const hits = [...main, ...delta].sort((a, b) => b.score - a.score).slice(0, limit);
    return { hits, size: o.size - o.superseded.size + o.delta.size };
  }
}

const registry = new WeakMap<object, LookupIndexes>();

/** The lookup indexes of one database (one per server process and database). */
export function lookupIndexes(database: Pick<Database, 'db'>): LookupIndexes {
  let l = registry.get(database);
  if (!l) registry.set(database, (l = new LookupIndexes(database)));
  return l;
}

/** The draft as the engine's record; null when it holds nothing to match on. */
export function draftRecord(draft: LookupRequest['draft'], today: string): PersonRecord | null {
  const birth = draft.birth ? normaliseBirthInput(draft.birth, today) : null;
  const keys = matchKeysOf({
    givenName: draft.givenName,
    fatherName: draft.fatherName,
    familyName: draft.familyName,
    givenNameAr: draft.givenNameAr,
    fatherNameAr: draft.fatherNameAr,
    familyNameAr: draft.familyNameAr,
    sex: draft.sex ?? 'male',
    birth: birth && 'birth' in birth ? birth.birth : null,
    phones: draft.phone ? [{ number: draft.phone }] : [],
    documents: draft.documentNumber ? [{ number: draft.documentNumber }] : [],
    locationPcode: draft.locationPcode ?? null,
  });
  if (!draft.sex) keys.sex = null;
  if (!keys.given && !keys.family && !keys.father && !keys.document && !keys.phone) return null;
  return engineRecord('draft', keys);
}

/**
 * The index work runs outside any transaction (building reads with its own queries; on PGlite a
 * request transaction would hold the only connection); `withTx` then reads the visible summaries.
 */
export async function lookup(indexes: LookupIndexes, auth: AuthContext, req: LookupRequest, withTx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>): Promise<LookupResult> {
  const t0 = performance.now();
  const operationId = requireOperation(auth, 'people.read', req.operationId);
  const record = draftRecord(req.draft, todayIn('UTC'));
  if (!record) return { candidates: [], indexSize: 0, tookMs: 0 };
  const ops = [operationId];
  if (req.acrossOperations !== false)
    for (const g of auth.grants) if (g.permissions.has('people.read') && !ops.includes(g.operationId) && holds(auth.grants, 'people.read', g.operationId)) ops.push(g.operationId);
  const all: LookupHit[] = [];
  let indexSize = 0;
  // Ask for more than needed: hits the user may not see and the excluded household are dropped below.
  const want = req.limit * 3 + 5;
  for (const op of ops) {
    const { hits, size } = await indexes.candidates(op, record, want);
    all.push(...hits);
    indexSize += size;
  }
  all.sort((a, b) => b.score - a.score);
  const people = await withTx((tx) => summaries(tx, auth, all.map((h) => h.id)));
  const candidates: LookupResult['candidates'] = [];
  for (const h of all) {
    const person = people.get(h.id);
    if (!person || (req.excludeHouseholdId && person.householdId === req.excludeHouseholdId)) continue;
    if (h.decision === 'distinct') continue;
    candidates.push({ person, score: h.score, decision: h.decision, parts: h.parts });
    if (candidates.length >= req.limit) break;
  }
  return { candidates, indexSize, tookMs: Math.round((performance.now() - t0) * 10) / 10 };
}
