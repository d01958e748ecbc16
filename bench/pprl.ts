/**
 * Privacy-preserving linkage benchmark (issue 4, part 6):
 *   npm run bench:pprl -- [--n 100000] [--match 0.86] [--review 0.78] [--bands 48] [--bits 18] [--flip 0.01]
 *
 * Two agencies' registries of N records each from the synthetic generator: people with a
 * duplicate rendering put one record in each file (the true links: transliteration variants,
 * Arabic vs Latin script, missing father's name, age instead of date, a move…); other people go
 * to one file or the other. Both files are encoded with the same secret (no document number or
 * phone: partners rarely share those), then linked. Prints encoding and matching time,
 * comparisons, precision and recall of match links, recall counting review, and a control run
 * with a wrong secret on one side. The last line is `BENCH {json}`.
 */
import { performance } from 'node:perf_hooks';
import { generateRegistry } from '../src/modules/dedup/engine/synthetic';
import type { PersonRecord } from '../src/modules/dedup/engine/prepare';
import { encodePeople, matchEncodings } from '../src/modules/dedup/pprl/index';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const n = Number(arg('--n') ?? 100_000);
const num = (name: string) => (arg(name) !== undefined ? Number(arg(name)) : undefined);
const matchOpts = { matchThreshold: num('--match'), reviewThreshold: num('--review'), bands: num('--bands'), bitsPerBand: num('--bits') };
const flip = num('--flip');
const log = (s: string) => process.stderr.write(s + '\n');

// About half of the people appear in both files.
const reg = generateRegistry({ individuals: Math.round(n * 1.34), seed: 99, duplicateRate: 0.5 });
const strip = (r: PersonRecord): PersonRecord => ({ ...r, documentNumber: undefined, phone: undefined });
const left: PersonRecord[] = [];
const right: PersonRecord[] = [];
const leftEntity: string[] = [];
const rightEntity: string[] = [];
{
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  reg.entity.forEach((e, i) => {
    if (!first.has(e)) first.set(e, i);
    else if (!second.has(e)) second.set(e, i);
  });
  let toggle = 0;
  for (const [e, i] of first) {
    const j = second.get(e);
    if (j !== undefined) {
      if (left.length < n && right.length < n) {
        left.push(strip(reg.records[i]));
        leftEntity.push(e);
        right.push(strip(reg.records[j]));
        rightEntity.push(e);
      }
    } else if ((toggle++ & 1) === 0 ? left.length < n : right.length >= n) {
      if (left.length < n) {
        left.push(strip(reg.records[i]));
        leftEntity.push(e);
      }
    } else if (right.length < n) {
      right.push(strip(reg.records[i]));
      rightEntity.push(e);
    }
  }
}
const truth = new Set<string>();
{
  const rightIdOf = new Map(rightEntity.map((e, j) => [e, right[j].id]));
  leftEntity.forEach((e, i) => {
    const b = rightIdOf.get(e);
    if (b) truth.add(`${left[i].id}|${b}`);
  });
}
log(`left ${left.length} records, right ${right.length} records, ${truth.size} true links`);

const secret = 'bench secret shared by both agencies only';
let t = performance.now();
const encL = encodePeople(left, { secret, referenceYear: reg.referenceYear, flip });
const encR = encodePeople(right, { secret, referenceYear: reg.referenceYear, flip });
const msEncode = performance.now() - t;
t = performance.now();
const res = matchEncodings(encL, encR, matchOpts);
const msMatch = performance.now() - t;
let tp = 0;
let predicted = 0;
let reviewTp = 0;
for (const l of res.links) {
  const hit = truth.has(`${l.a}|${l.b}`);
  if (l.decision === 'match') {
    predicted++;
    if (hit) tp++;
  } else if (hit) reviewTp++;
}
const precision = predicted ? tp / predicted : 1;
const recall = tp / truth.size;
const recallWithReview = (tp + reviewTp) / truth.size;
log(
  `encode ${Math.round(msEncode)} ms (${Math.round((1000 * (left.length + right.length)) / msEncode)} records/s); match ${Math.round(msMatch)} ms: ` +
    `${res.stats.comparisons} comparisons (${((100 * res.stats.comparisons) / (left.length * right.length)).toExponential(2)} % of all pairs), ${res.stats.skippedBuckets} buckets skipped`,
);
log(
  `quality: ${res.stats.matchLinks} match links, precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}; ` +
    `${res.stats.reviewLinks} review links, recall counting review ${recallWithReview.toFixed(4)}`,
);
// Control: the partner used another secret; nothing should link.
const wrong = encodePeople(right.slice(0, 20000), { secret: 'some other secret entirely, not shared', referenceYear: reg.referenceYear, flip });
const ctl = matchEncodings(encL, wrong, matchOpts);
log(`wrong secret: ${ctl.stats.matchLinks} match and ${ctl.stats.reviewLinks} review links out of ${wrong.ids.length} records`);

console.log(
  `BENCH ${JSON.stringify({
    name: 'bench:pprl',
    left: left.length,
    right: right.length,
    trueLinks: truth.size,
    msEncode: Math.round(msEncode),
    msMatch: Math.round(msMatch),
    comparisons: res.stats.comparisons,
    skippedBuckets: res.stats.skippedBuckets,
    matchLinks: res.stats.matchLinks,
    reviewLinks: res.stats.reviewLinks,
    precision: +precision.toFixed(4),
    recall: +recall.toFixed(4),
    recallWithReview: +recallWithReview.toFixed(4),
    wrongSecretLinks: ctl.links.length,
  })}`,
);
