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
 *   npx tsx scripts/eval-dedup.ts [--data DIR] [--synthetic N] [--no-cli]
 *
 * FEBRL files are read with the CLI's own reader and `febrl` preset, and the CLI itself is then
 * run on them (its pairs files scored the same way).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { dedupe, link, type DedupOptions, type PersonRecord } from '../src/modules/dedup/engine/index';
import { buildBlockIndex, candidatePairs } from '../src/modules/dedup/engine/block';
import { newTables, prepare } from '../src/modules/dedup/engine/prepare';
import { generateRegistry } from '../src/modules/dedup/engine/synthetic';
import { readRecords } from '../src/modules/dedup/files';
import { PRESETS } from '../src/modules/dedup/mapping';
import { parseCsv } from '../src/modules/dedup/csv';

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

/**
 * A FEBRL file read exactly as `hamrah dedup --preset febrl` reads it (same streaming CSV reader,
 * same column mapping); without ids, soc_sec_id is unmapped (`--map document_number=`).
 * Entity (truth) from rec_id; record ids are rec_id, which the matcher never compares.
 */
export async function loadFebrl(file: string, withId: boolean): Promise<Loaded> {
  const { records } = await readRecords(file, { preset: 'febrl', map: withId ? {} : { document_number: [] } });
  return { records, entity: records.map((r) => r.id.split('-')[1]) };
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

interface CliRow {
  run: string;
  ids: string;
  matchPairs: number;
  reviewPairs: number;
  precision: number;
  recall: number;
  f1: number;
  recallWithReview: number;
  ms: number;
}

/**
 * Runs the real command line, `hamrah dedup FILE --preset febrl --out PAIRS.csv` (with `--link`
 * for 4a × 4b, `--map document_number=` without ids), and scores the pairs file it wrote against
 * rec_id: match pairs closed transitively for dedupe (the clusters they describe), as links for
 * linkage; "rec+rev" also counts true pairs written as review.
 */
function evalCli(files: string[], withId: boolean, tmp: string): CliRow {
  const out = path.join(tmp, `pairs-${files.map((f) => path.basename(f, '.csv')).join('-')}-${withId ? 'id' : 'noid'}.csv`);
  const args = [path.join(repoRoot, 'bin/hamrah.mjs'), 'dedup', files[0], ...(files[1] ? ['--link', files[1]] : []), '--preset', 'febrl', '--out', out, '--quiet'];
  if (!withId) args.push('--map', 'document_number=');
  const t0 = performance.now();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - t0;
  const rows = parseCsv(readFileSync(out, 'utf8'));
  if (rows[0].join(',') !== 'id_a,id_b,score,decision') throw new Error(`unexpected header ${rows[0].join(',')}`);
  const ent = (id: string) => id.split('-')[1];
  // Truth: number of same-entity pairs (within the file, or across the two files).
  const ids = files.map((f) => parseCsv(readFileSync(f, 'utf8')).slice(1).map((r) => r[0]));
  let truth = 0;
  if (files.length === 1) {
    const by = new Map<string, number>();
    for (const id of ids[0]) by.set(ent(id), (by.get(ent(id)) ?? 0) + 1);
    for (const c of by.values()) truth += (c * (c - 1)) / 2;
  } else {
    const left = new Set(ids[0].map(ent));
    for (const id of ids[1]) if (left.has(ent(id))) truth++;
  }
  let matchPairs = 0;
  let reviewPairs = 0;
  let tp = 0;
  let predicted = 0;
  let reviewTp = 0;
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (const [a, b, , decision] of rows.slice(1)) {
    if (decision === 'match') {
      matchPairs++;
      if (files.length === 1) {
        const ra = find(a);
        const rb = find(b);
        if (!parent.has(ra)) parent.set(ra, ra);
        if (ra !== rb) parent.set(rb, ra);
      } else {
        predicted++;
        if (ent(a) === ent(b)) tp++;
      }
    } else {
      reviewPairs++;
      if (ent(a) === ent(b)) reviewTp++;
    }
  }
  if (files.length === 1) {
    const groups = new Map<string, string[]>();
    for (const id of parent.keys()) {
      const r = find(id);
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      g.push(id);
    }
    for (const g of groups.values())
      for (let x = 0; x < g.length; x++)
        for (let y = x + 1; y < g.length; y++) {
          predicted++;
          if (ent(g[x]) === ent(g[y])) tp++;
        }
  }
  return { run: `hamrah dedup ${files.map((f) => path.basename(f)).join(' --link ')}`, ids: withId ? 'with id' : 'no id', matchPairs, reviewPairs, ...prf(tp, predicted, truth), recallWithReview: Math.min(1, (tp + reviewTp) / truth), ms };
}

export function runCliEval(): CliRow[] {
  if (!existsSync(path.join(dataDir, 'febrl1.csv'))) return [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hamrah-eval-'));
  try {
    const out: CliRow[] = [];
    for (const withId of [true, false]) {
      for (const f of ['febrl1', 'febrl2']) out.push(evalCli([path.join(dataDir, `${f}.csv`)], withId, tmp));
      out.push(evalCli([path.join(dataDir, 'febrl4a.csv'), path.join(dataDir, 'febrl4b.csv')], withId, tmp));
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function runEval(): Promise<Row[]> {
  const rows: Row[] = [];
  if (existsSync(path.join(dataDir, 'febrl1.csv'))) {
    for (const withId of [true, false]) {
      const ids = withId ? 'with id' : 'no id';
      for (const f of ['febrl1', 'febrl2']) {
        const L = await loadFebrl(path.join(dataDir, `${f}.csv`), withId);
        rows.push(evalDedupe(f, ids, L.records, L.entity, PRESETS.febrl.options));
      }
      const A = await loadFebrl(path.join(dataDir, 'febrl4a.csv'), withId);
      const B = await loadFebrl(path.join(dataDir, 'febrl4b.csv'), withId);
      rows.push(evalLink('febrl4a×4b', ids, A, B, PRESETS.febrl.options));
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
  const rows = await runEval();
  const cliRows = argv.includes('--no-cli') ? [] : runCliEval();
  process.stdout.on('error', () => process.exit(0));
  const f = (x: number) => x.toFixed(4);
  console.log('dataset            ids      records  true  cand    blockRec  prec    recall  F1      review  rec+rev  ms');
  for (const r of rows)
    console.log(
      `${r.dataset.padEnd(18)} ${r.ids.padEnd(8)} ${String(r.records).padStart(6)} ${String(r.truePairs).padStart(5)} ${String(r.candidatePairs).padStart(7)}  ${f(r.blockingRecall)}    ${f(r.precision)}  ${f(r.recall)}  ${f(r.f1)}  ${String(r.reviewPairs).padStart(6)}  ${f(r.recallWithReview)}  ${Math.round(r.ms)}`,
    );
  if (cliRows.length) {
    console.log('\nThe command line on the same files (hamrah dedup --preset febrl; pairs file scored against rec_id):');
    console.log('run                                           ids      match  review  prec    recall  F1      rec+rev  ms');
    for (const r of cliRows)
      console.log(`${r.run.padEnd(45)} ${r.ids.padEnd(8)} ${String(r.matchPairs).padStart(5)}  ${String(r.reviewPairs).padStart(6)}  ${f(r.precision)}  ${f(r.recall)}  ${f(r.f1)}  ${f(r.recallWithReview)}  ${Math.round(r.ms)}`);
    console.log('');
  }
  const bench: Record<string, unknown> = { name: 'eval:dedup', targets: { febrlF1WithId: 0.99, febrlF1NoId: 0.98, syntheticMatchPrecision: 0.999, syntheticRecallWithReview: 0.98, syntheticReviewShareMax: 0.02 } };
  for (const r of rows) {
    const k = `${r.dataset.replace(/[^a-z0-9]+/gi, '_')}_${r.ids.replace(/ /g, '_')}`;
    bench[k] = { precision: +f(r.precision), recall: +f(r.recall), f1: +f(r.f1), blockingRecall: +f(r.blockingRecall), candidatePairs: r.candidatePairs, reviewPairs: r.reviewPairs, recallWithReview: +f(r.recallWithReview), reviewShare: +(r.reviewPairs / r.records).toFixed(4) };
  }
  for (const r of cliRows) bench[`cli_${r.run.replace(/^hamrah dedup /, '').replace(/[^a-z0-9]+/gi, '_')}_${r.ids.replace(/ /g, '_')}`] = { precision: +f(r.precision), recall: +f(r.recall), f1: +f(r.f1), matchPairs: r.matchPairs, reviewPairs: r.reviewPairs };
  const febrl = rows.filter((r) => r.dataset.startsWith('febrl'));
  bench.pass = {
    febrlWithId: febrl.filter((r) => r.ids === 'with id').every((r) => r.f1 >= 0.99),
    febrlNoId: febrl.filter((r) => r.ids === 'no id').every((r) => r.f1 >= 0.98),
    cli: cliRows.every((r) => r.f1 >= (r.ids === 'with id' ? 0.99 : 0.98)),
    synthetic: rows
      .filter((r) => r.dataset.startsWith('synthetic'))
      .every((r) => r.precision >= 0.999 && r.recallWithReview >= 0.98 && r.reviewPairs / r.records <= 0.02),
  };
  console.log(`BENCH ${JSON.stringify(bench)}`);
}
