/**
 * Synthetic Afghan/Pakistani registry with known truth, for evaluation and benchmarks
 * (docs/ARCHITECTURE.md, "Synthetic registry", says what it models and why).
 *
 * Households: a head (mostly a man), a spouse, children whose father's name is the head's given
 * name and who share family name, district and often the household phone, sometimes a brother or a
 * parent of the head; so many different people share common names, fathers and places. Given
 * names are a stem, a particle + stem (Mohammad Karim, Abdul Rahman, Ghulam Haidar) or stem +
 * particle (Hayatullah, Ahmad Jan, Sher Gul); stems, particles and family names are drawn with
 * Zipf frequencies from a hand-written head list followed by a long tail of Arabic/Persian-origin
 * names counted on Wikidata (data/names/name-frequencies.tsv) and family names derived from given
 * names (Karimi, Ismailzai). Each record is rendered independently: Latin with a transliteration
 * variant or Arabic script; birth as a Gregorian date, a Solar Hijri date, a year or an age.
 * Duplicates come mostly from whole households registered again (members missing, the household
 * moved or with another phone), the rest from single people registered twice; each duplicate record
 * may lose the father's name, swap given and family name, mistype or lose the document number,
 * lose the phone, or carry a Latin typo.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toSolarHijri } from '../../../shared/calendar';
import { defaultVariantDictionary, type VariantDictionary } from './normalise';
import type { PersonRecord } from './prepare';

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALE = (
  'mohammad ahmad ali hussain hassan karim rahim hamid rashid jawad wali rasool naseer omar usman farid shafiq rafiq sharif habib ' +
  'jamil nabi hakim qadir aziz amin najib wahid mahmood masood yousuf khalil zaman sayed mirwais bashir nasrullah zabiullah ' +
  'hayatullah ismail ibrahim idris ishaq yaqub musa isa dawood sulaiman hamza bilal tariq khalid waheed fawad javed zahir ' +
  'qasim shakir sabir nazir latif majid saleem kabir munir zakir asad imran faisal haroon jalil samiullah obaidullah ' +
  'rahmatullah hekmatullah ehsan ajmal akbar anwar arif asif baqir daud ehsanullah ezatullah fazal ghafoor hafiz hakimullah ' +
  'haidar ikram inam iqbal jahangir kamal khushal lutfullah mansoor mujib mustafa nadir naim nasim rauf saber sadiq safiullah ' +
  'shams shoaib sultan taher wasim yaseen zubair'
).split(' ');
const FEMALE = (
  'fatima zahra zainab khadija maryam aisha saeeda zarmina parwin shirin nazia latifa malalai gulalai hamida rahima karima ' +
  'shakila farida nadia najiba sima soraya freshta mariam bibi gul laila lina mina nargis nasrin parisa roya sahar sadia ' +
  'samira shabnam shazia sharifa tahira wahida yasmin zakia zuhra habiba halima jamila marzia masuda mursal nilofar ' +
  'palwasha rabia razia rukhsana sabira safia sakina salma shukria sultana tamana'
).split(' ');
const FAMILY = (
  'ahmadzai popalzai durrani mohmand yousufzai safi hazara tajik khan noori rahimi karimi hakimi sultani hussaini ' +
  'mohammadi ahmadi amiri azizi habibi haidari hashimi jalali kakar khalili mangal momand naseri nazari omari qaderi rasuli ' +
  'sadat samadi shinwari stanikzai tokhi wardak zadran barakzai alizai achakzai noorzai ishaqzai kharoti niazi sherzad ' +
  'afridi yusufi wahidi sarwari faizi ghani hamidi jamali kamali latifi majidi nabizada rahmani rezaei sharifi siddiqi ' +
  'taheri zaheer'
).split(' ');
/** Name particles that combine with a stem: prefixes (Mohammad Karim, Abdul Rahman, Ghulam Haidar…). */
const PREFIXES = ['mohammad', 'abdul', 'ghulam', 'noor', 'gul', 'sayed', 'mir', 'shah', 'khan', 'sher', 'dost', 'wali', 'ali', 'jan'];
/** …and suffixes (Hayatullah, Ahmad Jan, Sher Gul, Zahir Khan, Ahmad Shah, Gul Mohammad). */
const SUFFIXES = ['ullah', 'jan', 'gul', 'khan', 'shah', 'mohammad'];
const FEMALE_PARTS = ['gul', 'bibi', 'jan'];

const cap = (s: string) => s.replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());

interface NameForms {
  latin: string[];
  arabic: string;
}

/** Arabic-script endings of derived family names (nisba -i, tribal -zai / -khel). */
const DERIVED: [string, string][] = [['zai', 'زی'], ['khel', 'خیل'], ['i', 'ی']];

