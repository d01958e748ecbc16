import { describe, expect, it } from 'vitest';
import { clusterPairs } from './cluster';

const run = (n: number, edges: [number, number, number][], minShare?: number) =>
  clusterPairs({
    n,
    a: Uint32Array.from(edges.map((e) => e[0])),
    b: Uint32Array.from(edges.map((e) => e[1])),
    score: Float32Array.from(edges.map((e) => e[2])),
    matchThreshold: 20,
    reviewThreshold: 10,
    minShare,
  });

describe('clustering', () => {
  it('merges a clique', () => {
    const { label } = run(3, [[0, 1, 30], [1, 2, 30], [0, 2, 25]]);
    expect([...label]).toEqual([0, 0, 0]);
  });

  it('lets a single weak link not chain two groups together', () => {
    // {0,1} and {2,3} are solid pairs; 1–2 is one match edge between them, nothing else.
    const { label, refused } = run(4, [[0, 1, 40], [2, 3, 40], [1, 2, 21]]);
    expect(label[0]).toBe(label[1]);
    expect(label[2]).toBe(label[3]);
    expect(label[1]).not.toBe(label[2]);
    expect(refused).toBe(1);
  });

  it('does not chain a long path A–B–C–D–E', () => {
    const { label } = run(5, [[0, 1, 30], [1, 2, 30], [2, 3, 30], [3, 4, 30]]);
    expect(new Set(label).size).toBeGreaterThan(1);
    expect(label[0]).not.toBe(label[4]);
  });

  it('counts review edges as half support', () => {
    const { label } = run(4, [[0, 1, 40], [2, 3, 40], [1, 2, 21], [0, 3, 12], [0, 2, 12]]);
    expect(label[0]).toBe(label[3]);
  });

  it('leaves unmatched records alone', () => {
    const { label } = run(3, [[0, 1, 15]]);
    expect([...label]).toEqual([0, 1, 2]);
  });
});
