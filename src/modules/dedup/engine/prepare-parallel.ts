/**
 * Normalisation on two cores. The main thread prepares the first part of the records straight
 * into the batch tables (prepare.ts); a worker prepares the rest into tables of its own. The rest
 * crosses to the worker as one string per field column plus offsets (a memory copy, not a clone
 * of a million objects), and comes back as typed arrays of local ids plus each table's new
 * values in local id order. Merging interns those values in that order, so every value gets the
 * same id as in a single-thread prepare over all records (a value first seen in the second part
 * gets the next free id in order of first sight either way); per-record ids are then remapped and
 * the second part's counts added. If the worker cannot start or fails, the main thread prepares
 * the rest itself the same way.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { defaultVariantDictionary, type BirthOptions, type VariantDictionary } from './normalise';
import { blockingHashes } from './block';
import { workerSource } from './parallel';
import { F_FAMILY, F_FATHER, F_GIVEN, interleave, newTables, prepare, type Interner, type PersonRecord, type Prepared, type Tables } from './prepare';

/** Fields that are read only for truthiness or as strings: null, undefined and '' are alike. */
export const STRING_FIELDS = [
  'givenName',
  'familyName',
  'fatherName',
  'fullName',
  'nameAr',
  'sex',
  'birthDate',
  'birthDateSh',
  'documentNumber',
  'phone',
  'locationPcode',
  'address',
  'householdId',
] as const;
/** Fields that may be numbers or strings: kept exactly (tag per record). */
export const MIXED_FIELDS = ['birthYear', 'age'] as const;

/** A column: the values joined, and value i at text[off[i] .. off[i+1]). */
export interface Column {
  text: string;
  off: Uint32Array;
}
export interface EncodedRecords {
  n: number;
  strings: Column[];
  mixed: Column[];
  /** Per mixed field and record: 0 undefined, 1 null, 2 string, 3 number. */
  tags: Uint8Array[];
}

const str = (v: unknown): string | null => (v === null || v === undefined ? '' : typeof v === 'string' ? v : null);
const mix = (v: unknown): string | null => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const tag = (v: unknown): number => (v === undefined ? 0 : v === null ? 1 : typeof v === 'string' ? 2 : 3);

/** Column form of records[from .. to); null when a field holds something else than expected. */
export function encodeRecords(records: readonly PersonRecord[], from: number, to: number): EncodedRecords | null {
  const n = to - from;
  const S = STRING_FIELDS.length;
  const M = MIXED_FIELDS.length;
  const parts: string[][] = Array.from({ length: S + M }, () => new Array<string>(n));
  const offs = Array.from({ length: S + M }, () => new Uint32Array(n + 1));
  const lens = new Float64Array(S + M);
  const tags = Array.from({ length: M }, () => new Uint8Array(n));
  // One pass with the field names written out: property reads with a fixed name are far cheaper
  // than r[name] over a list of names.
  const put = (k: number, i: number, v: string | null): boolean => {
    if (v === null) return false;
    parts[k][i] = v;
    offs[k][i + 1] = lens[k] += v.length;
    return true;
  };
  for (let i = 0; i < n; i++) {
    const r = records[from + i];
    const by = r.birthYear;
    const age = r.age;
    tags[0][i] = tag(by);
    tags[1][i] = tag(age);
    if (
      !(
        put(0, i, str(r.givenName)) &&
        put(1, i, str(r.familyName)) &&
        put(2, i, str(r.fatherName)) &&
        put(3, i, str(r.fullName)) &&
        put(4, i, str(r.nameAr)) &&
        put(5, i, str(r.sex)) &&
        put(6, i, str(r.birthDate)) &&
        put(7, i, str(r.birthDateSh)) &&
        put(8, i, str(r.documentNumber)) &&
        put(9, i, str(r.phone)) &&
        put(10, i, str(r.locationPcode)) &&
        put(11, i, str(r.address)) &&
        put(12, i, str(r.householdId)) &&
        put(S, i, mix(by)) &&
        put(S + 1, i, mix(age))
      )
    )
      return null;
  }
  const cols = parts.map((p, k) => ({ text: p.join(''), off: offs[k] }));
  return { n, strings: cols.slice(0, S), mixed: cols.slice(S), tags };
}

/**
 * Records back from their column form (ids left empty: the worker does not need them), written
 * to out[at ..] when `out` is given.
 */
