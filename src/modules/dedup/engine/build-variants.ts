/**
 * Builds the shipped name-variant dictionary data/names/name-variants.tsv from the CC0 Wikidata
 * name-token alignment (NETransliteration-COLING2018) in ../shared/data/names/, plus a short
 * hand-written list of Afghan/Pakistani variants.
 *
 *   npx tsx src/modules/dedup/engine/build-variants.ts [SOURCE_DIR] [OUT_FILE]
 *
 * Rule: group the aligned tokens by the folded Arabic-script token; within a group keep Latin
 * spellings seen ≥ MIN_COUNT times whose Jaro-Winkler similarity to the group's most frequent
 * spelling is ≥ MIN_JW (or whose consonant skeleton equals it); groups whose total is below
 * MIN_GROUP are dropped. A spelling seen in several groups belongs to the group where it was seen
 * most. The hand-written groups override the derived ones.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldArabicName, latinBase, skeleton } from './normalise';
import { jaroWinkler } from './jaro';

const MIN_COUNT = 2;
const MIN_GROUP = 4;
const MIN_JW = 0.8;
const MAX_LEN_DIFF = 2;

/** canonical, other Latin spellings, Arabic-script (Dari) forms. */
export const MANUAL_GROUPS: [string, string[], string[]][] = [
  ['mohammad', ['muhammad', 'mohammed', 'muhammed', 'mohamed', 'mohamad', 'muhamad', 'mohamud', 'mohd', 'mohmmad', 'mohammod', 'mahomed', 'mhd', 'md'], ['محمد']],
  ['ahmad', ['ahmed', 'ahmet', 'ahamad', 'ahmd'], ['احمد']],
  ['ghulam', ['gholam', 'golam', 'gulam', 'ghullam'], ['غلام']],
  ['hussain', ['hussein', 'hossein', 'husain', 'husein', 'hosain', 'hosein', 'hussian', 'hossain', 'husayn', 'hussen'], ['حسین']],
  ['hassan', ['hasan', 'hasson', 'hassen', 'hasen'], ['حسن']],
  ['abdul', ['abdol', 'abdel', 'abdal', 'abd', 'abdu', 'abdoul'], ['عبد', 'عبدل']],
  ['gul', ['gol', 'gull', 'ghul'], ['گل']],
  ['noor', ['nur', 'nour', 'noer'], ['نور']],
  ['rahman', ['rehman', 'rahmon', 'rahmaan', 'rehmaan', 'rahmane'], ['رحمان', 'رحمن']],
  ['rahim', ['raheem', 'rahime', 'rehim'], ['رحیم']],
  ['karim', ['kareem', 'kerim', 'karime'], ['کریم']],
  ['khan', ['kahn', 'khaan'], ['خان']],
  ['ullah', ['ulla', 'ollah', 'allah', 'ulah', 'ola', 'ullha'], ['الله', 'اله']],
  ['sayed', ['syed', 'sayyid', 'sayyed', 'seyed', 'seyyed', 'sayid', 'saiyed'], ['سید']],
  ['said', ['saeed', 'saied', 'saiid', 'sayeed'], ['سعید']],
  ['fatima', ['fatema', 'fatemeh', 'fatimah', 'fateme', 'fatma', 'fatmah', 'fathima'], ['فاطمه', 'فاطیمه']],
  ['zahra', ['zohra', 'zehra', 'zahara', 'zuhra'], ['زهرا', 'زهره']],
  ['mahmood', ['mahmud', 'mahmoud', 'mehmood', 'mahmod'], ['محمود']],
  ['masood', ['masud', 'masoud', 'masood', 'masuod'], ['مسعود']],
  ['yousuf', ['yusuf', 'yousef', 'yosef', 'yusef', 'yousaf', 'yusof', 'yosuf', 'yussuf'], ['یوسف']],
  ['jawad', ['javad', 'jawaad'], ['جواد']],
  ['wali', ['vali', 'walli', 'valli'], ['ولی']],
  ['rasool', ['rasul', 'rasoul', 'rasol'], ['رسول']],
  ['naseer', ['nasir', 'nasser', 'nassir', 'nazir', 'nazeer'], ['نصیر', 'نذیر']],
  ['omar', ['umar', 'omer', 'umer'], ['عمر']],
  ['usman', ['osman', 'othman', 'uthman', 'usmon', 'osmon'], ['عثمان']],
  ['farid', ['fareed', 'ferid', 'farid'], ['فرید']],
  ['shafiq', ['shafique', 'shafeeq', 'shafik'], ['شفیق']],
  ['rafiq', ['rafique', 'rafeeq', 'rafik'], ['رفیق']],
  ['zainab', ['zaynab', 'zeinab', 'zenab', 'zaineb'], ['زینب']],
  ['khadija', ['khadijah', 'khadeja', 'khadeeja', 'khadije', 'khadicha'], ['خدیجه']],
  ['maryam', ['mariam', 'marium', 'meryem', 'maryum'], ['مریم']],
  ['aisha', ['ayesha', 'aysha', 'aishah', 'ayisha', 'aesha'], ['عایشه', 'عائشه']],
  ['sharif', ['shareef', 'sherif', 'sharef'], ['شریف']],
  ['habib', ['habeeb', 'habiib'], ['حبیب']],
  ['hamid', ['hameed', 'hamed', 'hamidh'], ['حمید']],
  ['rashid', ['rasheed', 'rashed', 'rachid'], ['رشید']],
  ['jamil', ['jameel', 'djamil'], ['جمیل']],
  ['nabi', ['nabee', 'nabie'], ['نبی']],
  ['ali', ['aly', 'alee'], ['علی']],
  ['hakim', ['hakeem', 'hakem'], ['حکیم']],
  ['qadir', ['kadir', 'qader', 'kader', 'qadeer', 'kadeer'], ['قادر', 'قدیر']],
  ['aziz', ['azeez', 'azis'], ['عزیز']],
  ['bibi', ['beebee', 'bebe', 'bibe'], ['بی بی', 'بیبی']],
  ['jan', ['jaan', 'djan'], ['جان']],
  ['shah', ['sha', 'shaw'], ['شاه']],
  ['mir', ['meer'], ['میر']],
  ['zaman', ['zamaan'], ['زمان']],
  ['amin', ['ameen', 'emin', 'amen'], ['امین']],
  ['rahmatullah', ['rahmatulla', 'rahmatollah'], ['رحمت الله', 'رحمتالله']],
  ['najib', ['najeeb', 'nadjib'], ['نجیب']],
  ['wahid', ['waheed', 'vahid', 'vaheed'], ['وحید']],
  ['saeeda', ['saida', 'sayeeda', 'saeida'], ['سعیده']],
  ['zarmina', ['zarmeena', 'zarminah'], ['زرمینه']],
  ['parwin', ['parveen', 'parvin', 'parween', 'perveen'], ['پروین']],
  ['shirin', ['sherin', 'shireen', 'shereen'], ['شیرین']],
  ['nazia', ['naziya', 'nazea'], ['نازیه']],
  ['latifa', ['latifah', 'lateefa', 'latefa'], ['لطیفه']],
  ['malalai', ['malalay', 'malalei'], ['ملالی']],
  ['durrani', ['durani', 'dorrani', 'dorani'], ['درانی']],
  ['popalzai', ['popalzay', 'popalzei', 'popolzai'], ['پوپلزی', 'پوپلزای']],
  ['ahmadzai', ['ahmadzay', 'ahmedzai', 'ahmadzei'], ['احمدزی', 'احمدزای']],
  ['yousufzai', ['yusufzai', 'yousafzai', 'yousafzay', 'yusufzay'], ['یوسفزی', 'یوسفزای']],
  ['hazara', ['hazarah', 'hazareh'], ['هزاره']],
  ['tajik', ['tajek', 'tadjik'], ['تاجیک']],
  ['safi', ['saafi', 'safee'], ['صافی']],
  ['mohmand', ['momand', 'muhmand', 'mahmand'], ['مهمند', 'مومند']],
  ['khalil', ['khaleel', 'kalil', 'halil'], ['خلیل']],
];

