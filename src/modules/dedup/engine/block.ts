/**
 * Blocking: each record emits several keys (name skeletons in pairs: given + family, family + father,
 * document number, its one-deletion variants tagged with the position and its adjacent swaps,
 * phone, sex + birth date, location + sex + given name). Keys are hashed to 32 bits without
 * building strings (blockingHashes; blockingKeys gives the same keys as strings, for tests and
 * explanations), and (hash, record) pairs are radix-sorted in typed arrays, so runs of equal hash are the blocks. Pairs inside a block become candidates; a block
 * larger than the cap is handled as a sorted neighbourhood (each record paired with the next
 * `window` records in (family, given, father, birth year) order). Candidate pairs are bucketed by their first record (counting
 * sort), deduplicated with a last-seen marker, and returned as two Uint32Arrays sorted by (a, b).
 */
import type { Prepared, Tables } from './prepare';

export interface BlockOptions {
  /** Largest block whose pairs are all compared (default 14). */
  maxBlock?: number;
  /** Sorted-neighbourhood window inside larger blocks (default 4). */
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
  // No name + birth-year key: at 100k records it made a third of all candidate pairs (an age gives
  // five to seven plausible years) and found 0.04 % of true pairs that no other key found.
  if (gs && fs) out.push(gs < fs ? `n${gs}|${fs}` : `n${fs}|${gs}`);
  if (fs && fas) out.push(`p${fs}|${fas}`);
  if (gs && fas) out.push(`q${gs}|${fas}`);
  // A single given name with no family name (common in Afghan registrations): full given key.
  if (g && !f && !fa) out.push(`o${N.values[g]}`);
  // Keys with the sex: a record whose sex is unknown emits them for both sexes.
  const sexes = P.sex[i] ? [P.sex[i]] : [1, 2];
  if (P.bprec[i] === 3) {
    // With the sex, like the place keys: at a million records a birth date alone is a block of 30.
    for (const sx of sexes) {
      out.push(`b${sx}${P.by[i]}-${P.bm[i]}-${P.bd[i]}`);
      // Day and month swapped: possible only when the day could be a month too.
      if (P.bm[i] !== P.bd[i] && P.bd[i] <= 12) out.push(`b${sx}${P.by[i]}-${Math.min(P.bm[i], P.bd[i])}-${Math.max(P.bm[i], P.bd[i])}x`);
    }
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
    if (doc.length >= 5 && doc.length <= 16) {
      // One mistyped character: the number without character k, tagged with k (untagged, random
      // numbers of a million records collide on their deletions far too often). Two characters
      // swapped: the number with k and k + 1 swapped is the other's number.
      for (let k = 0; k < doc.length; k++) out.push(`e${k}|${doc.slice(0, k)}${doc.slice(k + 1)}`);
      for (let k = 0; k + 1 < doc.length; k++) if (doc[k] !== doc[k + 1]) out.push(`d${doc.slice(0, k)}${doc[k + 1]}${doc[k]}${doc.slice(k + 2)}`);
    }
  }
  const ph = P.phone[i];
  if (ph) out.push(`t${T.phones.values[ph].slice(-7)}`);
  const l = P.loc[i];
  if (l) {
    // With the sex: a common given name in a populous district is a large block.
    for (const sx of sexes) {
      if (gs) out.push(`l${l}|${sx}${gs}`);
      if (fs && fs !== gs) out.push(`l${l}|${sx}${fs}`);
      // Without a family name (no family + father key), the father's name instead of the
      // record's own: a mistyped or differently split given name ("Rasheed" / "Rahid",
      // "Asifullha" / "Asif Ullah") shares no other key.
      if (fas && !fs) out.push(`m${l}|${sx}${fas}`);
    }
  }
  return out;
}

