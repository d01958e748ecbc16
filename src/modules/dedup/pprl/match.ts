/**
 * Matching Bloom-filter encodings (issue 4, part 6): Dice coefficient on CLKs, with
 * locality-sensitive blocking so that 100k × 100k is not 10^10 comparisons.
 *
 * Blocking: Hamming LSH by bit sampling. A band is r bit positions drawn at random (a public
 * seed: the matcher needs no secret); records of the two files whose filters agree on all r bits
 * of a band land in the same bucket. Two filters that differ in a share h of their bits agree on
 * a band with probability (1 − h)^r, so with L bands a true link (h ≈ 0.1) is found with
 * probability 1 − (1 − 0.9^r)^L while unrelated pairs (h ≈ 0.4–0.5) rarely collide. Keys are
 * radix-sorted per band and the two sorted lists merge-joined; a bucket with more than
 * `maxBucketPairs` cross pairs is skipped (all-zero bands of nearly empty records). Candidates
 * are scored as they are found; only those at or above the review threshold are kept.
 *
 * Decisions: pairs at or above `matchThreshold` are matches, strongest first, one-to-one (a
 * record already matched turns its other pairs into review); pairs between the thresholds are
 * review.
 */
import { radixSortPairs } from '../engine/block';
import { rng } from '../engine/synthetic';
import { CLK_BITS, CLK_WORDS, type Encodings } from './encode';

export interface MatchOptions {
  /** Dice at or above which a pair is a match (default 0.86). */
  matchThreshold?: number;
  /** Dice at or above which a pair goes to review (default 0.82). */
  reviewThreshold?: number;
  /** LSH bands (default 96). */
  bands?: number;
  /** Bits sampled per band (default 28, at most 32). */
  bitsPerBand?: number;
  /** Largest bucket (left × right pairs) compared (default 4,096). */
  maxBucketPairs?: number;
  seed?: number;
  /** Each record links to at most one match on the other side (default true). */
  oneToOne?: boolean;
  onProgress?: (stage: 'match', done: number, total: number) => void;
}

export interface PprlLink {
  a: string;
  b: string;
  dice: number;
  decision: 'match' | 'review';
}

export interface PprlMatchStats {
  left: number;
  right: number;
  /** Candidate pairs compared (with repeats across bands). */
  comparisons: number;
  /** Distinct pairs at or above the review threshold. */
  kept: number;
  skippedBuckets: number;
  matchLinks: number;
  reviewLinks: number;
  ms: number;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Set bits of each filter. */
export function popcounts(e: Encodings): Uint16Array {
  const n = e.ids.length;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let w = i * CLK_WORDS, end = w + CLK_WORDS; w < end; w++) c += popcount32(e.bits[w]);
    out[i] = c;
  }
  return out;
}

/** Dice coefficient 2|A∩B| / (|A| + |B|) of filter i of A and filter j of B. */
export function dice(A: Uint32Array, i: number, B: Uint32Array, j: number, popA?: number, popB?: number): number {
  let both = 0;
  let ca = 0;
  let cb = 0;
  const x = i * CLK_WORDS;
  const y = j * CLK_WORDS;
  for (let w = 0; w < CLK_WORDS; w++) {
    const a = A[x + w];
    const b = B[y + w];
    both += popcount32(a & b);
    if (popA === undefined) ca += popcount32(a);
    if (popB === undefined) cb += popcount32(b);
  }
  const sum = (popA ?? ca) + (popB ?? cb);
  return sum ? (2 * both) / sum : 0;
}

function bandKeys(e: Encodings, positions: Uint16Array, out: Uint32Array): void {
  const n = e.ids.length;
  const bits = e.bits;
  const r = positions.length;
  for (let i = 0; i < n; i++) {
    const o = i * CLK_WORDS;
    let k = 0;
    for (let x = 0; x < r; x++) {
      const p = positions[x];
      k = (k << 1) | ((bits[o + (p >>> 5)] >>> (p & 31)) & 1);
    }
    out[i] = k >>> 0;
  }
}

