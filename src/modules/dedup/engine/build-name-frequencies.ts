/**
 * Builds data/names/name-frequencies.tsv, the long tail of given names the synthetic registry
 * draws from (synthetic.ts), from the CC0 Wikidata name-token alignment in ../shared/data/names/
 * and the shipped variant dictionary.
 *
 *   npx tsx src/modules/dedup/engine/build-name-frequencies.ts [SOURCE_DIR] [OUT_FILE]
 *
 * Rule: every aligned Latin token is brought to its canonical spelling through the dictionary
 * (data/names/name-variants.tsv) and its Wikidata count is added to that canonical. A canonical
 * is kept when the dictionary knows an Arabic-script form for it, that form contains a letter
 * that transliterations of European names practically never use (ع ح ق ص ض ط ظ: a
 * simple test for a name of Arabic or Persian origin, so that Smith or Abercrombie do not become
 * Afghan given names), its total count is at least MIN_COUNT, and it is not a name particle (al,
 * abu, bin, abdul, ullah …) or on a short hand-made list of European and other names that pass the
 * letter test. Output: `canonical \t count \t kind`, most frequent first; kind is `family` for a
 * nisba form (Ahmadi, Hosseini) or a tribal -zai / -khel name, else the sex, roughly guessed
 * from the ending (-a / -ah: female, else male, with the usual male exceptions Musa, Isa,
 * Mustafa …) and used only to decide which sex a synthetic person with that name has.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latinBase, parseVariantDictionary } from './normalise';

const MIN_COUNT = 3;
const ORIGIN_LETTERS = /[عحقصضطظ]/;
const PARTICLES = new Set(['al', 'el', 'abu', 'abou', 'bin', 'ben', 'ibn', 'bint', 'abdul', 'ullah', 'uddin', 'din', 'allah', 'abd', 'ould', 'sidi', 'haji', 'sheikh', 'shaikh']);
// Tokens that pass the letter test but are European, Biblical, Turkish or West African names,
// titles or places (read off the list by hand; the test above lets them through because their
// Arabic spelling uses ط or ع, e.g. أنطونيو).
const NOT_AFGHAN = new Set(('antonio samuel antoine guy isaac anton august washington sofia chuck auguste archduchess guido castile archduke gros vii ' +
  'goldman goto haim augustus constantine emperor kanaan adi amos sicily antonia ignatius italy antonin augustine boutros saint thomson duchess ezra ' +
  'cyprus shimon gideon kwok nahum naomi antioch antiochus kao pinchas shalmaneser sofie amenemhat antoinette antonios britain froding gilad great ' +
  'gurie hagai hiram nehemiah ofer uzi ahmose sheshonk hulusi selcuk ertugrul kahveci kilij aliyev albayrak alassane diouf mahamadou afet semiha ismet ' +
  'kab jumblatt khashoggi gaddafi saddam jinnah mizrahi henein ghattas samaan kawar schehade lahoud maalouf hayek').split(' '));
const MALE_IN_A = new Set(['musa', 'isa', 'mustafa', 'yahya', 'hamza', 'reza', 'raza', 'taha', 'zakariya', 'zakaria', 'murtaza', 'mirza', 'ata', 'abba', 'bakhta', 'yaha', 'mousa', 'issa', 'moussa', 'mostafa', 'mustapha', 'ridha', 'rida', 'huzaifa', 'hudhaifa', 'osama', 'usama', 'ubaida', 'ikrima', 'muawiya', 'khalifa', 'attia', 'hafsa']);

/**
 * 'family' for a nisba or tribal form (Ahmadi from Ahmad, Hosseini from Hossein, …-zai), else the
 * sex guessed from the ending.
 */
function kind(c: string, counts: Map<string, number>): string {
  if (c.endsWith('zai') || c.endsWith('khel')) return 'family';
  if (/[iy]$/.test(c) && c.length >= 5 && (counts.has(c.slice(0, -1)) || counts.has(c.slice(0, -2)))) return 'family';
  return /(a|ah)$/.test(c) && !MALE_IN_A.has(c) ? 'f' : 'm';
}

export function buildNameFrequencies(tokensText: string, dictionaryText: string): string {
  const dict = parseVariantDictionary(dictionaryText);
  const arabicOf = new Map<string, string[]>();
  for (const [a, c] of dict.arabic) {
    let l = arabicOf.get(c);
    if (!l) arabicOf.set(c, (l = []));
    l.push(a);
  }
  const counts = new Map<string, number>();
  for (const line of tokensText.split('\n')) {
    const [lat, , cnt] = line.split('\t');
    if (!lat || !cnt) continue;
    const b = latinBase(lat);
    const c = dict.latin.get(b);
    const n = Number(cnt);
    if (!c || !Number.isFinite(n)) continue;
    counts.set(c, (counts.get(c) ?? 0) + n);
  }
  const rows = [...counts]
    .filter(([c, n]) => n >= MIN_COUNT && c.length >= 3 && !PARTICLES.has(c) && !NOT_AFGHAN.has(c) && (arabicOf.get(c) ?? []).some((a) => ORIGIN_LETTERS.test(a)))
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .map(([c, n]) => `${c}\t${n}\t${kind(c, counts)}`);
  const header = [
    '# Hamrah synthetic-registry name frequencies: canonical<TAB>Wikidata count<TAB>sex (guessed from the ending).',
    '# Counts of Wikidata person-name tokens (CC0 1.0, via NETransliteration-COLING2018) summed per canonical of',
    `# data/names/name-variants.tsv; names of Arabic/Persian origin only. Built by src/modules/dedup/engine/build-name-frequencies.ts (min count ${MIN_COUNT}).`,
  ];
  return [...header, ...rows].join('\n') + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repoRoot = path.resolve(here, '../../../..');
  const src = process.argv[2] ?? path.resolve(repoRoot, '../shared/data/names');
  const outFile = process.argv[3] ?? path.resolve(repoRoot, 'data/names/name-frequencies.tsv');
  const text = buildNameFrequencies(
    readFileSync(path.join(src, 'wd_arabic.normalized.aligned.tokens'), 'utf8'),
    readFileSync(path.resolve(repoRoot, 'data/names/name-variants.tsv'), 'utf8'),
  );
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile}: ${text.split('\n').length - 4} names, ${text.length} bytes`);
}
