/**
 * Fellegi–Sunter-style pair scoring: the score is a sum of log2 likelihood ratios, one per field.
 * Agreement on a value weighs log2(m / u) where u is how often that value occurs in the field
 * across the dataset (so agreeing on "mohammad" counts less than agreeing on a rare name);
 * near-agreement (Jaro-Winkler, transliteration skeleton, dictionary variant, token subset) earns
 * part of that; disagreement costs a fixed penalty; a missing value counts zero.
 */
import * as jaroModule from './jaro';
import * as layout from './prepare';
import type { NameTable, Prepared, Tables, Interner } from './prepare';

// Imported bindings are read through a getter per access when the module is compiled to CommonJS
// (tsx): in the scoring loop that cost ~15 % of the batch. Copy them once into module constants.
const jaroWinkler = jaroModule.jaroWinkler;
const withinOneEdit = jaroModule.withinOneEdit;
const F_FAMILY = layout.F_FAMILY;
const F_FATHER = layout.F_FATHER;
const F_GIVEN = layout.F_GIVEN;
const R_ADDR0 = layout.R_ADDR0;
const R_ADDR1 = layout.R_ADDR1;
const R_BD = layout.R_BD;
const R_BM = layout.R_BM;
const R_BPREC = layout.R_BPREC;
const R_BY = layout.R_BY;
const R_BYHI = layout.R_BYHI;
const R_BYLO = layout.R_BYLO;
const R_DOC = layout.R_DOC;
const R_DOCSIG = layout.R_DOCSIG;
const R_FAMILY = layout.R_FAMILY;
const R_FATHER = layout.R_FATHER;
const R_GIVEN = layout.R_GIVEN;
const R_LOC = layout.R_LOC;
const R_PHONE = layout.R_PHONE;
const R_SEX = layout.R_SEX;
const REC_STRIDE = layout.REC_STRIDE;

export interface ScoreWeights {
  /** m-probability: how often a true match agrees on a field. */
  m: number;
  nameMaxAgree: number;
  nameMinAgree: number;
  givenDisagree: number;
  familyDisagree: number;
  fatherDisagree: number;
  swapPenalty: number;
  dateExact: number;
  dateOneOff: number;
  yearOnly: number;
  yearRange: number;
  dateDisagree: number;
  /** Birth years more than 5 apart (10 for full dates, where a year digit may be mistyped). */
  dateFar: number;
  sexAgree: number;
  sexDisagree: number;
  docMaxAgree: number;
  docOneEdit: number;
  docDisagree: number;
  phoneMaxAgree: number;
  phoneDisagree: number;
  locMaxAgree: number;
  locDisagree: number;
  addrAgree: number;
  addrDisagree: number;
  householdCap: number;
  /** Co-member support (household.ts): one other member pair of the two households matches… */
  householdSupport1: number;
  /** …two or more do. */
  householdSupport2: number;
  /** Both records in the same household (a household lists each member once). */
  sameHousehold: number;
  /** One record already matches another member of the other household (household.ts). */
  householdConflict: number;
  /**
   * The pair is the only one at review level between two households that both have two or more
   * members (household.ts).
   */
  householdLone: number;
}

export const DEFAULT_WEIGHTS: ScoreWeights = {
  m: 0.95,
  nameMaxAgree: 12,
  nameMinAgree: 1,
  givenDisagree: -7,
  familyDisagree: -4,
  fatherDisagree: -4,
  swapPenalty: 1,
  dateExact: 10,
  dateOneOff: 4,
  yearOnly: 4,
  yearRange: 2.5,
  dateDisagree: -6,
  dateFar: -12,
  sexAgree: 0.6,
  sexDisagree: -6,
  docMaxAgree: 14,
  docOneEdit: 7,
  docDisagree: -7,
  phoneMaxAgree: 6,
  phoneDisagree: -1,
  locMaxAgree: 4,
  // log2(P(other district | same person) / P(other district | different people)) ≈ log2(0.2 / 1):
  // people move, but most duplicates are registered in the same district.
  locDisagree: -2.3,
  addrAgree: 6,
  addrDisagree: -2,
  householdCap: 16,
  householdSupport1: 6,
  householdSupport2: 9,
  sameHousehold: -6,
  householdConflict: -6,
  // log2(P(lone | same person) / P(lone | namesakes)): namesakes of two families are lone almost
  // always; a person counted twice is lone when re-registered into another household of several
  // (a marriage, a relative's household, a split), which we take to be a quarter of duplicates:
  // log2(0.25) = −2. The synthetic registry has no such people (it registers people again on
  // their own), so it measures what the weight gains but cannot measure what it costs; hence a
  // prior, not a fitted value.
  householdLone: -2,
};

