/**
 * Records → columnar, interned form: every name, document, phone, location and address token
 * becomes an integer id in a shared table; per-record values sit in typed arrays. Value counts
 * (for rarity weights) are kept per field.
 */
import * as norm from './normalise';
import type { Birth, BirthOptions, NameKey, VariantDictionary } from './normalise';

// Module constants rather than imported bindings (read through a getter per access when compiled
// to CommonJS by tsx), for the per-record loop.
const addressTokens = norm.addressTokens;
const defaultVariantDictionary = norm.defaultVariantDictionary;
const EMPTY_NAME = norm.EMPTY_NAME;
const NO_BIRTH = norm.NO_BIRTH;
const nameKey = norm.nameKey;
const normaliseBirth = norm.normaliseBirth;
const normaliseDocument = norm.normaliseDocument;
const normalisePhone = norm.normalisePhone;
const skeleton = norm.skeleton;

/** One person as given to the engine; every field but `id` optional (issue 4, part 7). */
export interface PersonRecord {
  id: string;
  givenName?: string | null;
  familyName?: string | null;
  fatherName?: string | null;
  fullName?: string | null;
  nameAr?: string | null;
  sex?: string | null;
  birthDate?: string | null;
  birthYear?: number | string | null;
  age?: number | string | null;
  birthDateSh?: string | null;
  documentNumber?: string | null;
  phone?: string | null;
  locationPcode?: string | null;
  address?: string | null;
  /**
   * The household the record was registered in, when known. Records of two households whose
   * other members also match are more likely the same person (see household.ts).
   */
  householdId?: string | null;
}

/** Name fields, each counted separately for rarity. */
export const F_GIVEN = 0;
export const F_FAMILY = 1;
export const F_FATHER = 2;

/** An interning table of strings with per-field counts. */
export class Interner {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [''];
  /** counts[field][id] */
  counts: Uint32Array[];
  /** Number of non-empty values seen per field. */
  totals: number[];
  constructor(fields = 1) {
    this.counts = Array.from({ length: fields }, () => new Uint32Array(1024));
    this.totals = new Array(fields).fill(0);
  }
  /** Id of s (0 for the empty string); counted in `field` when `count` is true. */
  id(s: string, field = 0, count = true): number {
    if (!s) return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
      this.onNew(id, s);
    }
    if (count) {
      let c = this.counts[field];
      if (id >= c.length) {
        const grown = new Uint32Array(Math.max(c.length * 2, id + 1));
        grown.set(c);
        this.counts[field] = c = grown;
      }
      c[id]++;
      this.totals[field]++;
    }
    return id;
  }
  /** Counts one more occurrence of id in `field`. */
  bump(field: number, id: number): void {
    if (!id) return;
    let c = this.counts[field];
    if (id >= c.length) {
      const grown = new Uint32Array(Math.max(c.length * 2, id + 1));
      grown.set(c);
      this.counts[field] = c = grown;
    }
    c[id]++;
    this.totals[field]++;
  }
  count(field: number, id: number): number {
    const c = this.counts[field];
    return id < c.length ? c[id] : 0;
  }
  protected onNew(_id: number, _s: string): void {}
}

/**
 * Open-addressing hash map (id, id) → similarity in typed arrays: no per-entry allocation. A slot
 * is 16 bytes in one buffer, the two ids and the value side by side (one cache line per look-up;
 * with keys and values in three arrays a look-up in a table far larger than the cache cost three
 * misses). Starts small (a lookup index per operation should not hold megabytes it never uses)
 * and doubles when half full, up to 2^maxBits slots; at that size it is cleared when half full
 * instead.
 */
