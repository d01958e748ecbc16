import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { dedupFile } from '../modules/dedup/files';
import { FIELD_NAMES, PRESETS, parseMapArgs } from '../modules/dedup/mapping';

const STAGE_LABEL: Record<string, string> = { read: 'Reading', score: 'Scoring', write: 'Writing', encode: 'Encoding', match: 'Matching' };

/**
 * Progress on stderr for a run in stages: a bar per stage on a terminal (cli-progress); otherwise
 * one line when each stage starts, so scripted runs keep readable logs.
 */
export function stageProgress(quiet = false) {
  const tty = !!process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let stage = '';
  return {
    update(s: string, done: number, total: number) {
      if (quiet) return;
      if (s !== stage) {
        bar?.stop();
        bar = null;
        stage = s;
        if (!tty) process.stderr.write(`${STAGE_LABEL[s] ?? s}…\n`);
      }
      if (!tty) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: `${(STAGE_LABEL[s] ?? s).padEnd(9)} {bar} {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true, fps: 10 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), 0);
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** `--thresholds 28,21.5` or `--thresholds match=28,review=21.5`. */
export function parseThresholds(s: string | undefined): { matchThreshold?: number; reviewThreshold?: number } {
  if (!s) return {};
  const parts = s.split(',').map((x) => x.trim());
  const out: { matchThreshold?: number; reviewThreshold?: number } = {};
  parts.forEach((p, i) => {
    const [k, v] = p.includes('=') ? p.split('=') : [i === 0 ? 'match' : 'review', p];
    const x = Number(v);
    if (!Number.isFinite(x)) throw new Error(`--thresholds: "${p}" is not a number`);
    if (k === 'match') out.matchThreshold = x;
    else if (k === 'review') out.reviewThreshold = x;
    else throw new Error(`--thresholds: unknown name "${k}" (match, review)`);
  });
  if (out.matchThreshold !== undefined && out.reviewThreshold !== undefined && out.reviewThreshold > out.matchThreshold)
    throw new Error('--thresholds: review must not be above match');
  return out;
}

export function registerDedupCommand(program: Command): void {
  program
    .command('dedup <input>')
    .description(
      'Find duplicate people in a CSV file and write the pairs as id_a,id_b,score,decision (match or review).\n' +
        `Fields: ${FIELD_NAMES.join(', ')}. Columns named like a field map themselves.`,
    )
    .requiredOption('-o, --out <pairs.csv>', 'where to write the pairs')
    .option('-m, --map <field=column>', 'take a field from a column (repeatable; join columns with +, e.g. address=street+town)', collect, [])
    .option('--preset <name>', `column mapping and weights for a known file shape (${Object.keys(PRESETS).join(', ')})`)
    .option('--link <other.csv>', 'link INPUT with this second file (same columns) instead of deduplicating INPUT')
    .option('--thresholds <match,review>', 'score thresholds (log2 likelihood ratio); default: match rises with log2 of the record count, review 6.5 below')
    .option('--delimiter <c>', 'field separator (default: guessed from the header)')
    .option('-q, --quiet', 'no progress or summary on stderr')
    .action(async (input: string, o: { out: string; map: string[]; preset?: string; link?: string; thresholds?: string; delimiter?: string; quiet?: boolean }) => {
      const progress = stageProgress(o.quiet);
      try {
        const res = await dedupFile({
          input,
          linkWith: o.link,
          out: o.out,
          map: parseMapArgs(o.map),
          preset: o.preset,
          delimiter: o.delimiter === '\\t' ? '\t' : o.delimiter,
          ...parseThresholds(o.thresholds),
          onProgress: progress.update,
        });
        progress.stop();
        if (!o.quiet) {
          process.stderr.write(`Fields: ${res.mapping.join('; ')}\n`);
          process.stderr.write(
            `${res.records} records, ${res.stats.candidatePairs} candidate pairs → ${res.matchPairs} match and ${res.reviewPairs} review pairs` +
              `${res.stats.clusters !== undefined ? ` (${res.stats.clusters} clusters)` : ''} in ${(res.ms / 1000).toFixed(1)} s → ${o.out}\n`,
          );
        }
      } finally {
        progress.stop();
      }
    });
}