/**
 * Weights for data made by the Febrl generator (the CLI's `--preset febrl`): its duplicates often
 * have a whole name or the whole birth date replaced, and there are no households, so
 * disagreement costs less and the (rich, street-level) address counts more.
 */
export const FEBRL_WEIGHTS: ScoreWeights = {
  ...DEFAULT_WEIGHTS,
  givenDisagree: -4,
  familyDisagree: -3,
  dateDisagree: -3,
  dateFar: -4,
  locDisagree: -0.5,
  addrAgree: 9,
  householdCap: 1000,
};

const log2 = Math.log2;

/**
 * Agreement weight of a value with count c among `total` values: log2(m / u), clamped, where u
 * is the chance that a random other record has the value, (c − 1) / total, smoothed towards a
 * prior frequency u0 with k pseudo-records so that small datasets do not call everything common.
 */
export function rarityWeight(c: number, total: number, m: number, min: number, max: number, u0 = 0.01, k = 20): number {
  const u = ((c > 1 ? c - 1 : 0) + k * u0) / (total + k);
  const w = log2(m / u);
  return w < min ? min : w > max ? max : w;
}

/** Similarity in [0, 1] of two name keys (ids in the name table). */
export function nameSimilarity(T: NameTable, a: number, b: number): number {
  if (a === b) return 1;
  const x = a < b ? a : b;
  const y = a < b ? b : a;
  if (y >= T.cacheBelow) return computeNameSimilarity(T, a, b);
  const cache = T.simCache;
  const hit = cache.get(x, y);
  if (hit >= 0) return hit;
  const s = computeNameSimilarity(T, a, b);
  cache.set(x, y, s);
  return s;
}

function computeNameSimilarity(T: NameTable, a: number, b: number): number {
  const ka = T.values[a];
  const kb = T.values[b];
  let s = jaroWinkler(ka, kb);
  // Equal consonant skeletons count only when one side was romanised by rule from Arabic script
  // (محمود → mahmood and Muhamad → mohammad share "mhmd" but are different names).
  if (s < 0.92 && (T.rough[a] || T.rough[b])) {
    const sa = T.skel[a];
    if (sa.length >= 2 && sa === T.skel[b]) s = 0.92;
  }
  const ta = T.tokens[a];
  const tb = T.tokens[b];
  if (s >= 0.84 && ta.length >= 2 && ta.length === tb.length) {
    // Compound names compare token by token: "Mohammad Rafiq" and "Mohammad Hakim" share a long
    // prefix (high Jaro-Winkler on the joined key) but are different names, often brothers.
    let worst = 1;
    for (let k = 0; k < ta.length; k++) {
      if (ta[k] === tb[k]) continue;
      const t = jaroWinkler(ta[k], tb[k]);
      if (t < worst) worst = t;
    }
    if (worst < 0.8) s = Math.min(s, 0.83);
  }
  if (s < 0.88) {
    const small = ta.length <= tb.length ? ta : tb;
    const big = ta.length <= tb.length ? tb : ta;
    if (small.length && small.length < big.length) {
      // One name is part of the other ("Ahmad" / "Noor Ahmad"): maybe a short form, maybe a
      // sibling; neither agreement nor disagreement.
      let all = true;
      for (const t of small) if (!big.includes(t)) all = false;
      if (all) s = 0.86;
    }
  }
  return s;
}

function nameWeight(T: NameTable, fa: number, fb: number, a: number, b: number, W: ScoreWeights, disagree: number): number {
  if (!a || !b) return 0;
  let s = 1;
  if (a !== b) {
    s = nameSimilarity(T, a, b);
    if (s < 0.84) return disagree;
    if (s < 0.88) return 0;
  }
  const c = fa === fb ? (T.count(fa, a) + T.count(fa, b)) / 2 : Math.max(T.count(fa, a), T.count(fb, a), T.count(fa, b), T.count(fb, b));
  const A = rarityWeight(c, fa === fb ? T.totals[fa] : Math.min(T.totals[fa], T.totals[fb]), W.m, W.nameMinAgree, W.nameMaxAgree);
  if (a === b) return A;
  return A * (s >= 0.96 ? 0.8 : s >= 0.92 ? 0.6 : 0.35);
}