export class PairCache {
  /** Slot h: ids at k[4h], k[4h + 1] (k[4h] = −1: empty); the value at v[2h + 1]. */
  private k: Int32Array;
  private v: Float64Array;
  private mask: number;
  private used = 0;
  constructor(
    bits = 14,
    private readonly maxBits = 22,
  ) {
    [this.k, this.v] = PairCache.alloc(1 << bits);
    this.mask = (1 << bits) - 1;
  }
  private static alloc(slots: number): [Int32Array, Float64Array] {
    const buf = new ArrayBuffer(slots * 16);
    const k = new Int32Array(buf);
    for (let h = 0; h < k.length; h += 4) k[h] = -1;
    return [k, new Float64Array(buf)];
  }
  private slot(a: number, b: number): number {
    const k = this.k;
    const mask = this.mask;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
    for (;;) {
      const x = k[h << 2];
      if (x === -1 || (x === a && k[(h << 2) + 1] === b)) return h;
      h = (h + 1) & mask;
    }
  }
  /** The cached value, or −1. */
  get(a: number, b: number): number {
    const h = this.slot(a, b);
    return this.k[h << 2] === -1 ? -1 : this.v[(h << 1) + 1];
  }
  set(a: number, b: number, value: number): void {
    if (this.used * 2 >= this.mask + 1) {
      if (this.mask + 1 < 1 << this.maxBits) this.grow();
      else {
        const k = this.k;
        for (let h = 0; h < k.length; h += 4) k[h] = -1;
        this.used = 0;
      }
    }
    const h = this.slot(a, b);
    if (this.k[h << 2] === -1) this.used++;
    this.k[h << 2] = a;
    this.k[(h << 2) + 1] = b;
    this.v[(h << 1) + 1] = value;
  }
  private grow(): void {
    const { k, v } = this;
    const slots = (this.mask + 1) * 2;
    [this.k, this.v] = PairCache.alloc(slots);
    this.mask = slots - 1;
    for (let s = 0; s < k.length; s += 4) {
      if (k[s] === -1) continue;
      const h = this.slot(k[s], k[s + 1]);
      this.k[h << 2] = k[s];
      this.k[(h << 2) + 1] = k[s + 1];
      this.v[(h << 1) + 1] = v[(s >> 1) + 1];
    }
  }
}

/** Name table: each key carries its skeleton and token ids. */
export class NameTable extends Interner {
  readonly skel: string[] = [''];
  /** The skeleton's first 8 characters (blocking keys use them; block.ts). */
  readonly skel8: string[] = [''];
  readonly tokens: string[][] = [[]];
  readonly rough: number[] = [0];
  /** Similarity of id pairs already compared (see score.ts). */
  readonly simCache = new PairCache();
  /** Ids at or above this are temporary (a lookup's query) and are not cached. */
  cacheBelow = Infinity;
  constructor() {
    super(3);
  }
  add(k: NameKey, field: number, count = true): number {
    if (!k.key) return 0;
    const isNew = !this.ids.has(k.key);
    const id = this.id(k.key, field, count);
    if (isNew) {
      this.skel[id] = k.skel;
      this.skel8[id] = k.skel.length > 8 ? k.skel.slice(0, 8) : k.skel;
      this.tokens[id] = k.tokens;
      this.rough[id] = k.rough ? 1 : 0;
    }
    return id;
  }
}

export interface Tables {
  names: NameTable;
  docs: Interner;
  phones: Interner;
  locs: Interner;
  addr: Interner;
  dict: VariantDictionary;
  birth: BirthOptions;
}

export function newTables(dict: VariantDictionary = defaultVariantDictionary(), birth: BirthOptions = {}): Tables {
  return { names: new NameTable(), docs: new Interner(), phones: new Interner(), locs: new Interner(), addr: new Interner(), dict, birth };
}