interface Group {
  arabic: string;
  total: number;
  spellings: Map<string, number>;
}

export function buildVariants(tokensText: string): string {
  const groups = new Map<string, Group>();
  for (const line of tokensText.split('\n')) {
    const [lat, ar, cnt] = line.split('\t');
    if (!lat || !ar || !cnt) continue;
    const a = foldArabicName(ar.replace(/ /g, '')).replace(/ /g, '');
    const l = latinBase(lat);
    const c = Number(cnt);
    if (!a || !l || l.length < 2 || !Number.isFinite(c)) continue;
    let g = groups.get(a);
    if (!g) groups.set(a, (g = { arabic: a, total: 0, spellings: new Map() }));
    g.total += c;
    g.spellings.set(l, (g.spellings.get(l) ?? 0) + c);
  }

  // Per group: the top spelling and the spellings kept.
  const owner = new Map<string, { canonical: string; count: number }>();
  const arabicToTop = new Map<string, string>();
  for (const g of groups.values()) {
    if (g.total < MIN_GROUP) continue;
    const sorted = [...g.spellings].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    const [top, topCount] = sorted[0];
    if (topCount < MIN_COUNT) continue;
    arabicToTop.set(g.arabic, top);
    for (const [sp, c] of sorted) {
      if (c < MIN_COUNT) continue;
      if (sp !== top) {
        if (jaroWinkler(sp, top) < MIN_JW && skeleton(sp) !== skeleton(top)) continue;
        // Compounds and fragments (abdul / abdullah, abd / abdelkader) are not variants.
        if (Math.abs(sp.length - top.length) > MAX_LEN_DIFF) continue;
        if (Math.abs(sp.length - top.length) >= 2 && (sp.startsWith(top) || top.startsWith(sp))) continue;
      }
      const cur = owner.get(sp);
      if (!cur || cur.count < c) owner.set(sp, { canonical: top, count: c });
    }
  }
  // A spelling that is itself the canonical of some group it owns stays canonical; resolve one
  // level of indirection (x → y where y → z becomes x → z), never chains.
  const canon = (sp: string) => {
    const o = owner.get(sp);
    if (!o) return sp;
    const o2 = owner.get(o.canonical);
    return o2 ? o2.canonical : o.canonical;
  };

  const manualLatin = new Map<string, string>();
  const manualArabic = new Map<string, string>();
  for (const [c, vs, ars] of MANUAL_GROUPS) {
    for (const v of [c, ...vs]) manualLatin.set(v, c);
    for (const a of ars) manualArabic.set(foldArabicName(a).replace(/ /g, ''), c);
  }

  const out = new Map<string, { latin: Set<string>; arabic: Set<string> }>();
  const entry = (c: string) => {
    let e = out.get(c);
    if (!e) out.set(c, (e = { latin: new Set(), arabic: new Set() }));
    return e;
  };
  for (const sp of owner.keys()) {
    if (manualLatin.has(sp)) continue;
    const c = canon(sp);
    const cc = manualLatin.get(c) ?? c;
    if (sp !== cc) entry(cc).latin.add(sp);
  }
  for (const [a, top] of arabicToTop) {
    if (manualArabic.has(a)) continue;
    const c = manualLatin.get(top) ?? canon(top);
    entry(manualLatin.get(c) ?? c).arabic.add(a);
  }
  for (const [v, c] of manualLatin) if (v !== c) entry(c).latin.add(v);
  for (const [a, c] of manualArabic) entry(c).arabic.add(a);
  for (const c of manualLatin.values()) entry(c);

  const lines = [...out]
    .filter(([c, e]) => e.latin.size + e.arabic.size >= 1 && !e.latin.has(c))
    .sort((x, y) => (x[0] < y[0] ? -1 : 1))
    .map(([c, e]) => `${c}\t${[...e.latin].sort().join(',')}\t${[...e.arabic].sort().join(',')}`);
  const header = [
    '# Hamrah name-variant dictionary: canonical<TAB>latin variants<TAB>arabic-script forms (folded).',
    '# Derived from Wikidata name tokens (CC0 1.0) via NETransliteration-COLING2018, plus hand-written',
    `# Afghan/Pakistani variants. Built by src/modules/dedup/engine/build-variants.ts (min count ${MIN_COUNT}, min group ${MIN_GROUP}, min Jaro-Winkler ${MIN_JW}).`,
  ];
  return [...header, ...lines].join('\n') + '\n';
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repoRoot = path.resolve(here, '../../../..');
  const src = process.argv[2] ?? path.resolve(repoRoot, '../shared/data/names');
  const outFile = process.argv[3] ?? path.resolve(repoRoot, 'data/names/name-variants.tsv');
  const text = buildVariants(readFileSync(path.join(src, 'wd_arabic.normalized.aligned.tokens'), 'utf8'));
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile}: ${text.split('\n').length - 5} groups, ${text.length} bytes`);
}