/** Birth-date weight of records at offsets x of A and y of B (interleaved `rec` arrays). */
function birthWeight(A: Int32Array, x: number, B: Int32Array, y: number, W: ScoreWeights): number {
  const pa = A[x + R_BPREC];
  const pb = B[y + R_BPREC];
  if (!pa || !pb) return 0;
  if (pa === 3 && pb === 3) {
    const ya = A[x + R_BY];
    const yb = B[y + R_BY];
    const ma = A[x + R_BM];
    const mb = B[y + R_BM];
    const da = A[x + R_BD];
    const db = B[y + R_BD];
    const ey = ya === yb;
    const em = ma === mb;
    const ed = da === db;
    if (ey && em && ed) return W.dateExact;
    if (ey && ma === db && da === mb) return W.dateOneOff; // day/month swapped
    const agree = +ey + +em + +ed;
    if (agree === 2) {
      // One part differs: a typo in one digit, or a year off by ≤ 10 (one digit).
      if (!ey) return Math.abs(ya - yb) <= 10 ? W.dateOneOff : W.yearOnly * 0.5;
      return W.dateOneOff;
    }
    if (ey) return 0;
    return Math.abs(ya - yb) > 10 ? W.dateFar : W.dateDisagree;
  }
  // At least one side is a year or an age range.
  const loA = A[x + R_BYLO];
  const hiA = A[x + R_BYHI];
  const loB = B[y + R_BYLO];
  const hiB = B[y + R_BYHI];
  const lo = loA > loB ? loA : loB;
  const hi = hiA < hiB ? hiA : hiB;
  if (lo <= hi) {
    const wa = hiA - loA;
    const wb = hiB - loB;
    return wa === 0 && wb === 0 ? W.yearOnly : wa <= 1 && wb <= 1 ? (W.yearOnly + W.yearRange) / 2 : W.yearRange;
  }
  const gap = lo - hi;
  if (gap <= 1 && (pa === 1 || pb === 1)) return 0;
  return gap <= 1 ? W.dateDisagree / 3 : gap <= 5 ? W.dateDisagree : W.dateFar;
}

function addrHalf(T: Interner, x0: number, x1: number, X: Prepared, y0: number, y1: number, Y: Prepared): number {
  let sum = 0;
  for (let x = x0; x < x1; x++) {
    const tx = X.addrTok[x];
    let best = 0;
    for (let y = y0; y < y1; y++) {
      const ty = Y.addrTok[y];
      if (tx === ty) {
        best = 1;
        break;
      }
      const s = jaroWinkler(T.values[tx], T.values[ty]);
      if (s > best) best = s;
    }
    sum += best < 0.85 ? 0 : best;
  }
  return sum / (x1 - x0);
}

/** Symmetric Monge-Elkan similarity of two addresses (token-wise Jaro-Winkler); −1 if one is empty. */
function addrSimilarity(T: Interner, P: Prepared, x: number, Q: Prepared, y: number): number {
  const a0 = P.rec[x + R_ADDR0];
  const a1 = P.rec[x + R_ADDR1];
  const b0 = Q.rec[y + R_ADDR0];
  const b1 = Q.rec[y + R_ADDR1];
  if (a0 === a1 || b0 === b1) return -1;
  return (addrHalf(T, a0, a1, P, b0, b1, Q) + addrHalf(T, b0, b1, Q, a0, a1, P)) / 2;
}

/**
 * Whether two place codes are within one edit (AF0101 / AF0102: a neighbouring district or a
 * typo). Most candidate pairs are of two places, so the answers are kept per pair of place ids,
 * in a table built at first use over the codes known then (place codes are few). A code added
 * later (a lookup's query, dropped after it) is compared directly; so is an id whose code is no
 * longer the one the table was built with.
 */
const NEAR_MAX = 2048;
const nearTables = new WeakMap<Interner, { n: number; near: Uint8Array; vals: string[] }>();
export function nearPlaceTable(L: Interner): { n: number; near: Uint8Array; vals: string[] } {
  let t = nearTables.get(L);
  if (!t) {
    const n = Math.min(L.values.length, NEAR_MAX);
    const near = new Uint8Array(n * n);
    for (let x = 1; x < n; x++) for (let y = x; y < n; y++) if (withinOneEdit(L.values[x], L.values[y])) near[x * n + y] = near[y * n + x] = 1;
    nearTables.set(L, (t = { n, near, vals: L.values.slice(0, n) }));
  }
  return t;
}
function nearPlaces(L: Interner, a: number, b: number): boolean {
  const t = nearTables.get(L) ?? nearPlaceTable(L);
  const V = L.values;
  if (a < t.n && b < t.n && V[a] === t.vals[a] && V[b] === t.vals[b]) return t.near[a * t.n + b] === 1;
  return withinOneEdit(V[a], V[b]);
}

/** Per-field contributions, in this order, for explanations (review UI) and tests. */
export const SCORE_PARTS = ['names', 'father', 'birth', 'sex', 'document', 'phone', 'location', 'address'] as const;

/**
 * Score of record i of P against record j of Q (P and Q may be the same set; both must have been
 * prepared with the same tables). `parts`, when given, receives the per-field weights. When the
 * score certainly falls below `floor`, scoring may stop early and return a lower bound.
 */
