import type { Command } from 'commander';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { readRecords } from '../modules/dedup/files';
import { parseMapArgs } from '../modules/dedup/mapping';
import { csvLine } from '../modules/dedup/csv';
import { ClkEncoder, matchEncodings, readEncodings, writeEncodings } from '../modules/dedup/pprl/index';
import { stageProgress } from './dedup';

const collect = (v: string, acc: string[]) => [...acc, v];

/** The secret: the file's bytes without a final newline. */
function readSecret(file: string): Buffer {
  let b = readFileSync(file);
  while (b.length && (b[b.length - 1] === 0x0a || b[b.length - 1] === 0x0d)) b = b.subarray(0, b.length - 1);
  return b;
}

export function registerPprlCommands(program: Command): void {
  const pprl = program
    .command('pprl')
    .description('Privacy-preserving record linkage with a partner agency: encode people as keyed Bloom filters (no names leave), match two encoded files');

  pprl
    .command('encode <input>')
    .description('Encode a CSV of people (same fields and --map as "hamrah dedup") into id,clk with a 1,024-bit keyed Bloom filter per person')
    .requiredOption('--secret-file <file>', 'file holding the secret shared with the partner (at least 16 bytes; keep it out of the encoded file\'s way)')
    .requiredOption('-o, --out <enc.csv>', 'where to write the encodings')
    .option('-m, --map <field=column>', 'take a field from a column (repeatable)', collect, [])
    .option('--delimiter <c>', 'field separator (default: guessed from the header)')
    .option('--flip <p>', 'probability of flipping each bit (hardening; default 0.01, 0 for none)')
    .option('--reference-year <y>', 'year that stated ages refer to (default: this year)')
    .option('-q, --quiet', 'no progress or summary on stderr')
    .action(async (input: string, o: { secretFile: string; out: string; map: string[]; delimiter?: string; flip?: string; referenceYear?: string; quiet?: boolean }) => {
      const progress = stageProgress(o.quiet);
      try {
        const t0 = Date.now();
        const { records, mapping } = await readRecords(input, { map: parseMapArgs(o.map), delimiter: o.delimiter, onProgress: progress.update });
        const encoder = new ClkEncoder({
          secret: readSecret(o.secretFile),
          flip: o.flip !== undefined ? Number(o.flip) : undefined,
          referenceYear: o.referenceYear ? Number(o.referenceYear) : undefined,
        });
        progress.update('encode', 0, records.length);
        const enc = encoder.encode(records);
        progress.update('encode', records.length, records.length);
        await writeEncodings(o.out, enc);
        progress.stop();
        if (!o.quiet) {
          process.stderr.write(`Fields: ${mapping.join('; ')}\n`);
          process.stderr.write(`${records.length} people encoded in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${o.out} (id and filter only)\n`);
        }
      } finally {
        progress.stop();
      }
    });

  pprl
    .command('match <ours> <theirs>')
    .description('Link two encoded files (made with the same secret) and write id_a,id_b,dice,decision (match or review)')
    .requiredOption('-o, --out <links.csv>', 'where to write the candidate links')
    .option('--thresholds <match,review>', 'Dice thresholds (default 0.86,0.82)')
    .option('--all', 'several matches per record (default: each record matches at most one on the other side)')
    .option('-q, --quiet', 'no progress or summary on stderr')
    .action(async (ours: string, theirs: string, o: { out: string; thresholds?: string; all?: boolean; quiet?: boolean }) => {
      const progress = stageProgress(o.quiet);
      try {
        const t0 = Date.now();
        const [m, r] = (o.thresholds ?? '').split(',').map((x) => (x.trim() ? Number(x) : undefined));
        if ((m !== undefined && !(m >= 0 && m <= 1)) || (r !== undefined && !(r >= 0 && r <= 1))) throw new Error('--thresholds: Dice values between 0 and 1, e.g. 0.86,0.82');
        const A = await readEncodings(ours);
        const B = await readEncodings(theirs);
        const res = matchEncodings(A, B, { matchThreshold: m, reviewThreshold: r, oneToOne: !o.all, onProgress: progress.update });
        const out = createWriteStream(o.out, { encoding: 'utf8' });
        let buf = 'id_a,id_b,dice,decision\n';
        for (const l of res.links) {
          buf += csvLine([l.a, l.b, l.dice.toFixed(3), l.decision]);
          if (buf.length > 1 << 16) {
            if (!out.write(buf)) await once(out, 'drain');
            buf = '';
          }
        }
        out.end(buf);
        await once(out, 'finish');
        progress.stop();
        if (!o.quiet)
          process.stderr.write(
            `${A.ids.length} × ${B.ids.length} encodings, ${res.stats.comparisons} comparisons → ${res.stats.matchLinks} match and ${res.stats.reviewLinks} review links in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${o.out}\n`,
          );
      } finally {
        progress.stop();
      }
    });
}
