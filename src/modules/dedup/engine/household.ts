/**
 * Household context for batch deduplication. A household registered twice (another transit
 * centre, another round) gives several duplicate pairs at once: when other members of household
 * H1 match members of household H2, a weak pair between H1 and H2 (a child registered with an age
 * only, a wife without her father's name) is far more likely a duplicate than the same pair
 * between unrelated households. Two records of the same household, on the other hand, are almost
 * always two different people (a household lists each member once).
 *
 * Per pair of households, the candidate pairs that scored at least `floor` are taken strongest
 * first and assigned one to one (a member of H1 is the same person as at most one member of H2);
 * an assigned pair below the match threshold gains `support1` when one other assigned pair of the
 * two households is a match, `support2` when two or more are. Pairs inside one household lose
 * `sameHousehold`. A pair at review level that is alone between two households of two or more
 * members (no other pair of two other members at review level beside it) loses `householdLone`:
 * a household registered twice brings its members along, namesakes of two families do not.
 * Typed arrays only: the (household, household) keys are hashed to 32 bits and radix-sorted, runs
 * are then split by the exact key.
 */
import { radixSortPairs, type Arena } from './block';

export interface HouseholdWeights {
  householdSupport1: number;
  householdSupport2: number;
  sameHousehold: number;
  householdConflict: number;
  /** A lone pair between two multi-member households (see applyHouseholdContext); 0 when absent. */
  householdLone?: number;
}

export interface HouseholdResult {
  /** Pairs whose score was raised by co-member support. */
  supported: number;
  /** Pairs lowered because both records are in the same household. */
  sameHousehold: number;
  /** Pairs lowered because one record already matches another member of the other household. */
  conflicts: number;
  /** Lone pairs between two multi-member households, lowered. */
  lone?: number;
}

/**
 * Adjusts `score` in place. `hh[i]` is record i's household (0: unknown). Scores below `floor`
 * are lower bounds (scoring stopped early) and are left alone.
 */
export function applyHouseholdContext(
  hh: Int32Array,
  a: Uint32Array,
  b: Uint32Array,
  score: Float32Array,
  match: number,
  floor: number,
  W: HouseholdWeights,
  arena?: Arena,
  review = match,
): HouseholdResult {
  const m = a.length;
  const loneW = W.householdLone ?? 0;
  // Records per household in this batch (households of one cannot bring co-members along).
  let H = 0;
  for (let i = 0; i < hh.length; i++) if (hh[i] > H) H = hh[i];
  const hsize = new Uint32Array(H + 1);
  for (let i = 0; i < hh.length; i++) hsize[hh[i]]++;
  let count = 0;
  let same = 0;
  for (let e = 0; e < m; e++) {
    if (score[e] < floor) continue;
    const ha = hh[a[e]];
    const hb = hh[b[e]];
    if (!ha || !hb) continue;
    if (ha === hb) {
      score[e] += W.sameHousehold;
      same++;
      continue;
    }
    count++;
  }
  if (!count) return { supported: 0, sameHousehold: same, conflicts: 0 };
  const key = arena ? arena.u32(count) : new Uint32Array(count);
  const edge = arena ? arena.u32(count) : new Uint32Array(count);
  let k = 0;
  for (let e = 0; e < m; e++) {
    if (score[e] < floor) continue;
    const ha = hh[a[e]];
    const hb = hh[b[e]];
    if (!ha || !hb || ha === hb) continue;
    const x = ha < hb ? ha : hb;
    const y = ha < hb ? hb : ha;
    key[k] = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    edge[k++] = e;
  }
  radixSortPairs(key, edge, arena);
  const lo = (e: number) => (hh[a[e]] < hh[b[e]] ? hh[a[e]] : hh[b[e]]);
  const hi = (e: number) => (hh[a[e]] < hh[b[e]] ? hh[b[e]] : hh[a[e]]);
  let group: number[] = [];
  const used = new Set<number>();
  const accepted: number[] = [];
  let supported = 0;
  let conflicts = 0;
  let lone = 0;
  const partner = new Set<number>();
  const matchedPartner = (e: number) => partner.has(a[e]) || partner.has(b[e]);
  const settle = () => {
    if (loneW && hsize[hh[a[group[0]]]] >= 2 && hsize[hh[b[group[0]]]] >= 2) {
      // Two households of two or more members: a household registered twice brings its members
      // along, so a pair with no other member pair of the two households at review level beside
      // it is more often two namesakes of two families than one person counted twice.
      for (const e of group) {
        if (score[e] < review) continue;
        let other = false;
        for (const f of group) {
          if (f === e || score[f] < review) continue;
          if (a[f] === a[e] || a[f] === b[e] || b[f] === a[e] || b[f] === b[e]) continue;
          other = true;
          break;
        }
        if (!other) {
          loneE.push(e);
        }
      }
    }
    if (group.length < 2) return;
    group.sort((x, y) => score[y] - score[x]);
    used.clear();
    accepted.length = 0;
    partner.clear();
    let matches = 0;
    for (const e of group) {
      if (used.has(a[e]) || used.has(b[e])) continue;
      used.add(a[e]);
      used.add(b[e]);
      accepted.push(e);
      if (score[e] >= match) {
        matches++;
        partner.add(a[e]);
        partner.add(b[e]);
      }
    }
    if (!matches) return;
    // A pair left out of the one-to-one assignment, where one of its records already matches
    // another member of the other household: most often two siblings of a household registered
    // twice (same father, family, place and phone).
    for (const e of group) {
      if (score[e] >= match || accepted.includes(e)) continue;
      if (matchedPartner(e)) {
        score[e] += W.householdConflict;
        conflicts++;
      }
    }
    for (const e of accepted) {
      if (score[e] >= match) continue;
      // Matches among the other assigned pairs (this one is not a match).
      const bonus = matches >= 2 ? W.householdSupport2 : W.householdSupport1;
      score[e] += bonus;
      supported++;
    }
  };
  const loneE: number[] = [];
  for (let s = 0; s < count; ) {
    let t = s + 1;
    while (t < count && key[t] === key[s]) t++;
    if (t - s === 1) {
      // The only pair between its two households: lone when both have two or more members.
      const e = edge[s];
      if (loneW && score[e] >= review && hsize[hh[a[e]]] >= 2 && hsize[hh[b[e]]] >= 2) loneE.push(e);
    } else {
      // Split the run by the exact household pair (hash collisions are rare but possible).
      const run = Array.from(edge.subarray(s, t));
      run.sort((x, y) => lo(x) - lo(y) || hi(x) - hi(y));
      group = [];
      for (const e of run) {
        if (group.length && (lo(group[0]) !== lo(e) || hi(group[0]) !== hi(e))) {
          settle();
          group = [];
        }
        group.push(e);
      }
      settle();
    }
    s = t;
  }
  // Lowered after every group is settled, so that co-member support saw the unchanged scores.
  for (const e of loneE) score[e] += loneW;
  lone = loneE.length;
  return { supported, sameHousehold: same, conflicts, lone };
}

