/**
 * Clustering that a single weak link cannot chain. Match edges are taken strongest first; two
 * clusters merge only when the edges between them (match = 1, review = ½) reach `minShare` of all
 * |A|·|B| cross pairs. Two singletons merge on their one match edge; a pair {a, b} and a third
 * record c merge when c matches at least one of them; two clusters of three need ≥ 4.5 of 9.
 * So A–B–C–…–Z chains of pairwise links, where the ends do not match, stay apart.
 */

export interface ClusterInput {
  n: number;
  a: Uint32Array;
  b: Uint32Array;
  score: Float32Array;
  matchThreshold: number;
  reviewThreshold: number;
  /** Share of cross pairs that must support a merge (default 0.5). */
  minShare?: number;
}

export interface ClusterResult {
  /** Cluster label per record: the smallest record index in its cluster. */
  label: Uint32Array;
  /** Match edges that clustering refused (they become review pairs). */
  refused: number;
}

export function clusterPairs(inp: ClusterInput): ClusterResult {
  const { n, a, b, score, matchThreshold, reviewThreshold } = inp;
  const minShare = inp.minShare ?? 0.5;
  const m = a.length;
  // Support graph (review and match edges), CSR.
  const deg = new Uint32Array(n + 1);
  let ns = 0;
  for (let e = 0; e < m; e++) {
    if (score[e] >= reviewThreshold) {
      deg[a[e] + 1]++;
      deg[b[e] + 1]++;
      ns++;
    }
  }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const off = deg;
  const fill = off.slice(0, n);
  const nbr = new Uint32Array(ns * 2);
  const nw = new Float32Array(ns * 2);
  const matchEdges: number[] = [];
  for (let e = 0; e < m; e++) {
    const s = score[e];
    if (s < reviewThreshold) continue;
    const w = s >= matchThreshold ? 1 : 0.5;
    nbr[fill[a[e]]] = b[e];
    nw[fill[a[e]]++] = w;
    nbr[fill[b[e]]] = a[e];
    nw[fill[b[e]]++] = w;
    if (s >= matchThreshold) matchEdges.push(e);
  }
  matchEdges.sort((x, y) => score[y] - score[x]);

  const parent = new Uint32Array(n);
  const size = new Uint32Array(n).fill(1);
  const next = new Int32Array(n).fill(-1);
  const tail = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    parent[i] = i;
    tail[i] = i;
  }
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r];
    while (parent[x] !== r) {
      const p = parent[x];
      parent[x] = r;
      x = p;
    }
    return r;
  };
  let refused = 0;
  for (const e of matchEdges) {
    let rx = find(a[e]);
    let ry = find(b[e]);
    if (rx === ry) continue;
    if (size[rx] < size[ry]) [rx, ry] = [ry, rx]; // rx is the larger
    const need = minShare * size[rx] * size[ry];
    if (need > 1) {
      let support = 0;
      for (let v = ry; v !== -1; v = next[v]) {
        for (let k = off[v]; k < off[v + 1]; k++) if (find(nbr[k]) === rx) support += nw[k];
      }
      if (support < need) {
        refused++;
        continue;
      }
    }
    parent[ry] = rx;
    size[rx] += size[ry];
    next[tail[rx]] = ry;
    tail[rx] = tail[ry];
  }
  const label = new Uint32Array(n);
  const minOf = new Uint32Array(n).fill(0xffffffff);
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (i < minOf[r]) minOf[r] = i;
  }
  for (let i = 0; i < n; i++) label[i] = minOf[find(i)];
  return { label, refused };
}