// Incremental FNV-1a: the same 32-bit hashes as hash32 of the key strings built by blockingKeys,
// computed without building the strings (at 1M records they were ~20M short-lived strings).
const FNV0 = 0x811c9dc5;
const fc = (h: number, c: number) => Math.imul(h ^ c, 0x01000193);
function fs(h: number, s: string, from: number, to: number): number {
  for (let k = from; k < to; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h;
}
/** Decimal digits of an integer, as `${x}` would write them. */
function fi(h: number, x: number): number {
  if (x < 0) {
    h = fc(h, 45);
    x = -x;
  }
  if (x >= 10) h = fi(h, Math.floor(x / 10));
  return fc(h, 48 + (x % 10));
}
const C_BAR = 124;
const C_DASH = 45;

/**
 * Blocking-key hashes of record i: hash32 of every key blockingKeys(T, P, i) returns, in the same
 * order, but without allocating strings. Returns the count written to `out`.
 */
export function blockingHashes(T: Tables, P: Prepared, i: number, out: number[], withPlace = true): number {
  let k = 0;
  const N = T.names;
  const g = P.given[i];
  const f = P.family[i];
  const fa = P.father[i];
  const gS = g ? N.skel[g] : '';
  const fS = f ? N.skel[f] : '';
  const faS = fa ? N.skel[fa] : '';
  const gl = gS.length < 8 ? gS.length : 8;
  const fl = fS.length < 8 ? fS.length : 8;
  const fal = faS.length < 8 ? faS.length : 8;
  // 8-character prefixes, kept per name id (no slices per record); tables rebuilt for scoring
  // workers do not have them.
  const s8 = N.skel8;
  const gs8 = g < s8.length ? s8[g] : gS.slice(0, 8);
  const fs8 = f < s8.length ? s8[f] : fS.slice(0, 8);
  if (gl && fl) {
    // gs < fs compares the 8-character prefixes as strings.
    const lt = gs8 < fs8;
    const x = lt ? gs8 : fs8;
    const y = lt ? fs8 : gs8;
    out[k++] = fs(fc(fs(fc(FNV0, 110), x, 0, x.length), C_BAR), y, 0, y.length) >>> 0;
  }
  if (fl && fal) out[k++] = fs(fc(fs(fc(FNV0, 112), fS, 0, fl), C_BAR), faS, 0, fal) >>> 0;
  if (gl && fal) out[k++] = fs(fc(fs(fc(FNV0, 113), gS, 0, gl), C_BAR), faS, 0, fal) >>> 0;
  if (g && !f && !fa) {
    const v = N.values[g];
    out[k++] = fs(fc(FNV0, 111), v, 0, v.length) >>> 0;
  }
  if (P.bprec[i] === 3) {
    const by = P.by[i];
    const bm = P.bm[i];
    const bd = P.bd[i];
    // Unknown sex: the keys of both sexes.
    const sx0 = P.sex[i];
    for (let sx = sx0 || 1; sx <= (sx0 || 2); sx++) {
      const hb = fc(fc(FNV0, 98), 48 + sx);
      out[k++] = fi(fc(fi(fc(fi(hb, by), C_DASH), bm), C_DASH), bd) >>> 0;
      if (bm !== bd && bd <= 12) out[k++] = fc(fi(fc(fi(fc(fi(hb, by), C_DASH), bm < bd ? bm : bd), C_DASH), bm < bd ? bd : bm), 120) >>> 0;
    }
  }
  const a0 = P.addrOff[i];
  const a1 = P.addrOff[i + 1];
  if (a1 - a0 >= 2) {
    const A = T.addr.values;
    const t0 = A[P.addrTok[a0]];
    const t1 = A[P.addrTok[a0 + 1]];
    const h1 = fs(fc(FNV0, 97), t0, 0, t0.length);
    out[k++] = fs(fc(h1, C_BAR), t1, 0, t1.length) >>> 0;
    if (a1 - a0 >= 3) {
      const t2 = A[P.addrTok[a0 + 2]];
      out[k++] = fs(fc(fs(fc(FNV0, 97), t1, 0, t1.length), C_BAR), t2, 0, t2.length) >>> 0;
    }
  }
  const d = P.doc[i];
  if (d) {
    const doc = T.docs.values[d];
    const L = doc.length;
    out[k++] = fs(fc(FNV0, 100), doc, 0, L) >>> 0;
    if (L >= 5 && L <= 16) {
      for (let x = 0; x < L; x++) out[k++] = fs(fs(fc(fi(fc(FNV0, 101), x), C_BAR), doc, 0, x), doc, x + 1, L) >>> 0;
      let pre = fc(FNV0, 100);
      for (let x = 0; x + 1 < L; x++) {
        const c0 = doc.charCodeAt(x);
        const c1 = doc.charCodeAt(x + 1);
        if (c0 !== c1) out[k++] = fs(fc(fc(pre, c1), c0), doc, x + 2, L) >>> 0;
        pre = fc(pre, c0);
      }
    }
  }
  const ph = P.phone[i];
  if (ph) {
    const v = T.phones.values[ph];
    out[k++] = fs(fc(FNV0, 116), v, v.length > 7 ? v.length - 7 : 0, v.length) >>> 0;
  }
  return withPlace ? placeHashes(T, P, i, out, k) : k;
}

/**
 * The place keys of blockingHashes (the last ones), written from out[k]; returns the new count.
 * Apart because they hash the place's interned id: a part prepared in its own tables
 * (prepare-parallel.ts) hashes every other key itself, and these after the merge.
 */
export function placeHashes(T: Tables, P: Prepared, i: number, out: number[] | Uint32Array, k: number): number {
  const l = P.loc[i];
  if (!l) return k;
  const N = T.names;
  const g = P.given[i];
  const f = P.family[i];
  const gS = g ? N.skel[g] : '';
  const fS = f ? N.skel[f] : '';
  const gl = gS.length < 8 ? gS.length : 8;
  const fl = fS.length < 8 ? fS.length : 8;
  const s8 = N.skel8;
  const gs8 = g < s8.length ? s8[g] : gS.slice(0, 8);
  const fs8 = f < s8.length ? s8[f] : fS.slice(0, 8);
  const fa = P.father[i];
  const faS = fa && !fl ? N.skel[fa] : '';
  const sx0 = P.sex[i];
  // Unknown sex: the keys of both sexes.
  for (let sx = sx0 || 1; sx <= (sx0 || 2); sx++) {
    const hl = fc(fc(fi(fc(FNV0, 108), l), C_BAR), 48 + sx);
    if (gl) out[k++] = fs(hl, gS, 0, gl) >>> 0;
    if (fl && (fl !== gl || fs8 !== gs8)) out[k++] = fs(hl, fS, 0, fl) >>> 0;
    if (faS) out[k++] = fs(fc(fc(fi(fc(FNV0, 109), l), C_BAR), 48 + sx), faS, 0, faS.length < 8 ? faS.length : 8) >>> 0;
  }
  return k;
}

/**
 * One large buffer from which a batch carves its big typed arrays. Every large ArrayBuffer
 * allocation counts as external memory and pushes V8 into another full marking cycle over the
 * caller's whole heap (at 1M records, a few seconds each); one arena means one such cycle.
 * Memory is zero-filled and never reused; when the arena runs out, arrays are allocated normally.
 */
export class Arena {
  private readonly buf: ArrayBuffer | SharedArrayBuffer;
  private off = 0;
  /** Shared memory, so that scoring workers can read the pairs and write the scores (parallel.ts). */
  constructor(bytes: number) {
    this.buf = new SharedArrayBuffer(Math.max(8, Math.ceil(bytes / 8) * 8));
  }
  private take(bytes: number): number {
    const at = this.off;
    if (at + bytes > this.buf.byteLength) return -1;
    this.off = at + Math.ceil(bytes / 8) * 8;
    return at;
  }
  u32(n: number): Uint32Array {
    const at = this.take(n * 4);
    return at < 0 ? new Uint32Array(n) : new Uint32Array(this.buf, at, n);
  }
  f32(n: number): Float32Array {
    const at = this.take(n * 4);
    return at < 0 ? new Float32Array(n) : new Float32Array(this.buf, at, n);
  }
}

const u32 = (arena: Arena | undefined, n: number): Uint32Array => (arena ? arena.u32(n) : new Uint32Array(n));

export interface Candidates {
  a: Uint32Array;
  b: Uint32Array;
  blocks: number;
  oversized: number;
}

export interface BlockIndex {
  /** Key hashes, sorted ascending; idx[k] is the record that emitted hash[k] (ascending within a hash). */
  hash: Uint32Array;
  idx: Uint32Array;
}

/**
 * Stable LSD radix sort of (key, val) by key (32-bit unsigned), in place: four passes of 8 bits
 * through one pair of scratch arrays. Typed arrays only: no comparator calls, no garbage.
 */
export function radixSortPairs(key: Uint32Array, val: Uint32Array, arena?: Arena): void {
  const n = key.length;
  let k1: Uint32Array = key;
  let v1: Uint32Array = val;
  let k2: Uint32Array = u32(arena, n);
  let v2: Uint32Array = u32(arena, n);
  const count = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let x = 0; x < n; x++) count[(k1[x] >>> shift) & 255]++;
    let sum = 0;
    for (let c = 0; c < 256; c++) {
      const t = count[c];
      count[c] = sum;
      sum += t;
    }
    for (let x = 0; x < n; x++) {
      const k = k1[x];
      const d = count[(k >>> shift) & 255]++;
      k2[d] = k;
      v2[d] = v1[x];
    }
    [k1, k2] = [k2, k1];
    [v1, v2] = [v2, v1];
  }
  // Four passes: the result is back in key / val.
}

