/**
 * Quality evaluation of the matching engine (issue 4, part 8): `npm run eval:dedup`.
 *
 * FEBRL (../shared/data/dedup, test data only, read in place, never copied): febrl1 and febrl2
 * deduplicated, febrl4a × febrl4b linked; each with soc_sec_id as the document number and again
 * without it. Plus the synthetic Afghan/Pakistani registry (src/modules/dedup/engine/synthetic.ts).
 * Pairwise precision / recall / F1 over predicted pairs (within clusters for dedupe, match links
 * for linkage), blocking recall (pair completeness) and candidate-pair counts.
 * rec_id is used only to compute the truth, never given to the matcher.
 *
 *   npx tsx scripts/eval-dedup.ts [--data DIR] [--synthetic N]
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { dedupe, link, type DedupOptions, type PersonRecord } from '../src/modules/dedup/engine/index';
import { buildBlockIndex, candidatePairs } from '../src/modules/dedup/engine/block';
import { newTables, prepare } from '../src/modules/dedup/engine/prepare';
import { generateRegistry } from '../src/modules/dedup/engine/synthetic';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dataDir = arg('--data') ?? path.resolve(repoRoot, '../shared/data/dedup');
const syntheticN = Number(arg('--synthetic') ?? 20000);

interface Loaded {
  records: PersonRecord[];
  entity: string[];
}

/** FEBRL CSV: ", "-separated, no quotes, CRLF in 4a. */
export function loadFebrl(file: string, withId: boolean): Loaded {
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter(Boolean);
  const header = lines[0].split(',').map((s) => s.trim());
  const col = (name: string) => header.indexOf(name);
  const c = {
    rec: col('rec_id'), given: col('given_name'), surname: col('surname'), num: col('street_number'), a1: col('address_1'),
    a2: col('address_2'), suburb: col('suburb'), postcode: col('postcode'), state: col('state'), dob: col('date_of_birth'), ssn: col('soc_sec_id'),
  };
  const records: PersonRecord[] = [];
  const entity: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',').map((s) => s.trim());
    const recId = f[c.rec];
    entity.push(recId.split('-')[1]);
    records.push({
      id: `r${i}`,
      givenName: f[c.given],
      familyName: f[c.surname],
      address: [f[c.num], f[c.a1], f[c.a2], f[c.suburb], f[c.state]].filter(Boolean).join(' '),
      locationPcode: f[c.postcode],
      birthDate: f[c.dob],
      documentNumber: withId ? f[c.ssn] : undefined,
    });
  }
  return { records, entity };
}

interface Row {
  dataset: string;
  ids: string;
  records: number;
  truePairs: number;
  candidatePairs: number;
  blockingRecall: number;
  precision: number;
  recall: number;
  f1: number;
  reviewPairs: number;
  recallWithReview: number;
  ms: number;
}

const key = (x: number, y: number) => (x < y ? `${x}:${y}` : `${y}:${x}`);

function truePairsOf(entity: string[]): Set<string> {
  const by = new Map<string, number[]>();
  entity.forEach((e, i) => {
    let l = by.get(e);
    if (!l) by.set(e, (l = []));
    l.push(i);
  });
  const out = new Set<string>();
  for (const l of by.values()) for (let x = 0; x < l.length; x++) for (let y = x + 1; y < l.length; y++) out.add(key(l[x], l[y]));
  return out;
}

function blockingRecall(records: PersonRecord[], truth: Set<string>, opts: DedupOptions, split = 0): { recall: number; candidates: number } {
  const T = newTables();
  const P = prepare(records, T);
  const c = candidatePairs(T, P, buildBlockIndex(T, P), opts, split);
  let hit = 0;
  for (let e = 0; e < c.a.length; e++) if (truth.has(key(c.a[e], c.b[e]))) hit++;
  return { recall: hit / truth.size, candidates: c.a.length };
}

