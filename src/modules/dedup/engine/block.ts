/**
 * Blocking: each record emits several keys (name skeletons with birth year, family + father,
 * document number and its one-deletion variants, phone, birth date, location + given name). A key
 * is hashed to 32 bits and packed with the record index into one float64 (hash · 2^bits + index),
 * so sorting one Float64Array groups the blocks. Pairs inside a block become candidates; a block
 * larger than the cap is handled as a sorted neighbourhood (each record paired with the next
 * `window` records in name order). Candidate pairs are packed as a·n + b, sorted and deduplicated,
 * then returned as two Uint32Arrays.
 */
import type { Prepared, Tables } from './prepare';

export interface BlockOptions {
  /** Largest block whose pairs are all compared (default 20). */
  maxBlock?: number;
  /** Sorted-neighbourhood window inside larger blocks (default 5). */
  window?: number;
}

/** FNV-1a 32-bit. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Blocking keys of record i (strings, each starting with its kind). */
export function blockingKeys(T: Tables, P: Prepared, i: number, out: string[] = []): string[] {
  out.length = 0;
  const N = T.names;
  const g = P.given[i];
  const f = P.family[i];
  const fa = P.father[i];
  const gs = g ? N.skel[g].slice(0, 8) : '';
  const fs = f ? N.skel[f].slice(0, 8) : '';
  const fas = fa ? N.skel[fa].slice(0, 8) : '';
  const lo = P.byLo[i];
  const hi = P.byHi[i];
  if (P.bprec[i] && hi - lo <= 6) {
    // The given name (or, without one, the family name) with each plausible birth year.
    const ns = gs || fs;
    if (ns) for (let y = lo; y <= hi; y++) out.push(`y${ns}|${y}`);
  }
  if (gs && fs) out.push(gs < fs ? `n${gs}|${fs}` : `n${fs}|${gs}`);
  if (fs && fas) out.push(`p${fs}|${fas}`);
  if (gs && fas) out.push(`q${gs}|${fas}`);
  // A single given name with no family name (common in Afghan registrations): full given key.
  if (g && !f && !fa) out.push(`o${N.values[g]}`);
  if (P.bprec[i] === 3) {
    out.push(`b${P.by[i]}-${P.bm[i]}-${P.bd[i]}`);
    if (P.bm[i] !== P.bd[i]) out.push(`b${P.by[i]}-${Math.min(P.bm[i], P.bd[i])}-${Math.max(P.bm[i], P.bd[i])}x`);
  }
  // Address: house number + first word of the street, and the first two words.
  const a0 = P.addrOff[i];
  const a1 = P.addrOff[i + 1];
  if (a1 - a0 >= 2) {
    const A = T.addr.values;
    out.push(`a${A[P.addrTok[a0]]}|${A[P.addrTok[a0 + 1]]}`);
    if (a1 - a0 >= 3) out.push(`a${A[P.addrTok[a0 + 1]]}|${A[P.addrTok[a0 + 2]]}`);
  }
  const d = P.doc[i];
  if (d) {
    const doc = T.docs.values[d];
    out.push(`d${doc}`);
    if (doc.length >= 5 && doc.length <= 16) for (let k = 0; k < doc.length; k++) out.push(`e${doc.slice(0, k)}${doc.slice(k + 1)}`);
  }
  const ph = P.phone[i];
  if (ph) out.push(`t${T.phones.values[ph].slice(-7)}`);
  const l = P.loc[i];
  if (l) {
    if (gs) out.push(`l${l}|${gs}`);
    if (fs && fs !== gs) out.push(`l${l}|${fs}`);
  }
  return out;
}

export interface Candidates {
  a: Uint32Array;
  b: Uint32Array;
  blocks: number;
  oversized: number;
}

export interface BlockIndex {
  /** Sorted packed keys (hash · 2^idxBits + index). */
  keys: Float64Array;
  idxBits: number;
  hashShift: number;
}

function idxBitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n + 1)));
}