function formsFor(dict: VariantDictionary): (canonical: string) => NameForms {
  const latin = new Map<string, string[]>();
  for (const [v, c] of dict.latin) {
    let l = latin.get(c);
    if (!l) latin.set(c, (l = [c]));
    if (v !== c && v.length > 2) l.push(v);
  }
  const arabic = new Map<string, string>();
  for (const [a, c] of dict.arabic) if (!arabic.has(c) || a.length < arabic.get(c)!.length) arabic.set(c, a);
  const cache = new Map<string, NameForms>();
  const direct = (c: string): NameForms => ({ latin: latin.get(c) ?? [c], arabic: arabic.get(c) ?? '' });
  return (c) => {
    let f = cache.get(c);
    if (!f) {
      f = direct(c);
      // A family name derived from a given name (Karimi, Ismailzai, Ibrahimkhel) not in the
      // dictionary: the stem's spellings and Arabic form, plus the ending.
      if (!f.arabic && !dict.latin.has(c)) {
        for (const [end, ar] of DERIVED) {
          const stem = c.slice(0, -end.length);
          if (c.endsWith(end) && stem.length >= 3 && arabic.has(stem)) {
            const st = direct(stem);
            f = { latin: st.latin.map((l) => l + end), arabic: st.arabic + ar };
            break;
          }
        }
      }
      cache.set(c, f);
    }
    return f;
  };
}

interface TailName {
  name: string;
  count: number;
  kind: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const FREQUENCIES_PATH = path.resolve(here, '../../../../data/names/name-frequencies.tsv');
let tail: TailName[] | null = null;

/** The long tail of names (data/names/name-frequencies.tsv), most frequent first; empty if missing. */
export function tailNames(): TailName[] {
  if (!tail) {
    tail = [];
    if (existsSync(FREQUENCIES_PATH))
      for (const line of readFileSync(FREQUENCIES_PATH, 'utf8').split('\n')) {
        if (!line || line.startsWith('#')) continue;
        const [name, count, kind] = line.split('\t');
        if (name && kind) tail.push({ name, count: Number(count), kind });
      }
  }
  return tail;
}

/**
 * Draws from a ranked list with Zipf frequencies, P(rank r) ∝ 1 / (r + q)^s: a few very common
 * names and a long tail. q flattens the very head (so that the first name is not absurdly
 * dominant), s sets how fast the tail thins.
 */
function zipfSampler<T>(xs: readonly T[], s: number, q: number, rand: () => number): () => T {
  const cdf = new Float64Array(xs.length);
  let sum = 0;
  for (let r = 0; r < xs.length; r++) cdf[r] = sum += 1 / (r + 1 + q) ** s;
  return () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = xs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return xs[lo];
  };
}

/** Ranked name lists: the hand-written head in its order, then the tail by Wikidata count. */
function nameLists() {
  const t = tailNames();
  const uniq = (xs: string[]) => [...new Set(xs)];
  const male = uniq([...MALE, ...t.filter((x) => x.kind === 'm').map((x) => x.name)]);
  const female = uniq([...FEMALE, ...t.filter((x) => x.kind === 'f').map((x) => x.name)]);
  // Family names: the head list, then nisba forms from the tail, then forms derived from given
  // names the way many Afghan family and tribal names are made (Karimi, Ismailzai, Ibrahimkhel).
  const derived: string[] = [];
  male.slice(0, 300).forEach((m, i) => derived.push(i % 3 === 0 ? `${m}zai` : i % 3 === 1 ? `${m}i` : `${m}khel`));
  const family = uniq([...FAMILY, ...t.filter((x) => x.kind === 'family').map((x) => x.name), ...derived]).filter((f) => !f.endsWith('ii'));
  return { male, female, family };
}

export interface SyntheticOptions {
  individuals: number;
  seed?: number;
  /** Share of people with one or more duplicate records (default 0.15). */
  duplicateRate?: number;
  /**
   * Kept for callers of the earlier generator, which made a share of people siblings of another;
   * siblings now come from households (children share their father's name, family, place, phone).
   */
  siblingRate?: number;
  referenceYear?: number;
  dictionary?: VariantDictionary;
}

export interface SyntheticRegistry {
  records: PersonRecord[];
  /** Entity (person) id per record: the truth. */
  entity: string[];
  referenceYear: number;
}

interface Person {
  sex: 'm' | 'f';
  given: string[];
  father: string[];
  family: string[];
  y: number;
  m: number;
  d: number;
  doc: string;
  /** Own phone ('' none); members without one may give the household's. */
  phone: string;
  /** Gives the household phone when registered (if the household has one). */
  householdPhone: boolean;
}

interface Household {
  members: number[];
  loc: string;
  phone: string;
}