/** Columnar records. Index i is the record's position in the input. */
export interface Prepared {
  n: number;
  ids: string[];
  given: Int32Array;
  family: Int32Array;
  father: Int32Array;
  sex: Uint8Array;
  by: Int16Array;
  bm: Int8Array;
  bd: Int8Array;
  byLo: Int16Array;
  byHi: Int16Array;
  /** 0 none, 1 age, 2 year, 3 day */
  bprec: Uint8Array;
  doc: Int32Array;
  phone: Int32Array;
  loc: Int32Array;
  /** Address token ids, CSR: tokens of i are addrTok[addrOff[i] .. addrOff[i+1]). */
  addrOff: Uint32Array;
  addrTok: Int32Array;
  /**
   * The same per-record values interleaved, REC_STRIDE ints per record (one 64-byte cache line),
   * for scoring: a candidate pair's second record is a random index, and reading fourteen
   * separate arrays there cost fourteen cache misses per pair at 1M records.
   */
  rec: Int32Array;
  /** Household per record (interned householdId; 0 when not given). */
  hh: Int32Array;
  /** Number of records with a household. */
  withHousehold: number;
  /** householdId per interned household id (index 0 unused), when asked for (prepare-parallel.ts). */
  hhKeys?: string[];
  /**
   * Blocking-key hashes without the place keys for records from `from` on, computed where that
   * part was prepared (prepare-parallel.ts): record i's at hash[off[i − from] .. off[i − from + 1]),
   * unless redo[i − from] (hash those here).
   */
  partHashes?: { from: number; off: Uint32Array; hash: Uint32Array; redo: Uint8Array };
}

export const REC_STRIDE = 16;
export const R_GIVEN = 0;
export const R_FAMILY = 1;
export const R_FATHER = 2;
export const R_SEX = 3;
export const R_BY = 4;
export const R_BM = 5;
export const R_BD = 6;
export const R_BYLO = 7;
export const R_BYHI = 8;
export const R_BPREC = 9;
export const R_DOC = 10;
export const R_PHONE = 11;
export const R_LOC = 12;
export const R_ADDR0 = 13;
export const R_ADDR1 = 14;
/** Document-number signature (docSignature), so that most pairs of two numbers skip the edit check. */
export const R_DOCSIG = 15;

/**
 * Signature of a document number for withinOneEdit: 0 for numbers shorter than 7 characters, else
 * bit 30 set, a 15-bit hash of the first three characters and one of the last three. Two numbers
 * of 7 or more characters within one edit (substitution, adjacent swap, insertion, deletion) share
 * the first three or the last three (an edit in the first three leaves the last three in place,
 * counted from the end), so when both halves of two signatures differ they are not.
 */
export function docSignature(d: string): number {
  const L = d.length;
  if (L < 7) return 0;
  const p = (d.charCodeAt(0) * 961 + d.charCodeAt(1) * 31 + d.charCodeAt(2)) & 0x7fff;
  const q = (d.charCodeAt(L - 3) * 961 + d.charCodeAt(L - 2) * 31 + d.charCodeAt(L - 1)) & 0x7fff;
  return (1 << 30) | p | (q << 15);
}

/** The interleaved rows of p; `docs` are the document numbers by id (for R_DOCSIG). */
export function interleave(p: Prepared, docs: readonly string[]): Int32Array {
  const r = new Int32Array(p.n * REC_STRIDE);
  for (let i = 0, o = 0; i < p.n; i++, o += REC_STRIDE) {
    r[o + R_GIVEN] = p.given[i];
    r[o + R_FAMILY] = p.family[i];
    r[o + R_FATHER] = p.father[i];
    r[o + R_SEX] = p.sex[i];
    r[o + R_BY] = p.by[i];
    r[o + R_BM] = p.bm[i];
    r[o + R_BD] = p.bd[i];
    r[o + R_BYLO] = p.byLo[i];
    r[o + R_BYHI] = p.byHi[i];
    r[o + R_BPREC] = p.bprec[i];
    r[o + R_DOC] = p.doc[i];
    r[o + R_PHONE] = p.phone[i];
    r[o + R_LOC] = p.loc[i];
    r[o + R_ADDR0] = p.addrOff[i];
    r[o + R_ADDR1] = p.addrOff[i + 1];
    r[o + R_DOCSIG] = p.doc[i] ? docSignature(docs[p.doc[i]]) : 0;
  }
  return r;
}

const PREC: Record<string, number> = { none: 0, age: 1, year: 2, day: 3 };

