/**
 * The `compare` step of a dedup run: the engine's per-field weights of the stored pairs, from a
 * lookup index over the same batch. Shared by the in-thread run (run.ts) and the worker
 * (engine-thread-worker.ts), so both store the same values.
 */
import { buildIndex, type PersonRecord, type ScoredPair } from './engine';

/** Per-field weights are computed for at most this many pairs per run (the rest show the score only). */
export const MAX_PARTS = 50_000;

export interface StoredPair {
  a: string;
  b: string;
  score: number;
  decision: 'match' | 'review';
  parts: Record<string, number> | null;
}

/** The engine's pairs as stored: `a < b`, in the engine's order. */
export function orientPairs(pairs: readonly ScoredPair[]): StoredPair[] {
  return pairs.map((p) => (p.a < p.b ? { a: p.a, b: p.b, score: p.score, decision: p.decision, parts: null } : { a: p.b, b: p.a, score: p.score, decision: p.decision, parts: null }));
}

/** Fills `parts` of the first MAX_PARTS pairs; `tick(done, total)` now and then (progress, cancellation). */
export async function computeParts(records: readonly PersonRecord[], pairs: StoredPair[], thresholds: { match: number; review: number }, tick: (done: number, total: number) => void | Promise<void>): Promise<number> {
  const withParts = Math.min(pairs.length, MAX_PARTS);
  if (!withParts) return 0;
  const index = buildIndex(records, { matchThreshold: thresholds.match, reviewThreshold: thresholds.review });
  const byId = new Map(records.map((r) => [r.id, r]));
  const byA = new Map<string, StoredPair[]>();
  for (const p of pairs.slice(0, withParts)) (byA.get(p.a) ?? byA.set(p.a, []).get(p.a)!).push(p);
  let done = 0;
  for (const [a, list] of byA) {
    // Match and review hits only: the pair scored at least the review threshold in the batch, and
    // building the parts of every distinct candidate costs more than the lookup itself.
    const hits = index.lookup(byId.get(a)!, { limit: 200 });
    let wider: typeof hits | null = null;
    for (const p of list) {
      let hit = hits.find((h) => h.id === p.b);
      // A pair raised by household context (co-members matching) scores below review on its own
      // fields, so a lookup without household context lists it only among distinct candidates.
      if (!hit) hit = (wider ??= index.lookup(byId.get(a)!, { limit: 1000, includeDistinct: true })).find((h) => h.id === p.b);
      if (hit) p.parts = hit.parts;
    }
    done += list.length;
    if (done % 200 < list.length) await tick(done, withParts);
  }
  return withParts;
}