export function generateRegistry(opts: SyntheticOptions): SyntheticRegistry {
  const rand = rng(opts.seed ?? 1);
  const refYear = opts.referenceYear ?? 2026;
  const forms = formsFor(opts.dictionary ?? defaultVariantDictionary());
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const lists = nameLists();
  // Zipf exponents: 1.25 for given-name stems, chosen so that common names are shared at least as
  // much as in the earlier, short-list generator (at 200k people: 57 % of people share their
  // given + father's name with another person, 13 % also the birth year; the top name is 6.8 % of
  // people), while the tail adds rare names (18,500 distinct given names against 13,300); 1 for
  // family names; a steeper 1.3 for the particles (Mohammad and Abdul dominate compounds).
  const maleStem = zipfSampler(lists.male, 1.25, 1, rand);
  const maleStemNoMohammad = zipfSampler(lists.male.filter((x) => x !== 'mohammad'), 1.25, 1, rand);
  const femaleStem = zipfSampler(lists.female, 1.25, 1, rand);
  const familyName = zipfSampler(lists.family, 1, 3, rand);
  const prefix = zipfSampler(PREFIXES, 1.3, 0, rand);
  const suffix = zipfSampler(SUFFIXES, 1.3, 0, rand);
  const districts = Array.from({ length: 400 }, (_, i) => `AF${String(101 + Math.floor(i / 12)).padStart(2, '0')}${String(1 + (i % 12)).padStart(2, '0')}`);
  const district = zipfSampler(districts, 0.8, 5, rand);
  const digits = (k: number) => {
    let s = String(int(1, 9));
    for (let i = 1; i < k; i++) s += String(int(0, 9));
    return s;
  };
  const phoneNumber = () => `07${digits(8)}`;
  const maleGiven = (): string[] => {
    const r = rand();
    if (r < 0.3) {
      const p = prefix();
      let st = maleStemNoMohammad();
      if (st === p) st = maleStemNoMohammad();
      return [p, st];
    }
    if (r < 0.45) {
      const x = suffix();
      const st = x === 'mohammad' ? maleStemNoMohammad() : maleStem();
      return st.endsWith('ullah') && x === 'ullah' ? [st] : [st, x];
    }
    return [maleStem()];
  };
  const femaleGiven = (): string[] => (rand() < 0.15 ? [femaleStem(), pick(FEMALE_PARTS)] : [femaleStem()]);
  const newPerson = (sex: 'm' | 'f', y: number, father: string[], family: string[], adult: boolean): Person => ({
    sex,
    given: sex === 'm' ? maleGiven() : femaleGiven(),
    father,
    family,
    y: Math.min(y, refYear - 1),
    m: int(1, 12),
    d: int(1, 28),
    doc: rand() < 0.7 ? digits(int(7, 10)) : '',
    phone: adult && rand() < 0.2 ? phoneNumber() : '',
    householdPhone: rand() < (adult ? 0.55 : 0.4),
  });

  // Households: a head (most often a man), a spouse, children (whose father's name is the head's
  // given name, and who share family name, place and phone), now and then a brother or a parent of
  // the head. Parents do not give two children the same name.
  const people: Person[] = [];
  const households: Household[] = [];
  while (people.length < opts.individuals) {
    const hh: Household = { members: [], loc: district(), phone: rand() < 0.75 ? phoneNumber() : '' };
    const add = (p: Person) => {
      if (people.length < opts.individuals) {
        hh.members.push(people.length);
        people.push(p);
      }
    };
    const hy = int(1950, 2005);
    const family = rand() < 0.6 ? [familyName()] : [];
    const head = newPerson(rand() < 0.88 ? 'm' : 'f', hy, maleGiven(), family, true);
    add(head);
    // A female head (widow, husband abroad): her children carry their father's name, not hers.
    const husband = head.sex === 'm' ? head.given : maleGiven();
    if (head.sex === 'm' && rand() < 0.85) add(newPerson('f', hy + int(-2, 8), maleGiven(), rand() < 0.4 ? family : rand() < 0.5 ? [familyName()] : [], true));
    const kids = Math.floor(rand() * 7);
    const names = new Set<string>();
    for (let k = 0; k < kids; k++) {
      const y = hy + int(18, 40);
      if (y > refYear - 1) continue;
      let c = newPerson(rand() < 0.5 ? 'm' : 'f', y, husband, family, refYear - y >= 16);
      for (let t = 0; t < 8 && names.has(c.given.join(' ')); t++) c = { ...c, given: c.sex === 'm' ? maleGiven() : femaleGiven() };
      names.add(c.given.join(' '));
      add(c);
    }
    if (rand() < 0.15) add(newPerson('m', hy + int(-10, 10), head.father, family, true));
    else if (rand() < 0.1) add(newPerson('f', hy - int(18, 30), maleGiven(), [], true));
    households.push(hh);
  }

  const renderName = (parts: string[], arabicScript: boolean, typo: boolean): string => {
    if (!parts.length) return '';
    if (arabicScript && parts.every((p) => forms(p).arabic)) return parts.map((p) => forms(p).arabic).join(' ');
    let s = parts.map((p) => (rand() < 0.5 ? p : pick(forms(p).latin))).join(rand() < 0.1 ? '' : ' ');
    if (typo && s.length > 3) {
      const i = int(1, s.length - 2);
      const r = rand();
      s = r < 0.4 ? s.slice(0, i) + s.slice(i + 1) : r < 0.7 ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s.slice(0, i) + 'aeiou'[int(0, 4)] + s.slice(i + 1);
    }
    return cap(s);
  };
  const docTypo = (d: string) => {
    const i = int(0, d.length - 2);
    return rand() < 0.5 ? d.slice(0, i) + d[i + 1] + d[i] + d.slice(i + 2) : d.slice(0, i) + String(int(0, 9)) + d.slice(i + 1);
  };

  const records: PersonRecord[] = [];
  const entity: string[] = [];
  /** One registration of person pid in household `hid` at `loc`, with the household phone `hphone`. */
  const render = (p: Person, pid: number, dup: boolean, hid: string, loc: string, hphone: string) => {
    const arabic = rand() < 0.25;
    const typo = dup && !arabic && rand() < 0.1;
    const r: PersonRecord = { id: `p${pid}-${records.length}`, householdId: hid };
    let given = renderName(p.given, arabic, typo);
    let family = renderName(p.family, arabic, false);
    if (dup && family && rand() < 0.05) [given, family] = [family, given];
    if (rand() < 0.1 && family) {
      r.fullName = `${given} ${family}`;
      if (arabic) r.nameAr = r.fullName;
    } else {
      r.givenName = given;
      if (family) r.familyName = family;
    }
    if (!(dup && rand() < 0.15)) r.fatherName = renderName(p.father, arabic, false);
    r.sex = rand() < 0.02 ? '' : p.sex === 'm' ? (arabic ? 'مرد' : 'M') : arabic ? 'زن' : 'F';
    const b = rand();
    if (b < 0.45) r.birthDate = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    else if (b < 0.65) {
      const sh = toSolarHijri({ y: p.y, m: p.m, d: p.d });
      r.birthDateSh = `${sh.y}/${String(sh.m).padStart(2, '0')}/${String(sh.d).padStart(2, '0')}`;
    } else if (b < 0.82) r.birthYear = p.y;
    else r.age = Math.max(0, refYear - p.y + (rand() < 0.5 ? 0 : int(-2, 2)));
    if (p.doc && !(dup && rand() < 0.2)) r.documentNumber = dup && rand() < 0.1 ? docTypo(p.doc) : p.doc;
    const phone = p.phone || (p.householdPhone ? hphone : '');
    if (phone && !(dup && rand() < 0.3)) r.phone = phone;
    r.locationPcode = loc;
    records.push(r);
    entity.push(String(pid));
  };
  // Duplicates. Most come from a household registered again (another transit centre, another
  // round): each member present again with probability 0.85, a move to another district for the
  // whole household in 20 % of cases, the household phone lost or replaced in 30 %. The rest are
  // people registered a second time on their own (a split household, a member counted in a
  // relative's household), who moved in 20 % of cases. Rates are set so that about
  // `duplicateRate` of all people have a duplicate, as in the earlier generator.
  const dupRate = opts.duplicateRate ?? 0.15;
  const householdRate = Math.min(1, (dupRate * 0.75) / 0.85);
  const individualRate = dupRate * 0.25;
  const times = () => (rand() < 0.8 ? 1 : rand() < 0.7 ? 2 : 3);
  households.forEach((hh, h) => {
    for (const pid of hh.members) render(people[pid], pid, false, `h${h}`, hh.loc, hh.phone);
    if (rand() < householdRate) {
      const again = times();
      for (let k = 1; k <= again; k++) {
        const loc = rand() < 0.2 ? district() : hh.loc;
        const r = rand();
        const phone = r < 0.15 ? '' : r < 0.3 ? phoneNumber() : hh.phone;
        for (const pid of hh.members) if (rand() < 0.85) render(people[pid], pid, true, `h${h}r${k}`, loc, phone);
      }
    }
    for (const pid of hh.members) {
      if (rand() >= individualRate) continue;
      const again = times();
      for (let k = 1; k <= again; k++) render(people[pid], pid, true, `h${h}p${pid}s${k}`, rand() < 0.2 ? district() : hh.loc, '');
    }
  });
  // Shuffle so that duplicates are not adjacent.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [records[i], records[j]] = [records[j], records[i]];
    [entity[i], entity[j]] = [entity[j], entity[i]];
  }
  return { records, entity, referenceYear: refYear };
}