/** Sorted blocking-key hashes of all records. */
export function buildBlockIndex(T: Tables, P: Prepared, arena?: Arena): BlockIndex {
  let cap = Math.max(16, P.n * 16);
  let hash = u32(arena, cap);
  let idx = u32(arena, cap);
  let k = 0;
  const buf: number[] = [];
  const part = P.partHashes;
  for (let i = 0; i < P.n; i++) {
    let c: number;
    if (part && i >= part.from && !part.redo[i - part.from]) {
      // Hashed where the record was prepared, all but the place keys.
      const o0 = part.off[i - part.from];
      const o1 = part.off[i - part.from + 1];
      for (let x = o0; x < o1; x++) buf[x - o0] = part.hash[x];
      c = placeHashes(T, P, i, buf, o1 - o0);
    } else c = blockingHashes(T, P, i, buf);
    if (k + c > cap) {
      cap = Math.max(cap * 2, k + c);
      const h2 = new Uint32Array(cap);
      h2.set(hash.subarray(0, k));
      hash = h2;
      const i2 = new Uint32Array(cap);
      i2.set(idx.subarray(0, k));
      idx = i2;
    }
    for (let x = 0; x < c; x++) {
      hash[k] = buf[x];
      idx[k++] = i;
    }
  }
  hash = hash.subarray(0, k);
  idx = idx.subarray(0, k);
  radixSortPairs(hash, idx, arena);
  return { hash, idx };
}