export function decodeRecords(e: EncodedRecords, out: PersonRecord[] = new Array(e.n), at0 = 0): PersonRecord[] {
  const s = e.strings.map((c) => c.text);
  const o = e.strings.map((c) => c.off);
  const at = (k: number, i: number) => {
    const a = o[k][i];
    const b = o[k][i + 1];
    return a === b ? '' : s[k].slice(a, b);
  };
  const mixed = (k: number, i: number): string | number | null | undefined => {
    const t = e.tags[k][i];
    if (t === 0) return undefined;
    if (t === 1) return null;
    const c = e.mixed[k];
    const v = c.text.slice(c.off[i], c.off[i + 1]);
    return t === 2 ? v : Number(v);
  };
  for (let i = 0; i < e.n; i++) {
    out[at0 + i] = {
      id: '',
      givenName: at(0, i),
      familyName: at(1, i),
      fatherName: at(2, i),
      fullName: at(3, i),
      nameAr: at(4, i),
      sex: at(5, i),
      birthDate: at(6, i),
      birthYear: mixed(0, i),
      age: mixed(1, i),
      birthDateSh: at(7, i),
      documentNumber: at(8, i),
      phone: at(9, i),
      locationPcode: at(10, i),
      address: at(11, i),
      householdId: at(12, i),
    };
  }
  return out;
}

/** What a part prepared into its own tables sends back. */
export interface PreparedPart {
  p: Omit<Prepared, 'ids' | 'rec'>;
  names: { values: string[]; skel: string[]; tokens: string[][]; rough: number[] };
  docs: string[];
  phones: string[];
  locs: string[];
  addr: string[];
  /** Blocking-key hashes but the place keys (block.ts), per record: CSR. */
  hashOff: Uint32Array;
  hash: Uint32Array;
}

/** Blocking-key hashes of every record but the place keys, as CSR arrays. */
function partHashes(T: Tables, P: Prepared): { hashOff: Uint32Array; hash: Uint32Array } {
  const hashOff = new Uint32Array(P.n + 1);
  let hash = new Uint32Array(Math.max(16, P.n * 12));
  const buf: number[] = [];
  let k = 0;
  for (let i = 0; i < P.n; i++) {
    const c = blockingHashes(T, P, i, buf, false);
    if (k + c > hash.length) {
      const grown = new Uint32Array(Math.max(hash.length * 2, k + c));
      grown.set(hash.subarray(0, k));
      hash = grown;
    }
    for (let x = 0; x < c; x++) hash[k++] = buf[x];
    hashOff[i + 1] = k;
  }
  return { hashOff, hash: hash.slice(0, k) };
}

/** Prepares records into fresh tables (count = false; the merge counts); `more` as for prepare(). */
export function preparePart(records: readonly PersonRecord[], dict: VariantDictionary, birth: BirthOptions, more?: (i: number) => number): PreparedPart {
  const T = newTables(dict, birth);
  const P = prepare(records, T, false, true, more);
  const { ids: _ids, rec: _rec, ...p } = P;
  return {
    p,
    names: { values: T.names.values, skel: T.names.skel, tokens: T.names.tokens, rough: T.names.rough },
    docs: T.docs.values,
    phones: T.phones.values,
    locs: T.locs.values,
    addr: T.addr.values,
    ...partHashes(T, P),
  };
}

export const partTransfer = (x: PreparedPart): ArrayBuffer[] => {
  const p = x.p;
  return [p.given, p.family, p.father, p.sex, p.by, p.bm, p.bd, p.byLo, p.byHi, p.bprec, p.doc, p.phone, p.loc, p.addrOff, p.addrTok, p.hh, x.hashOff, x.hash].map((a) => a.buffer as ArrayBuffer);
};

/** Local id → id in I for each of `values` (interned in order; index 0 stays 0). */
function internAll(I: Interner, values: string[]): Int32Array {
  const map = new Int32Array(values.length);
  for (let l = 1; l < values.length; l++) map[l] = I.id(values[l], 0, false);
  return map;
}

