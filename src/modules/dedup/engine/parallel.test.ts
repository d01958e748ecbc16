import { describe, expect, it } from 'vitest';
import { dedupe } from './index';
import { buildBlockIndex, candidatePairs } from './block';
import { newTables, prepare } from './prepare';
import { preparedForScoring, snapshotTables, tablesFromSnapshot } from './parallel';
import { DEFAULT_WEIGHTS, scorePair } from './score';
import { generateRegistry } from './synthetic';

describe('parallel scoring', () => {
  const reg = generateRegistry({ individuals: 1500, seed: 3 });

  it('scores every candidate pair the same from the tables a worker rebuilds', () => {
    const T = newTables(undefined, { referenceYear: reg.referenceYear });
    const P = prepare(reg.records, T);
    const c = candidatePairs(T, P, buildBlockIndex(T, P));
    const W = tablesFromSnapshot(structuredClone(snapshotTables(T)));
    const Q = preparedForScoring(P.rec, P.addrTok, P.addrOff);
    expect(c.a.length).toBeGreaterThan(1000);
    for (let e = 0; e < c.a.length; e++) expect(scorePair(W, Q, c.a[e], Q, c.b[e])).toBe(scorePair(T, P, c.a[e], P, c.b[e], DEFAULT_WEIGHTS));
  });

  it('gives the same pairs and clusters with two threads as with one', () => {
    const one = dedupe(reg.records, { referenceYear: reg.referenceYear, threads: 1 });
    const two = dedupe(reg.records, { referenceYear: reg.referenceYear, threads: 2 });
    expect(two.pairs).toEqual(one.pairs);
    expect(two.clusters).toEqual(one.clusters);
  });
});
