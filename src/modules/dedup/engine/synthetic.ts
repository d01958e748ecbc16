/**
 * Synthetic Afghan/Pakistani registry with known truth, for evaluation and benchmarks.
 *
 * People get a given name (often compound: Mohammad Karim, Abdul Rahman, Ghulam Haidar, Noor
 * Ahmad…), a father's name, often no family/tribe name, a birth year, a district P-code, maybe a
 * Tazkira/PoR number and a phone. Name frequencies are Zipf-like, and a share of people are
 * siblings of another (same father, family, district and often phone), so many different people
 * share common names. Each record is rendered independently: Latin with a transliteration
 * variant or Arabic script; birth as a Gregorian date, a Solar Hijri date, a year or an age.
 * Duplicates add: a missing father's name, given/family swapped, document typos, a lost or new
 * phone, a move to another district, a Latin typo.
 */
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
const COMPOUND_FIRST = ['mohammad', 'abdul', 'ghulam', 'noor', 'gul', 'sayed', 'mir', 'shah'];

const cap = (s: string) => s.replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());

interface NameForms {
  latin: string[];
  arabic: string;
}

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
  return (c) => {
    let f = cache.get(c);
    if (!f) cache.set(c, (f = { latin: latin.get(c) ?? [c], arabic: arabic.get(c) ?? '' }));
    return f;
  };
}

export interface SyntheticOptions {
  individuals: number;
  seed?: number;
  /** Share of people with one or more duplicate records (default 0.15). */
  duplicateRate?: number;
  /** Share of people who are a sibling of an earlier person (default 0.25). */
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
  loc: string;
  doc: string;
  phone: string;
}

export function generateRegistry(opts: SyntheticOptions): SyntheticRegistry {
  const rand = rng(opts.seed ?? 1);
  const refYear = opts.referenceYear ?? 2026;
  const forms = formsFor(opts.dictionary ?? defaultVariantDictionary());
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  // Zipf-like: index = floor(len · u^2.2) favours the head of each list.
  const zipf = <T>(xs: readonly T[]) => xs[Math.floor(xs.length * rand() ** 2.2)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const districts = Array.from({ length: 400 }, (_, i) => `AF${String(101 + Math.floor(i / 12)).padStart(2, '0')}${String(1 + (i % 12)).padStart(2, '0')}`);
  const digits = (k: number) => {
    let s = String(int(1, 9));
    for (let i = 1; i < k; i++) s += String(int(0, 9));
    return s;
  };
  const maleGiven = (): string[] => {
    const r = rand();
    if (r < 0.3) return [pick(COMPOUND_FIRST), zipf(MALE.slice(1))];
    if (r < 0.38) return [zipf(MALE), 'ullah'].filter((x, i, a) => !(i === 1 && a[0].endsWith('ullah')));
    if (r < 0.45) return [zipf(MALE), 'jan'];
    return [zipf(MALE)];
  };
  const femaleGiven = (): string[] => (rand() < 0.15 ? [zipf(FEMALE), pick(['gul', 'bibi', 'jan'])] : [zipf(FEMALE)]);

  const people: Person[] = [];
  const siblingNames = new Map<string, Set<string>>();
  const siblingRate = opts.siblingRate ?? 0.25;
  for (let k = 0; k < opts.individuals; k++) {
    const sex: 'm' | 'f' = rand() < 0.5 ? 'm' : 'f';
    const sib = people.length && rand() < siblingRate ? people[people.length - 1 - Math.floor(rand() * Math.min(50, people.length))] : null;
    const y = sib ? sib.y + int(-8, 8) : int(1945, 2022);
    let given = sex === 'm' ? maleGiven() : femaleGiven();
    // Parents do not give two children the same name.
    const taken = sib ? siblingNames.get(sib.father.join(' ') + '|' + sib.family.join(' ') + '|' + sib.loc) : undefined;
    for (let t = 0; taken && t < 8 && taken.has(given.join(' ')); t++) given = sex === 'm' ? maleGiven() : femaleGiven();
    people.push({
      sex,
      given,
      father: sib ? sib.father : maleGiven(),
      family: sib ? sib.family : rand() < 0.6 ? [zipf(FAMILY)] : [],
      y,
      m: int(1, 12),
      d: int(1, 28),
      loc: sib ? sib.loc : zipf(districts),
      doc: rand() < 0.7 ? digits(int(7, 10)) : '',
      phone: sib && rand() < 0.5 ? sib.phone : rand() < 0.6 ? `07${digits(8)}` : '',
    });
    const me = people[people.length - 1];
    const fk = me.father.join(' ') + '|' + me.family.join(' ') + '|' + me.loc;
    let set = siblingNames.get(fk);
    if (!set) siblingNames.set(fk, (set = new Set()));
    set.add(me.given.join(' '));
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
  const render = (p: Person, pid: number, dup: boolean) => {
    const arabic = rand() < 0.25;
    const typo = dup && !arabic && rand() < 0.1;
    const r: PersonRecord = { id: `p${pid}-${records.length}` };
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
    else r.age = refYear - p.y + (rand() < 0.5 ? 0 : int(-2, 2));
    if (p.doc && !(dup && rand() < 0.2)) r.documentNumber = dup && rand() < 0.1 ? docTypo(p.doc) : p.doc;
    if (p.phone && !(dup && rand() < 0.3)) r.phone = p.phone;
    r.locationPcode = dup && rand() < 0.2 ? zipfDistrict() : p.loc;
    records.push(r);
    entity.push(String(pid));
  };
  const zipfDistrict = () => zipf(districts);
  const dupRate = opts.duplicateRate ?? 0.15;
  people.forEach((p, pid) => {
    render(p, pid, false);
    if (rand() < dupRate) {
      const extra = rand() < 0.8 ? 1 : rand() < 0.7 ? 2 : 3;
      for (let e = 0; e < extra; e++) render(p, pid, true);
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