/** Splits a full name into given / family when the parts are not given separately. */
function splitFull(k: NameKey): { given: NameKey; family: NameKey } {
  const t = k.tokens;
  if (t.length <= 1) return { given: k, family: { key: '', skel: '', tokens: [] } };
  const mk = (xs: string[]): NameKey => ({ key: xs.join(''), skel: xs.map(skeleton).join(''), tokens: xs });
  // All but the last token are the given name ("Mohammad Karim Ahmadzai" → "Mohammad Karim").
  return { given: mk(t.slice(0, t.length - 1)), family: mk(t.slice(t.length - 1)) };
}

export function normaliseSex(s: string | null | undefined): number {
  if (!s) return 0;
  const c = s.trim().toLowerCase();
  if (!c) return 0;
  if (c === 'm' || c === 'male' || c === 'man' || c === 'boy' || c === 'مرد' || c === 'ذکر' || c === 'نارینه') return 1;
  if (c === 'f' || c === 'female' || c === 'woman' || c === 'girl' || c === 'زن' || c === 'انثی' || c === 'ښځه') return 2;
  return 0;
}

/**
 * Normalises and interns `records` into `tables`. `part` is for prepare-parallel.ts, which
 * prepares a slice elsewhere and merges it: keep the household keys, and skip the interleaved
 * rows (built once over the merged arrays).
 */