/** Links two encoded files. */
export function matchEncodings(left: Encodings, right: Encodings, opts: MatchOptions = {}): { links: PprlLink[]; stats: PprlMatchStats } {
  const t0 = Date.now();
  const match = opts.matchThreshold ?? 0.86;
  const review = opts.reviewThreshold ?? 0.82;
  const L = opts.bands ?? 96;
  const r = Math.min(32, opts.bitsPerBand ?? 28);
  const cap = opts.maxBucketPairs ?? 4096;
  const rand = rng(opts.seed ?? 20240601);
  const nA = left.ids.length;
  const nB = right.ids.length;
  const popA = popcounts(left);
  const popB = popcounts(right);
  const keyA = new Uint32Array(nA);
  const keyB = new Uint32Array(nB);
  const idxA = new Uint32Array(nA);
  const idxB = new Uint32Array(nB);
  // Kept pairs (≥ review), deduplicated across bands.
  const seen = new Set<number>();
  let ka: number[] = [];
  let kb: number[] = [];
  let kd: number[] = [];
  let comparisons = 0;
  let skipped = 0;
  const A = left.bits;
  const B = right.bits;
  for (let band = 0; band < L; band++) {
    const pos = new Uint16Array(r);
    const used = new Set<number>();
    for (let x = 0; x < r; ) {
      const p = Math.floor(rand() * CLK_BITS);
      if (used.has(p)) continue;
      used.add(p);
      pos[x++] = p;
    }
    bandKeys(left, pos, keyA);
    bandKeys(right, pos, keyB);
    for (let i = 0; i < nA; i++) idxA[i] = i;
    for (let j = 0; j < nB; j++) idxB[j] = j;
    radixSortPairs(keyA, idxA);
    radixSortPairs(keyB, idxB);
    let p = 0;
    let q = 0;
    while (p < nA && q < nB) {
      const a = keyA[p];
      const b = keyB[q];
      if (a < b) p++;
      else if (b < a) q++;
      else {
        let pe = p + 1;
        while (pe < nA && keyA[pe] === a) pe++;
        let qe = q + 1;
        while (qe < nB && keyB[qe] === a) qe++;
        if ((pe - p) * (qe - q) > cap) skipped++;
        else
          for (let x = p; x < pe; x++) {
            const i = idxA[x];
            for (let y = q; y < qe; y++) {
              const j = idxB[y];
              comparisons++;
              const d = dice(A, i, B, j, popA[i], popB[j]);
              if (d < review) continue;
              const key = i * nB + j;
              if (seen.has(key)) continue;
              seen.add(key);
              ka.push(i);
              kb.push(j);
              kd.push(d);
            }
          }
        p = pe;
        q = qe;
      }
    }
    opts.onProgress?.('match', band + 1, L);
  }
  const order = Array.from(kd.keys()).sort((x, y) => kd[y] - kd[x]);
  const usedA = new Uint8Array(nA);
  const usedB = new Uint8Array(nB);
  const oneToOne = opts.oneToOne ?? true;
  const links: PprlLink[] = [];
  let matchLinks = 0;
  for (const e of order) {
    const i = ka[e];
    const j = kb[e];
    let decision: PprlLink['decision'] = kd[e] >= match ? 'match' : 'review';
    if (decision === 'match' && oneToOne) {
      if (usedA[i] || usedB[j]) decision = 'review';
      else usedA[i] = usedB[j] = 1;
    }
    if (decision === 'match') matchLinks++;
    links.push({ a: left.ids[i], b: right.ids[j], dice: Math.round(kd[e] * 1000) / 1000, decision });
  }
  const kept = kd.length;
  ka = kb = kd = [];
  return {
    links,
    stats: { left: nA, right: nB, comparisons, kept, skippedBuckets: skipped, matchLinks, reviewLinks: links.length - matchLinks, ms: Date.now() - t0 },
  };
}