/** Packed, sorted blocking keys of all records. */
export function buildBlockIndex(T: Tables, P: Prepared): BlockIndex {
  const idxBits = idxBitsFor(P.n);
  if (idxBits > 26) throw new RangeError('too many records for one block index');
  const hashBits = Math.min(32, 53 - idxBits);
  const hashShift = 32 - hashBits;
  const scale = 2 ** idxBits;
  let keys = new Float64Array(Math.max(16, P.n * 8));
  let k = 0;
  const buf: string[] = [];
  for (let i = 0; i < P.n; i++) {
    blockingKeys(T, P, i, buf);
    if (k + buf.length > keys.length) {
      const grown = new Float64Array(Math.max(keys.length * 2, k + buf.length));
      grown.set(keys.subarray(0, k));
      keys = grown;
    }
    for (const s of buf) keys[k++] = (hash32(s) >>> hashShift) * scale + i;
  }
  keys = keys.slice(0, k);
  keys.sort();
  return { keys, idxBits, hashShift };
}

/** Records sharing any blocking key with the key strings given (for single-record lookup). */
export function blockMembers(index: BlockIndex, keyStrings: string[], cap: number, out: Set<number>): void {
  const scale = 2 ** index.idxBits;
  const { keys } = index;
  for (const s of keyStrings) {
    const h = (hash32(s) >>> index.hashShift) * scale;
    // lower bound of h
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    const end = h + scale;
    let taken = 0;
    for (let p = lo; p < keys.length && keys[p] < end && taken < cap; p++, taken++) out.add(keys[p] - h);
  }
}

/**
 * Candidate pairs (a < b). With `split` set (record linkage), only pairs with a < split ≤ b.
 */
export function candidatePairs(T: Tables, P: Prepared, index: BlockIndex, opts: BlockOptions = {}, split = 0): Candidates {
  const maxBlock = opts.maxBlock ?? 20;
  const window = opts.window ?? 5;
  const scale = 2 ** index.idxBits;
  const { keys } = index;
  const n = P.n;
  let pairs = new Float64Array(Math.max(1024, n * 4));
  let np = 0;
  const push = (x: number, y: number) => {
    if (x === y) return;
    const a = x < y ? x : y;
    const b = x < y ? y : x;
    if (split && !(a < split && b >= split)) return;
    if (np === pairs.length) {
      const grown = new Float64Array(pairs.length * 2);
      grown.set(pairs);
      pairs = grown;
    }
    pairs[np++] = a * n + b;
  };
  let blocks = 0;
  let oversized = 0;
  const members: number[] = [];
  // Order inside oversized blocks: same family, then same given name, next to each other.
  const order = (r: number) => P.family[r] * 33554432 + P.given[r];
  for (let s = 0; s < keys.length; ) {
    const h = Math.floor(keys[s] / scale);
    let e = s + 1;
    while (e < keys.length && Math.floor(keys[e] / scale) === h) e++;
    const size = e - s;
    if (size > 1) {
      blocks++;
      members.length = 0;
      for (let p = s; p < e; p++) members.push(keys[p] - h * scale);
      if (size <= maxBlock) {
        for (let x = 0; x < size; x++) for (let y = x + 1; y < size; y++) push(members[x], members[y]);
      } else {
        oversized++;
        members.sort((x, y) => order(x) - order(y));
        for (let x = 0; x < size; x++) for (let y = x + 1; y < size && y <= x + window; y++) push(members[x], members[y]);
      }
    }
    s = e;
  }
  const packed = pairs.subarray(0, np);
  packed.sort();
  let m = 0;
  for (let p = 0; p < np; p++) if (p === 0 || packed[p] !== packed[p - 1]) packed[m++] = packed[p];
  const a = new Uint32Array(m);
  const b = new Uint32Array(m);
  for (let p = 0; p < m; p++) {
    const v = packed[p];
    const x = Math.floor(v / n);
    a[p] = x;
    b[p] = v - x * n;
  }
  return { a, b, blocks, oversized };
}