/** Records sharing any blocking key with the hashes given (for single-record lookup). */
export function blockMembers(index: BlockIndex, keyHashes: readonly number[], count: number, cap: number, out: Set<number>): void {
  const { hash, idx } = index;
  for (let q = 0; q < count; q++) {
    const h = keyHashes[q] >>> 0;
    let lo = 0;
    let hi = hash.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hash[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    let taken = 0;
    for (let p = lo; p < hash.length && hash[p] === h && taken < cap; p++, taken++) out.add(idx[p]);
  }
}

/**
 * Records ordered by (family, given, father name id, birth year): rank[i] is record i's position,
 * byRank the inverse. Inside an oversized block (which shares a name key, so often the same
 * given and father's name) the birth year then brings records of one person next to each other.
 * Stable counting sorts from the last key to the first, linear time.
 */
function nameOrder(P: Prepared, K: number): { rank: Uint32Array; byRank: Uint32Array } {
  const n = P.n;
  let cur = new Uint32Array(n);
  let nxt = new Uint32Array(n);
  for (let i = 0; i < n; i++) cur[i] = i;
  const year = (i: number) => (P.bprec[i] ? Math.max(0, Math.min(399, ((P.byLo[i] + P.byHi[i]) >> 1) - 1850)) + 1 : 0);
  const pass = (keyOf: (i: number) => number, K1: number) => {
    const count = new Uint32Array(K1 + 2);
    for (let x = 0; x < n; x++) count[keyOf(cur[x]) + 1]++;
    for (let c = 1; c <= K1 + 1; c++) count[c] += count[c - 1];
    for (let x = 0; x < n; x++) {
      const i = cur[x];
      nxt[count[keyOf(i)]++] = i;
    }
    [cur, nxt] = [nxt, cur];
  };
  pass(year, 401);
  pass((i) => P.father[i], K);
  pass((i) => P.given[i], K);
  pass((i) => P.family[i], K);
  const byRank = cur;
  const rank = nxt;
  for (let r = 0; r < n; r++) rank[byRank[r]] = r;
  return { rank, byRank };
}

/**
 * Candidate pairs (a < b), sorted by a then b, without duplicates. With `split` set (record
 * linkage), only pairs with a < split ≤ b. Blocks are runs of equal hash in the index; pairs are
 * collected into typed arrays (counted first, so allocated once), then deduplicated with a
 * counting sort by a and a last-seen marker per b.
 */
export function candidatePairs(T: Tables, P: Prepared, index: BlockIndex, opts: BlockOptions = {}, split = 0, arena?: Arena): Candidates {
  const maxBlock = opts.maxBlock ?? 14;
  const window = opts.window ?? 4;
  const { hash, idx } = index;
  const n = P.n;
  const L = hash.length;
  // Pairs are generated twice: first to count them per smaller record (CSR offsets), then to
  // write each b into its slot. No intermediate pair arrays.
  const start = u32(arena, n + 1);
  const byA: { arr: Uint32Array } = { arr: new Uint32Array(0) };
  const fill = u32(arena, n);
  let counting = true;
  let blocks = 0;
  let oversized = 0;
  const push = (x: number, y: number) => {
    if (x === y) return;
    const a = x < y ? x : y;
    const b = x < y ? y : x;
    if (split && !(a < split && b >= split)) return;
    if (counting) start[a + 1]++;
    else byA.arr[fill[a]++] = b;
  };
  // Order inside oversized blocks: same family, then same given name, next to each other.
  let order: { rank: Uint32Array; byRank: Uint32Array } | undefined;
  let ranks = new Uint32Array(64);
  for (let pass = 0; pass < 2; pass++) {
    for (let s = 0; s < L; ) {
      const h = hash[s];
      let e = s + 1;
      while (e < L && hash[e] === h) e++;
      const size = e - s;
      if (size > 1) {
        if (counting) blocks++;
        if (size <= maxBlock) {
          for (let x = s; x < e; x++) for (let y = x + 1; y < e; y++) push(idx[x], idx[y]);
        } else {
          if (counting) oversized++;
          order ??= nameOrder(P, T.names.values.length);
          const { rank, byRank } = order;
          if (size > ranks.length) ranks = new Uint32Array(size * 2);
          for (let x = 0; x < size; x++) ranks[x] = rank[idx[s + x]];
          const r = ranks.subarray(0, size).sort();
          for (let x = 0; x < size; x++) {
            const rx = byRank[r[x]];
            for (let y = x + 1; y < size && y <= x + window; y++) push(rx, byRank[r[y]]);
          }
        }
      }
      s = e;
    }
    if (counting) {
      for (let i = 0; i < n; i++) start[i + 1] += start[i];
      fill.set(start.subarray(0, n));
      byA.arr = u32(arena, start[n]);
      counting = false;
    }
  }
  // Deduplicate within each a (last-seen marker per b), sort b (lists are short), compact.
  const out = byA.arr;
  const seen = fill;
  seen.fill(0xffffffff);
  let m = 0;
  for (let a = 0; a < n; a++) {
    const from = m;
    const to = start[a + 1];
    if (to - start[a] > 48) {
      // A long list (a record in many full blocks): compact, then one native sort.
      for (let p = start[a]; p < to; p++) {
        const b = out[p];
        if (seen[b] === a) continue;
        seen[b] = a;
        out[m++] = b;
      }
      out.subarray(from, m).sort();
    } else {
      for (let p = start[a]; p < to; p++) {
        const b = out[p];
        if (seen[b] === a) continue;
        seen[b] = a;
        let q = m++;
        while (q > from && out[q - 1] > b) {
          out[q] = out[q - 1];
          q--;
        }
        out[q] = b;
      }
    }
    start[a] = from;
  }
  start[n] = m;
  const A = u32(arena, m);
  for (let a = 0; a < n; a++) A.fill(a, start[a], start[a + 1]);
  return { a: A, b: out.subarray(0, m), blocks, oversized };
}
