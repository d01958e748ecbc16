/**
 * File-level deduplication and linkage, the work behind `hamrah dedup` (issue 4, part 7): stream a
 * CSV into PersonRecords through a column mapping, run the engine, write
 * `id_a,id_b,score,decision` (match or review; distinct pairs are not written).
 */
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { dedupe, link, type DedupOptions, type DedupStats, type ScoredPair } from './engine/index';
import type { PersonRecord } from './engine/prepare';
import { csvLine, readCsvRows } from './csv';
import { PRESETS, resolveMap, rowToRecord, type FieldMap, type Preset } from './mapping';

export type Progress = (stage: 'read' | 'score' | 'write', done: number, total: number) => void;

export interface ReadOptions {
  map?: FieldMap;
  preset?: string;
  delimiter?: string;
  onProgress?: Progress;
}

export interface ReadResult {
  records: PersonRecord[];
  header: string[];
  mapping: string[];
}

export function presetOf(name: string | undefined): Preset | undefined {
  if (!name) return undefined;
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset "${name}" (presets: ${Object.keys(PRESETS).join(', ')})`);
  return p;
}

/** Reads a CSV file into PersonRecords (streaming). */
export async function readRecords(file: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const preset = presetOf(opts.preset);
  const size = statSync(file).size;
  const records: PersonRecord[] = [];
  let header: string[] | undefined;
  let map: ReturnType<typeof resolveMap> | undefined;
  let rowNo = 0;
  const ids = new Set<string>();
  for await (const rows of readCsvRows(file, { delimiter: opts.delimiter, onBytes: (b) => opts.onProgress?.('read', b, size) })) {
    for (const row of rows) {
      if (!header) {
        header = row;
        map = resolveMap(header, opts.map, preset);
        continue;
      }
      const r = rowToRecord(row, map!, ++rowNo);
      if (ids.has(r.id)) throw new Error(`${file}: id "${r.id}" occurs more than once (row ${rowNo + 1})`);
      ids.add(r.id);
      records.push(r);
    }
  }
  if (!header) throw new Error(`${file} is empty`);
  opts.onProgress?.('read', size, size);
  return { records, header, mapping: map!.describe };
}

export interface DedupFileOptions extends ReadOptions {
  input: string;
  /** Second file: link input × other instead of deduplicating input. */
  linkWith?: string;
  out: string;
  matchThreshold?: number;
  reviewThreshold?: number;
  engine?: DedupOptions;
}

export interface DedupFileResult {
  records: number;
  pairs: number;
  matchPairs: number;
  reviewPairs: number;
  stats: Omit<DedupStats, 'clusters' | 'refusedMerges'> & Partial<Pick<DedupStats, 'clusters' | 'refusedMerges'>>;
  mapping: string[];
  ms: number;
}

/** Writes pairs as `id_a,id_b,score,decision`. */
export async function writePairs(file: string, pairs: readonly ScoredPair[], onProgress?: Progress): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const lines: string[] = ['id_a,id_b,score,decision\n'];
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i];
    lines.push(csvLine([p.a, p.b, p.score.toFixed(2), p.decision]));
    if (lines.length >= 4096) {
      if (!out.write(lines.join(''))) await once(out, 'drain');
      lines.length = 0;
      onProgress?.('write', i + 1, pairs.length);
    }
  }
  out.end(lines.join(''));
  await once(out, 'finish');
  onProgress?.('write', pairs.length, pairs.length);
}

/** Deduplicates (or links) CSV files and writes the pairs file. */
export async function dedupFile(o: DedupFileOptions): Promise<DedupFileResult> {
  const t0 = Date.now();
  const preset = presetOf(o.preset);
  const A = await readRecords(o.input, o);
  const engine: DedupOptions = {
    ...(preset?.options ?? {}),
    ...(o.engine ?? {}),
    ...(o.matchThreshold !== undefined ? { matchThreshold: o.matchThreshold } : {}),
    ...(o.reviewThreshold !== undefined ? { reviewThreshold: o.reviewThreshold } : {}),
    onProgress: (_stage, done, total) => o.onProgress?.('score', done, total),
  };
  let pairs: ScoredPair[];
  let stats: DedupFileResult['stats'];
  if (o.linkWith) {
    const B = await readRecords(o.linkWith, o);
    const res = link(A.records, B.records, engine);
    pairs = res.pairs;
    stats = res.stats;
  } else {
    const res = dedupe(A.records, engine);
    pairs = res.pairs;
    stats = res.stats;
  }
  await writePairs(o.out, pairs, o.onProgress);
  let matchPairs = 0;
  for (const p of pairs) if (p.decision === 'match') matchPairs++;
  return {
    records: stats.records,
    pairs: pairs.length,
    matchPairs,
    reviewPairs: pairs.length - matchPairs,
    stats,
    mapping: A.mapping,
    ms: Date.now() - t0,
  };
}