/** Concatenates the first part (already in `tables`) and a part prepared elsewhere. */
export function mergeParts(tables: Tables, records: readonly PersonRecord[], A: Prepared, B: PreparedPart, count: boolean): Prepared {
  const N = tables.names;
  const nm = new Int32Array(B.names.values.length);
  // A name already known keeps its first skeleton, which need not be the one the part computed
  // (the same key from another written form): the part's blocking hashes of records with such a
  // name are not used.
  const otherSkel = new Uint8Array(nm.length);
  for (let l = 1; l < nm.length; l++) {
    const key = B.names.values[l];
    let g = N.ids.get(key);
    if (g === undefined) {
      g = N.id(key, 0, false);
      const sk = B.names.skel[l];
      N.skel[g] = sk;
      N.skel8[g] = sk.length > 8 ? sk.slice(0, 8) : sk;
      N.tokens[g] = B.names.tokens[l];
      N.rough[g] = B.names.rough[l];
    } else if (N.skel[g] !== B.names.skel[l]) otherSkel[l] = 1;
    nm[l] = g;
  }
  const dm = internAll(tables.docs, B.docs);
  const pm = internAll(tables.phones, B.phones);
  const lm = internAll(tables.locs, B.locs);
  const am = internAll(tables.addr, B.addr);
  const hhIds = new Map<string, number>();
  const aKeys = A.hhKeys ?? [''];
  for (let h = 1; h < aKeys.length; h++) hhIds.set(aKeys[h], h);
  const bKeys = B.p.hhKeys ?? [''];
  const hm = new Int32Array(bKeys.length);
  for (let h = 1; h < bKeys.length; h++) {
    let g = hhIds.get(bKeys[h]);
    if (g === undefined) hhIds.set(bKeys[h], (g = hhIds.size + 1));
    hm[h] = g;
  }

  const na = A.n;
  const nb = B.p.n;
  const n = na + nb;
  const b = B.p;
  const cat = <T extends Int32Array | Uint8Array | Int16Array | Int8Array>(x: T, y: T, make: (len: number) => T, map?: Int32Array): T => {
    const out = make(n);
    out.set(x as never);
    if (map) for (let i = 0; i < nb; i++) out[na + i] = map[y[i]];
    else out.set(y as never, na);
    return out;
  };
  const i32 = (len: number) => new Int32Array(len);
  const given = cat(A.given, b.given, i32, nm);
  const family = cat(A.family, b.family, i32, nm);
  const father = cat(A.father, b.father, i32, nm);
  const doc = cat(A.doc, b.doc, i32, dm);
  const phone = cat(A.phone, b.phone, i32, pm);
  const loc = cat(A.loc, b.loc, i32, lm);
  const hh = cat(A.hh, b.hh, i32, hm);
  const addrOff = new Uint32Array(n + 1);
  addrOff.set(A.addrOff);
  const baseTok = A.addrOff[na];
  for (let i = 1; i <= nb; i++) addrOff[na + i] = baseTok + b.addrOff[i];
  const addrTok = new Int32Array(A.addrTok.length + b.addrTok.length);
  addrTok.set(A.addrTok);
  for (let t = 0; t < b.addrTok.length; t++) addrTok[A.addrTok.length + t] = am[b.addrTok[t]];
  if (count) {
    for (let i = na; i < n; i++) {
      N.bump(F_GIVEN, given[i]);
      N.bump(F_FAMILY, family[i]);
      N.bump(F_FATHER, father[i]);
      tables.docs.bump(0, doc[i]);
      tables.phones.bump(0, phone[i]);
      tables.locs.bump(0, loc[i]);
    }
    for (let t = A.addrTok.length; t < addrTok.length; t++) tables.addr.bump(0, addrTok[t]);
  }
  const redo = new Uint8Array(nb);
  for (let i = 0; i < nb; i++) redo[i] = otherSkel[b.given[i]] | otherSkel[b.family[i]] | otherSkel[b.father[i]];
  const ids: string[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = records[i].id;
  const P: Prepared = {
    n,
    ids,
    given,
    family,
    father,
    sex: cat(A.sex, b.sex, (l) => new Uint8Array(l)),
    by: cat(A.by, b.by, (l) => new Int16Array(l)),
    bm: cat(A.bm, b.bm, (l) => new Int8Array(l)),
    bd: cat(A.bd, b.bd, (l) => new Int8Array(l)),
    byLo: cat(A.byLo, b.byLo, (l) => new Int16Array(l)),
    byHi: cat(A.byHi, b.byHi, (l) => new Int16Array(l)),
    bprec: cat(A.bprec, b.bprec, (l) => new Uint8Array(l)),
    doc,
    phone,
    loc,
    addrOff,
    addrTok,
    rec: new Int32Array(0),
    hh,
    withHousehold: A.withHousehold + b.withHousehold,
    partHashes: { from: na, off: B.hashOff, hash: B.hash, redo },
  };
  P.rec = interleave(P, tables.docs.values);
  return P;
}

/** Below this many records one thread is quicker than starting a worker. */
export const PARALLEL_PREPARE_MIN = 40_000;

/** Share of the records the main thread prepares (it also encodes and merges the rest). */
export const MAIN_SHARE = 0.5;

/**
 * The last preparePossiblyParallel call: whether its second part came from a worker, and the main
 * thread's wall time encoding that part, preparing its own, then waiting and merging (bench:dedup).
 */
export const lastPrepare = { worker: false, msEncode: 0, msMain: 0, msWait: 0, msMerge: 0 };

interface NormaliseStart {
  control: Int32Array;
  port: MessagePort;
}
/** One chunk of the worker's part, in column form; the first also says how to prepare. */
export interface NormaliseChunk {
  records: EncodedRecords;
  first?: {
    /** Records in the whole part. */
    total: number;
    /** null: the worker loads the default dictionary itself. */
    dict: VariantDictionary | null;
    birth: BirthOptions;
  };
}

/** Control words shared with the normalisation worker. */
export const N_STATE = 0; // worker: 0 working, 1 done (result posted), 2 failed
export const N_CHUNKS = 1; // main thread: chunks posted so far
export const N_ABORT = 2; // main thread: no more chunks will come (a record could not be encoded)
export const N_NOLOAD = 3; // set by the bootstrap when the worker could not load (parallel.ts)

/** Records per chunk handed to the worker: it starts on the first while the rest are encoded. */
export const ENCODE_CHUNK = 1 << 15;

/**
 * prepare() with the records split between the calling thread and one worker (when `workers` ≥ 1,
 * there are enough records and a worker can start here); the same result as prepare(). The
 * worker's part is encoded and posted in chunks, so the worker prepares the first while the
 * main thread encodes the next (before, it waited for the whole part: ~2 s at 1.19M records).
 */
export function preparePossiblyParallel(records: readonly PersonRecord[], tables: Tables, workers: number, count = true, minRecords = PARALLEL_PREPARE_MIN): Prepared {
  const n = records.length;
  const src = workers > 0 && n >= minRecords ? workerSource('./prepare-worker.ts') : null;
  lastPrepare.worker = false;
  if (!src) return prepare(records, tables, count);
  const cut = Math.floor(n * MAIN_SHARE);
  const control = new Int32Array(new SharedArrayBuffer(16));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | null = null;
  try {
    const start: NormaliseStart = { control, port: port2 };
    worker = new Worker(src, { eval: true, workerData: start, transferList: [port2] });
    worker.unref();
  } catch {
    worker = null;
  }
  let t = performance.now();
  let posted = !!worker;
  for (let from = cut; posted && from < n; from += ENCODE_CHUNK) {
    const encoded = encodeRecords(records, from, Math.min(n, from + ENCODE_CHUNK));
    if (!encoded) {
      // A field holds something else than expected: the main thread prepares the part itself.
      posted = false;
      Atomics.store(control, N_ABORT, 1);
      Atomics.notify(control, N_CHUNKS);
      break;
    }
    const chunk: NormaliseChunk = { records: encoded };
    if (from === cut) chunk.first = { total: n - cut, dict: tables.dict === defaultVariantDictionary() ? null : tables.dict, birth: tables.birth };
    port1.postMessage(chunk, [...encoded.strings.map((c) => c.off.buffer), ...encoded.mixed.map((c) => c.off.buffer), ...encoded.tags.map((x) => x.buffer)] as ArrayBuffer[]);
    Atomics.add(control, N_CHUNKS, 1);
    Atomics.notify(control, N_CHUNKS);
  }
  lastPrepare.msEncode = -t + (t = performance.now());
  const A = prepare(records.slice(0, cut), tables, count, true);
  lastPrepare.msMain = -t + (t = performance.now());
  let B: PreparedPart | null = null;
  if (worker && posted) {
    for (;;) {
      const state = Atomics.load(control, N_STATE);
      if (state !== 0 || Atomics.load(control, N_NOLOAD) !== 0) break;
      Atomics.wait(control, N_STATE, 0, 50);
    }
    if (Atomics.load(control, N_STATE) === 1) {
      const got = receiveMessageOnPort(port1);
      if (got) B = got.message as PreparedPart;
      lastPrepare.worker = !!B;
    }
  }
  port1.close();
  if (worker) void worker.terminate();
  if (!B) B = preparePart(records.slice(cut), tables.dict, tables.birth);
  lastPrepare.msWait = -t + (t = performance.now());
  const P = mergeParts(tables, records, A, B, count);
  lastPrepare.msMerge = performance.now() - t;
  return P;
}

/** Normalisation workers for n records: one when there are two cores or more. */
export function defaultPrepareWorkers(n: number): number {
  if (n < PARALLEL_PREPARE_MIN) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores > 1 ? 1 : 0;
}