/**
 * Position of (x, y), x < y, among the candidate pairs (sorted by a, then b), or −1: a binary
 * search over b inside x's run, rows[x] .. rows[x + 1] (a search over all pairs cost some twenty
 * cache misses per look-up at 18M pairs).
 */
function pairIndex(rows: Uint32Array, b: Uint32Array, x: number, y: number): number {
  let lo = rows[x];
  const end = rows[x + 1];
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && b[lo] === y ? lo : -1;
}

/** Start of each record's run among pairs sorted by a: rows[i] .. rows[i + 1] (n + 1 entries). */
function pairRows(a: Uint32Array, n: number): Uint32Array {
  const rows = new Uint32Array(n + 1);
  for (let e = 0; e < a.length; e++) rows[a[e] + 1]++;
  for (let i = 0; i < n; i++) rows[i + 1] += rows[i];
  return rows;
}

/**
 * Every member of H1 against every member of H2, for each two households where some member pair
 * is a match: `a`/`b` are the pairs blocking did not produce (a child registered as "Karim, 21"
 * with no father's name shares no useful blocking key with the "Karim son of Ghulam Naseer, 20"
 * of the earlier registration, yet his mother and sisters matched), `existing` the positions of
 * those it did (so that the caller can score them exactly below its usual floor). Candidate `a`,
 * `b` must be sorted by a then b (as candidatePairs returns them). Households larger than
 * `maxMembers` are skipped.
 */
export function householdCandidates(
  hh: Int32Array,
  a: Uint32Array,
  b: Uint32Array,
  score: Float32Array,
  match: number,
  maxMembers = 16,
): { a: Uint32Array; b: Uint32Array; existing: Uint32Array } {
  const n = hh.length;
  let H = 0;
  for (let i = 0; i < n; i++) if (hh[i] > H) H = hh[i];
  const off = new Uint32Array(H + 2);
  for (let i = 0; i < n; i++) if (hh[i]) off[hh[i] + 1]++;
  for (let h = 1; h <= H + 1; h++) off[h] += off[h - 1];
  const mem = new Uint32Array(off[H + 1]);
  const fill = off.slice(0, H + 1);
  for (let i = 0; i < n; i++) if (hh[i]) mem[fill[hh[i]]++] = i;
  const seen = new Set<number>();
  let rows: Uint32Array | undefined;
  const xs: number[] = [];
  const ys: number[] = [];
  const have: number[] = [];
  for (let e = 0; e < a.length; e++) {
    if (score[e] < match) continue;
    const ha = hh[a[e]];
    const hb = hh[b[e]];
    if (!ha || !hb || ha === hb) continue;
    const lo = ha < hb ? ha : hb;
    const hi = ha < hb ? hb : ha;
    const k = lo * (H + 1) + hi;
    if (seen.has(k)) continue;
    seen.add(k);
    if (off[lo + 1] - off[lo] > maxMembers || off[hi + 1] - off[hi] > maxMembers) continue;
    rows ??= pairRows(a, n);
    for (let p = off[lo]; p < off[lo + 1]; p++)
      for (let q = off[hi]; q < off[hi + 1]; q++) {
        const x = mem[p] < mem[q] ? mem[p] : mem[q];
        const y = mem[p] < mem[q] ? mem[q] : mem[p];
        const at = pairIndex(rows, b, x, y);
        if (at >= 0) have.push(at);
        else {
          xs.push(x);
          ys.push(y);
        }
      }
  }
  return { a: Uint32Array.from(xs), b: Uint32Array.from(ys), existing: Uint32Array.from(have) };
}