export function prepare(records: readonly PersonRecord[], tables: Tables, count = true, part = false, more?: (i: number) => number): Prepared {
  const n = records.length;
  // With `more`, records arrive while they are prepared (prepare-parallel.ts): more(i) returns
  // once record i is there, with the number of records there are then.
  let ready = more ? 0 : n;
  const p: Prepared = {
    n,
    ids: new Array(n),
    given: new Int32Array(n),
    family: new Int32Array(n),
    father: new Int32Array(n),
    sex: new Uint8Array(n),
    by: new Int16Array(n),
    bm: new Int8Array(n),
    bd: new Int8Array(n),
    byLo: new Int16Array(n),
    byHi: new Int16Array(n),
    bprec: new Uint8Array(n),
    doc: new Int32Array(n),
    phone: new Int32Array(n),
    loc: new Int32Array(n),
    addrOff: new Uint32Array(n + 1),
    addrTok: new Int32Array(0),
    rec: new Int32Array(0),
    hh: new Int32Array(n),
    withHousehold: 0,
  };
  const households = new Map<string, number>();
  const rawLocs = new Map<string, number>();
  const { names, dict } = tables;
  // Names and dates repeat a lot: normalise and intern each distinct written form once (one Map
  // lookup per field and record; counting is by id).
  const rawIds = new Map<string, number>();
  const nid = (raw: string | null | undefined): number => {
    if (!raw) return 0;
    let id = rawIds.get(raw);
    if (id === undefined) {
      id = names.add(nameKey(raw, dict), 0, false);
      if (rawIds.size < 2_000_000) rawIds.set(raw, id);
    }
    return id;
  };
  const keyOf = (id: number): NameKey => (id ? { key: names.values[id], skel: names.skel[id], tokens: names.tokens[id] } : EMPTY_NAME);
  // Full name id → [given id, family id] of its split.
  const splits = new Map<number, number>();
  const splitIds = (id: number): number => {
    let v = splits.get(id);
    if (v === undefined) {
      const sp = splitFull(keyOf(id));
      const g = names.add(sp.given, 0, false);
      const f = names.add(sp.family, 0, false);
      v = g * 67108864 + f;
      splits.set(id, v);
    }
    return v;
  };
  // Birth: one cache per field for the usual case of a single birth field, else a composite key.
  const birthCaches = [new Map<unknown, Birth>(), new Map<unknown, Birth>(), new Map<unknown, Birth>(), new Map<unknown, Birth>(), new Map<unknown, Birth>()];
  const birthOf = (r: PersonRecord): Birth => {
    const hasD = !!r.birthDate;
    const hasY = r.birthYear !== null && r.birthYear !== undefined && r.birthYear !== '';
    const hasA = r.age !== null && r.age !== undefined && r.age !== '';
    const hasS = !!r.birthDateSh;
    const k = +hasD + +hasY + +hasA + +hasS;
    if (!k) return NO_BIRTH;
    let cache: Map<unknown, Birth>;
    let key: unknown;
    if (k > 1) {
      cache = birthCaches[4];
      key = `${r.birthDate ?? ''}|${r.birthYear ?? ''}|${r.age ?? ''}|${r.birthDateSh ?? ''}`;
    } else if (hasD) {
      cache = birthCaches[0];
      key = r.birthDate;
    } else if (hasY) {
      cache = birthCaches[1];
      key = r.birthYear;
    } else if (hasA) {
      cache = birthCaches[2];
      key = r.age;
    } else {
      cache = birthCaches[3];
      key = r.birthDateSh;
    }
    let b = cache.get(key);
    if (!b) {
      b = normaliseBirth(r, tables.birth);
      if (cache.size < 1_000_000) cache.set(key, b);
    }
    return b;
  };
  let addr = new Int32Array(Math.max(16, n * 2));
  let na = 0;
  for (let i = 0; i < n; i++) {
    if (i >= ready) ready = more!(i);
    const r = records[i];
    p.ids[i] = r.id;
    let given = nid(r.givenName);
    let family = nid(r.familyName);
    if (!given || !family) {
      const full = nid(r.fullName || r.nameAr);
      if (full) {
        const v = splitIds(full);
        const sg = Math.floor(v / 67108864);
        const sf = v - sg * 67108864;
        if (!given && !family) {
          given = sg;
          family = sf;
        } else if (!given) {
          given = sg === family ? sf : sg;
        } else if (!family) {
          family = sf === given ? sg : sf;
        }
      }
    }
    if (count) {
      names.bump(F_GIVEN, given);
      names.bump(F_FAMILY, family);
    }
    p.given[i] = given;
    p.family[i] = family;
    const father = nid(r.fatherName);
    if (count) names.bump(F_FATHER, father);
    p.father[i] = father;
    const sx = r.sex;
    p.sex[i] = sx === 'M' ? 1 : sx === 'F' ? 2 : normaliseSex(sx);
    const b = birthOf(r);
    p.by[i] = b.y;
    p.bm[i] = b.m;
    p.bd[i] = b.d;
    p.byLo[i] = b.yLo;
    p.byHi[i] = b.yHi;
    p.bprec[i] = PREC[b.precision];
    p.doc[i] = tables.docs.id(normaliseDocument(r.documentNumber), 0, count);
    p.phone[i] = tables.phones.id(normalisePhone(r.phone), 0, count);
    // Place codes repeat: one trim / upper-case per distinct written form.
    const lraw = r.locationPcode;
    let loc = 0;
    if (lraw) {
      let l = rawLocs.get(lraw);
      if (l === undefined) {
        l = tables.locs.id(lraw.trim().toUpperCase(), 0, false);
        if (rawLocs.size < 100_000) rawLocs.set(lraw, l);
      }
      if (count) tables.locs.bump(0, l);
      loc = l;
    }
    p.loc[i] = loc;
    if (r.address)
      for (const t of addressTokens(r.address)) {
        if (na === addr.length) {
          const grown = new Int32Array(addr.length * 2);
          grown.set(addr);
          addr = grown;
        }
        addr[na++] = tables.addr.id(t, 0, count);
      }
    p.addrOff[i + 1] = na;
    const h = r.householdId;
    if (h) {
      let id = households.get(h);
      if (id === undefined) households.set(h, (id = households.size + 1));
      p.hh[i] = id;
      p.withHousehold++;
    }
  }
  p.addrTok = addr.slice(0, na);
  if (part) p.hhKeys = ['', ...households.keys()];
  else p.rec = interleave(p, tables.docs.values);
  return p;
}