export function scorePair(
  T: Tables,
  P: Prepared,
  i: number,
  Q: Prepared,
  j: number,
  W: ScoreWeights = DEFAULT_WEIGHTS,
  parts?: Float64Array,
  floor = -Infinity,
): number {
  // Person-level evidence first: when even full agreement on names and household could not lift
  // the pair to `floor`, stop (the pair is distinct whatever the rest says).
  const A = P.rec;
  const B = Q.rec;
  const x = i * REC_STRIDE;
  const y = j * REC_STRIDE;
  const birth = birthWeight(A, x, B, y, W);
  const sa = A[x + R_SEX];
  const sb = B[y + R_SEX];
  const sex = !sa || !sb ? 0 : sa === sb ? W.sexAgree : W.sexDisagree;
  let doc = 0;
  const da = A[x + R_DOC];
  const db = B[y + R_DOC];
  if (da && db) {
    // A document number is meant to be unique: full weight, less when several records share it.
    if (da === db) doc = W.docMaxAgree - Math.log2(Math.max(T.docs.count(0, da) - 1, 1));
    else {
      // Two signatures that differ in both halves: not within one edit (docSignature), without
      // reading the two strings (two or three cache misses at a million records).
      const sx = A[x + R_DOCSIG];
      const sy = B[y + R_DOCSIG];
      const d = sx ^ sy;
      doc = sx && sy && d & 0x7fff && d & 0x3fff8000 ? W.docDisagree : withinOneEdit(T.docs.values[da], T.docs.values[db]) ? W.docOneEdit : W.docDisagree;
    }
  }
  if (!parts && birth + sex + doc + W.nameMaxAgree + Math.min(W.householdCap, 3 * W.nameMaxAgree + 20) < floor) return birth + sex + doc;
  const N = T.names;
  const ga = A[x + R_GIVEN];
  const gb = B[y + R_GIVEN];
  const fa = A[x + R_FAMILY];
  const fb = B[y + R_FAMILY];
  let given = nameWeight(N, F_GIVEN, F_GIVEN, ga, gb, W, W.givenDisagree);
  let family = nameWeight(N, F_FAMILY, F_FAMILY, fa, fb, W, W.familyDisagree);
  if (ga !== gb || fa !== fb) {
    // Given and family name swapped (or the family name typed in the given-name box).
    const c1 = nameWeight(N, F_GIVEN, F_FAMILY, ga, fb, W, W.givenDisagree);
    const c2 = nameWeight(N, F_GIVEN, F_FAMILY, gb, fa, W, W.givenDisagree);
    if ((c1 > 0 || c2 > 0) && c1 + c2 - W.swapPenalty > given + family) {
      given = Math.max(c1, c2) - W.swapPenalty;
      family = Math.min(c1, c2);
    }
  }
  if (!parts) {
    // Second cut, with the names known: even full agreement on father, phone, place and address
    // (household-capped) could not reach `floor`.
    const house = family + W.nameMaxAgree + W.phoneMaxAgree + W.locMaxAgree + W.addrAgree;
    const bound = birth + sex + doc + given + (house < W.householdCap ? house : W.householdCap);
    if (bound < floor) return bound;
  }
  const father = nameWeight(N, F_FATHER, F_FATHER, A[x + R_FATHER], B[y + R_FATHER], W, W.fatherDisagree);
  let phone = 0;
  const pa = A[x + R_PHONE];
  const pb = B[y + R_PHONE];
  // Household members share a phone: less weight the more records carry it.
  if (pa && pb) phone = pa === pb ? Math.max(0.5, W.phoneMaxAgree - Math.log2(Math.max(T.phones.count(0, pa) - 1, 1))) : W.phoneDisagree;
  let loc = 0;
  const la = A[x + R_LOC];
  const lb = B[y + R_LOC];
  if (la && lb) {
    if (la === lb) loc = rarityWeight(T.locs.count(0, la), T.locs.totals[0], W.m, 0.5, W.locMaxAgree);
    else loc = nearPlaces(T.locs, la, lb) ? 0 : W.locDisagree;
  }
  let addr = 0;
  const as = addrSimilarity(T.addr, P, x, Q, y);
  if (as >= 0) addr = as >= 0.95 ? W.addrAgree : as >= 0.8 ? W.addrAgree * 0.6 : as >= 0.6 ? W.addrAgree * 0.2 : as >= 0.4 ? 0 : W.addrDisagree;
  // Family, father, phone, place and address are shared by a whole household: their agreement
  // says "same family" more than "same person", so together they count at most householdCap.
  let household = family + father + phone + loc + addr;
  if (household > W.householdCap) household = W.householdCap;
  if (parts) {
    parts[0] = given + family;
    parts[1] = father;
    parts[2] = birth;
    parts[3] = sex;
    parts[4] = doc;
    parts[5] = phone;
    parts[6] = loc;
    parts[7] = addr;
  }
  return given + household + birth + sex + doc;
}