function prf(tp: number, predicted: number, truth: number) {
  const precision = predicted ? tp / predicted : 1;
  const recall = truth ? tp / truth : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

export function evalDedupe(name: string, ids: string, records: PersonRecord[], entity: string[], opts: DedupOptions = {}): Row {
  const truth = truePairsOf(entity);
  const t0 = performance.now();
  const res = dedupe(records, opts);
  const ms = performance.now() - t0;
  const idx = new Map(records.map((r, i) => [r.id, i]));
  // Predicted pairs: all pairs within clusters.
  const byLabel = new Map<number, number[]>();
  res.labels.forEach((l, i) => {
    if (l === i && !byLabel.has(l)) return;
    let g = byLabel.get(l);
    if (!g) byLabel.set(l, (g = [l]));
    if (l !== i) g.push(i);
  });
  let predicted = 0;
  let tp = 0;
  const predictedSet = new Set<string>();
  for (const g of byLabel.values())
    for (let x = 0; x < g.length; x++)
      for (let y = x + 1; y < g.length; y++) {
        predicted++;
        const k = key(g[x], g[y]);
        predictedSet.add(k);
        if (truth.has(k)) tp++;
      }
  let reviewTp = 0;
  let reviewPairs = 0;
  for (const p of res.pairs) {
    if (p.decision !== 'review') continue;
    const k = key(idx.get(p.a)!, idx.get(p.b)!);
    if (predictedSet.has(k)) continue;
    reviewPairs++;
    if (truth.has(k)) reviewTp++;
  }
  const br = blockingRecall(records, truth, opts);
  return {
    dataset: name, ids, records: records.length, truePairs: truth.size, candidatePairs: res.stats.candidatePairs, blockingRecall: br.recall,
    ...prf(tp, predicted, truth.size), reviewPairs, recallWithReview: (tp + reviewTp) / truth.size, ms,
  };
}

function evalLink(name: string, ids: string, A: Loaded, B: Loaded, opts: DedupOptions = {}): Row {
  const truth = new Set<string>();
  const posA = new Map(A.entity.map((e, i) => [e, i]));
  B.entity.forEach((e, j) => {
    const i = posA.get(e);
    if (i !== undefined) truth.add(key(i, A.records.length + j));
  });
  const right = B.records.map((r) => ({ ...r, id: `b${r.id}` }));
  const t0 = performance.now();
  const res = link(A.records, right, opts);
  const ms = performance.now() - t0;
  const idx = new Map([...A.records, ...right].map((r, i) => [r.id, i]));
  let tp = 0;
  let predicted = 0;
  let reviewPairs = 0;
  let reviewTp = 0;
  for (const p of res.pairs) {
    const k = key(idx.get(p.a)!, idx.get(p.b)!);
    if (p.decision === 'match') {
      predicted++;
      if (truth.has(k)) tp++;
    } else {
      reviewPairs++;
      if (truth.has(k)) reviewTp++;
    }
  }
  const br = blockingRecall([...A.records, ...right], truth, opts, A.records.length);
  return {
    dataset: name, ids, records: A.records.length + right.length, truePairs: truth.size, candidatePairs: res.stats.candidatePairs,
    blockingRecall: br.recall, ...prf(tp, predicted, truth.size), reviewPairs, recallWithReview: (tp + reviewTp) / truth.size, ms,
  };
}

export function runEval(): Row[] {
  const rows: Row[] = [];
  if (existsSync(path.join(dataDir, 'febrl1.csv'))) {
    for (const withId of [true, false]) {
      const ids = withId ? 'with id' : 'no id';
      for (const f of ['febrl1', 'febrl2']) {
        const L = loadFebrl(path.join(dataDir, `${f}.csv`), withId);
        rows.push(evalDedupe(f, ids, L.records, L.entity, { profile: 'febrl' }));
      }
      const A = loadFebrl(path.join(dataDir, 'febrl4a.csv'), withId);
      const B = loadFebrl(path.join(dataDir, 'febrl4b.csv'), withId);
      rows.push(evalLink('febrl4a×4b', ids, A, B, { profile: 'febrl' }));
    }
  } else {
    console.error(`FEBRL data not found in ${dataDir}; skipping`);
  }
  if (syntheticN > 0) {
    const reg = generateRegistry({ individuals: syntheticN, seed: 7 });
    rows.push(evalDedupe(`synthetic ${syntheticN}`, 'mixed', reg.records, reg.entity, { referenceYear: reg.referenceYear }));
  }
  return rows;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const rows = runEval();
  process.stdout.on('error', () => process.exit(0));
  const f = (x: number) => x.toFixed(4);
  console.log('dataset            ids      records  true  cand    blockRec  prec    recall  F1      review  rec+rev  ms');
  for (const r of rows)
    console.log(
      `${r.dataset.padEnd(18)} ${r.ids.padEnd(8)} ${String(r.records).padStart(6)} ${String(r.truePairs).padStart(5)} ${String(r.candidatePairs).padStart(7)}  ${f(r.blockingRecall)}    ${f(r.precision)}  ${f(r.recall)}  ${f(r.f1)}  ${String(r.reviewPairs).padStart(6)}  ${f(r.recallWithReview)}  ${Math.round(r.ms)}`,
    );
  const bench: Record<string, unknown> = { name: 'eval:dedup', targets: { febrlF1WithId: 0.99, febrlF1NoId: 0.98, syntheticMatchPrecision: 0.999, syntheticRecallWithReview: 0.98, syntheticReviewShareMax: 0.02 } };
  for (const r of rows) {
    const k = `${r.dataset.replace(/[^a-z0-9]+/gi, '_')}_${r.ids.replace(/ /g, '_')}`;
    bench[k] = { precision: +f(r.precision), recall: +f(r.recall), f1: +f(r.f1), blockingRecall: +f(r.blockingRecall), candidatePairs: r.candidatePairs, reviewPairs: r.reviewPairs, recallWithReview: +f(r.recallWithReview), reviewShare: +(r.reviewPairs / r.records).toFixed(4) };
  }
  const febrl = rows.filter((r) => r.dataset.startsWith('febrl'));
  bench.pass = {
    febrlWithId: febrl.filter((r) => r.ids === 'with id').every((r) => r.f1 >= 0.99),
    febrlNoId: febrl.filter((r) => r.ids === 'no id').every((r) => r.f1 >= 0.98),
    synthetic: rows
      .filter((r) => r.dataset.startsWith('synthetic'))
      .every((r) => r.precision >= 0.999 && r.recallWithReview >= 0.98 && r.reviewPairs / r.records <= 0.02),
  };
  console.log(`BENCH ${JSON.stringify(bench)}`);
}
