/**
 * Synthetic registry for the demo and the benchmark (never real people): households of returnees
 * and Afghans in Pakistan with names written the many ways they are written (Mohammad / Muhammad
 * / Mohd, Ghulam / Gholam, Latin and Arabic script), dates of birth as exact dates, years,
 * estimated ages and Solar Hijri dates, documents, phones and a few vulnerabilities.
 *
 * Planted duplicates (for the lookup and the review queue): the same man registered as
 * "Muhammad Yousuf Shinwari" in Peshawar (PAK) two months ago, as "Muhammad Yousaf" in
 * Jalalabad (AFG) last month and as "محمد یوسف شینواری" (Arabic script) this week, plus
 * PLANTED_PAIRS more people registered twice with spelling variants. Fixed-seed PRNG: two runs
 * give the same people. Bulk inserts: ~2,000 households in a few seconds on PGlite.
 */
import { and, eq, getTableColumns, getTableName, inArray, like, or, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../../db/client';
import { audit } from '../../server/audit';
import { toSolarHijri } from '../../shared/calendar';
import { uuidv7 } from '../../shared/ids';
import { adminAreas, sites } from '../places/schema';
import type { HouseholdDetail } from './contract';
import type { BirthPrecision, DocumentType, PopulationGroup, Relationship } from './kinds';
import { displayName, matchKeysOf, normaliseBirthInput, searchKeysOf } from './keys';
import { peopleConsents, peopleDocuments, peopleDocumentStatuses, peopleHouseholds, peopleHouseholdVersions, peopleIndividuals } from './schema';
import { newQrToken, nextReferences } from './service';

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [spellings…, Arabic script]. The first spelling is the most common. */
const MALE: [string[], string][] = [
  [['Mohammad', 'Muhammad', 'Mohd', 'Mohammed', 'Muhammed'], 'محمد'],
  [['Ahmad', 'Ahmed'], 'احمد'],
  [['Ghulam', 'Gholam'], 'غلام'],
  [['Abdul Rahman', 'Abdulrahman', 'Abdur Rahman'], 'عبدالرحمن'],
  [['Abdullah', 'Abdulla'], 'عبدالله'],
  [['Noor', 'Nur'], 'نور'],
  [['Gul', 'Gul'], 'گل'],
  [['Karim', 'Kareem'], 'کریم'],
  [['Yousuf', 'Yusuf', 'Yousaf', 'Yusof'], 'یوسف'],
  [['Hamid', 'Hameed'], 'حمید'],
  [['Rahim', 'Raheem'], 'رحیم'],
  [['Wali', 'Wali'], 'ولی'],
  [['Zabiullah', 'Zabihullah'], 'ذبیح‌الله'],
  [['Rahmatullah', 'Rahmatulla'], 'رحمت‌الله'],
  [['Hussain', 'Hussein', 'Husain'], 'حسین'],
  [['Khalid', 'Khaled'], 'خالد'],
  [['Jawed', 'Javed', 'Javid'], 'جاوید'],
  [['Naseer', 'Nasir'], 'نصیر'],
  [['Farid', 'Fareed'], 'فرید'],
  [['Bashir', 'Basheer'], 'بشیر'],
  [['Samiullah', 'Sami Ullah'], 'سمیع‌الله'],
  [['Shir Agha', 'Sher Agha'], 'شیر آغا'],
  [['Haji Gul', 'Haji Gul'], 'حاجی گل'],
  [['Omar', 'Umar'], 'عمر'],
  [['Ismail', 'Esmail'], 'اسماعیل'],
  [['Habib', 'Habeeb'], 'حبیب'],
  [['Sayed', 'Syed', 'Said'], 'سید'],
  [['Daud', 'Dawood', 'Dawud'], 'داود'],
];
const FEMALE: [string[], string][] = [
  [['Fatima', 'Fatema', 'Fatimah'], 'فاطمه'],
  [['Zainab', 'Zaynab'], 'زینب'],
  [['Maryam', 'Mariam'], 'مریم'],
  [['Gul Bibi', 'Gulbibi'], 'گل بی بی'],
  [['Nasima', 'Naseema'], 'نسیمه'],
  [['Shabana', 'Shabnam'], 'شبانه'],
  [['Parwana', 'Parvana'], 'پروانه'],
  [['Khadija', 'Khadijah'], 'خدیجه'],
  [['Laila', 'Leila', 'Layla'], 'لیلا'],
  [['Sadia', 'Saadia'], 'سعدیه'],
  [['Nazia', 'Naziya'], 'نازیه'],
  [['Hasina', 'Haseena'], 'حسینه'],
  [['Rahima', 'Raheema'], 'رحیمه'],
  [['Sima', 'Seema'], 'سیما'],
  [['Zarghona', 'Zarghuna'], 'زرغونه'],
  [['Malalai', 'Malalay'], 'ملالی'],
];
const FAMILY: [string[], string][] = [
  [['Ahmadzai', 'Ahmedzai'], 'احمدزی'],
  [['Popalzai', 'Popalzay'], 'پوپلزی'],
  [['Barakzai', 'Barakzay'], 'بارکزی'],
  [['Achakzai', 'Achakzay'], 'اچکزی'],
  [['Safi', 'Safi'], 'صافی'],
  [['Shinwari', 'Shinwary'], 'شینواری'],
  [['Mohmand', 'Momand'], 'مهمند'],
  [['Afridi', 'Afridy'], 'آفریدی'],
  [['Noorzai', 'Nurzai'], 'نورزی'],
  [['Alokozai', 'Alikozai'], 'الکوزی'],
  [['Hotak', 'Hotaki'], 'هوتک'],
  [['Durrani', 'Durani'], 'درانی'],
  [['Khan', 'Khan'], 'خان'],
  [['Stanekzai', 'Stanikzai'], 'ستانکزی'],
  [['Wardak', 'Wardag'], 'وردک'],
  [['Kakar', 'Kakkar'], 'کاکړ'],
  [['Sadozai', 'Saddozai'], 'سدوزی'],
  [['Tarakai', 'Taraki'], 'ترکی'],
];

export const PLANTED_PAIRS = 12;

interface GenMember {
  id: string;
  relationship: Relationship;
  sex: 'male' | 'female';
  givenName: string | null;
  fatherName: string | null;
  familyName: string | null;
  givenNameAr: string | null;
  fatherNameAr: string | null;
  familyNameAr: string | null;
  birth: { precision: BirthPrecision; value: string } | null;
  phones: { number: string; label: string | null }[];
  washingtonGroup: Record<string, string | null> | null;
  specificNeeds: string[];
  uasc: boolean;
  elsewhereOperationId: string | null;
  documents: { id: string; type: DocumentType; number: string; issuingCountry: string; validFrom: string | null; validTo: string | null; status: 'issued' | 'expired' | 'extended' }[];
}

interface GenHousehold {
  id: string;
  operationId: string;
  populationGroup: PopulationGroup;
  currentPcode: string;
  originPcode: string | null;
  destinationPcode: string | null;
  crossingSiteId: string | null;
  crossingDate: string | null;
  femaleHeaded: boolean;
  createdAt: Date;
  members: GenMember[];
}

export interface PlacesForDemo {
  afg: string[];
  pak: string[];
  afgDestinations: string[];
  peshawar: string[];
  jalalabad: string;
  torkham: string | null;
  spinBoldak: string | null;
  organisationId: string | null;
}

/** District P-codes and crossing points the demo places people in. */
export async function demoPlaces(tx: Tx, organisationId: string | null = null): Promise<PlacesForDemo> {
  const afg = (await tx.select({ p: adminAreas.pcode }).from(adminAreas).where(and(eq(adminAreas.operationId, 'AFG'), eq(adminAreas.level, 2), or(like(adminAreas.pcode, 'AF06%'), like(adminAreas.pcode, 'AF27%'), like(adminAreas.pcode, 'AF01%'), like(adminAreas.pcode, 'AF32%'), like(adminAreas.pcode, 'AF30%')))).orderBy(adminAreas.pcode)).map((r) => r.p);
  const pak = (await tx.select({ p: adminAreas.pcode }).from(adminAreas).where(and(eq(adminAreas.operationId, 'PAK'), eq(adminAreas.level, 2), or(like(adminAreas.pcode, 'PK5%'), like(adminAreas.pcode, 'PK226%')))).orderBy(adminAreas.pcode)).map((r) => r.p);
  const dest = (await tx.select({ p: adminAreas.pcode }).from(adminAreas).where(and(eq(adminAreas.operationId, 'AFG'), eq(adminAreas.level, 2))).orderBy(adminAreas.pcode)).map((r) => r.p);
  const bcps = await tx.select({ id: sites.id, code: sites.code }).from(sites).where(inArray(sites.code, ['BCP-TORKHAM', 'BCP-SPIN-BOLDAK']));
  return {
    afg,
    pak,
    afgDestinations: dest,
    peshawar: pak.filter((p) => p.startsWith('PK528')),
    jalalabad: 'AF0601',
    torkham: bcps.find((b) => b.code === 'BCP-TORKHAM')?.id ?? null,
    spinBoldak: bcps.find((b) => b.code === 'BCP-SPIN-BOLDAK')?.id ?? null,
    organisationId,
  };
}

export interface GenerateOptions {
  households: number;
  operationId: 'AFG' | 'PAK';
  seed: number;
  /** Registration dates are spread over the `days` days before `now`. */
  now?: Date;
  days?: number;
}

const DAY = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function generateHouseholds(places: PlacesForDemo, o: GenerateOptions): GenHousehold[] {
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const now = o.now ?? new Date();
  const thisYear = now.getUTCFullYear();
  const days = o.days ?? 180;
  const spelling = (e: [string[], string]) => (rnd() < 0.65 ? e[0][0] : pick(e[0]));
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const out: GenHousehold[] = [];
  for (let h = 0; h < o.households; h++) {
    const afg = o.operationId === 'AFG';
    const createdAt = new Date(now.getTime() - Math.floor(rnd() * days * DAY) - Math.floor(rnd() * DAY));
    const family = pick(FAMILY);
    const fatherOfHead = pick(MALE);
    const femaleHeaded = rnd() < 0.08;
    const size = 1 + Math.min(11, Math.floor(-Math.log(1 - rnd()) * 4.0));
    const headGiven = femaleHeaded ? pick(FEMALE) : pick(MALE);
    const headAge = 22 + Math.floor(rnd() * 45);
    const arabicShare = 0.3;
    const writeArabic = rnd() < arabicShare;
    const latinMissing = writeArabic && rnd() < 0.25;
    const members: GenMember[] = [];
    const birthOf = (age: number): GenMember['birth'] => {
      const y = thisYear - age;
      const r = rnd();
      const m = 1 + Math.floor(rnd() * 12);
      const d = 1 + Math.floor(rnd() * 28);
      if (r < 0.35) return { precision: 'exact', value: `${y}-${pad(m)}-${pad(d)}` };
      if (r < 0.6) return { precision: 'year', value: String(y) };
      if (r < 0.82) return { precision: 'estimated_age', value: String(age) };
      const sh = toSolarHijri({ y: y, m, d });
      return { precision: 'solar_hijri', value: `${sh.y}/${pad(sh.m)}/${pad(sh.d)}` };
    };
    const person = (rel: Relationship, sex: 'male' | 'female', given: [string[], string], father: [string[], string] | null, age: number): GenMember => ({
      id: uuidv7(createdAt.getTime()),
      relationship: rel,
      sex,
      givenName: latinMissing ? null : spelling(given),
      fatherName: father && !latinMissing && rnd() < 0.85 ? spelling(father) : null,
      familyName: latinMissing || rnd() < 0.1 ? null : spelling(family),
      givenNameAr: writeArabic ? given[1] : null,
      fatherNameAr: writeArabic && father ? father[1] : null,
      familyNameAr: writeArabic ? family[1] : null,
      birth: rnd() < 0.03 ? null : birthOf(age),
      phones: [],
      washingtonGroup: null,
      specificNeeds: [],
      uasc: false,
      elsewhereOperationId: null,
      documents: [],
    });
    const head = person('head', femaleHeaded ? 'female' : 'male', headGiven, fatherOfHead, headAge);
    members.push(head);
    if (rnd() < 0.75) head.phones.push({ number: afg ? `07${digits(8)}` : `03${digits(9)}`, label: 'own' });
    const group: PopulationGroup = afg ? (rnd() < 0.55 ? 'returnee_deported' : rnd() < 0.8 ? 'returnee_spontaneous' : 'idp') : rnd() < 0.5 ? 'refugee_por' : rnd() < 0.7 ? 'refugee_acc' : 'refugee_undocumented';
    const docType: DocumentType = group === 'refugee_acc' ? 'acc' : group === 'refugee_undocumented' || group === 'idp' ? 'tazkira' : rnd() < 0.6 ? 'por_card' : 'tazkira';
    if (group !== 'refugee_undocumented' || rnd() < 0.3) {
      const por = docType === 'por_card';
      head.documents.push({
        id: uuidv7(createdAt.getTime()),
        type: docType,
        number: por ? `POR${digits(8)}` : docType === 'acc' ? `ACC-${digits(7)}` : `${1390 + Math.floor(rnd() * 13)}-${pad(1 + Math.floor(rnd() * 34))}${pad(Math.floor(rnd() * 20))}-${digits(5)}`,
        issuingCountry: por || docType === 'acc' ? 'PAK' : 'AFG',
        validFrom: por ? '2021-07-01' : null,
        validTo: por ? '2025-06-30' : null,
        status: por && afg ? 'expired' : 'issued',
      });
    }
    if (!femaleHeaded && size > 1) members.push(person('spouse', 'female', pick(FEMALE), pick(MALE), headAge - Math.floor(rnd() * 8)));
    while (members.length < size) {
      const sex = rnd() < 0.5 ? 'male' : 'female';
      const age = Math.max(0, headAge - 18 - Math.floor(rnd() * 20));
      const rel: Relationship = rnd() < 0.9 ? (sex === 'male' ? 'son' : 'daughter') : sex === 'male' ? 'nephew_niece' : 'grandchild';
      const father = femaleHeaded ? pick(MALE) : headGiven;
      const child = person(rel, sex, sex === 'male' ? pick(MALE) : pick(FEMALE), father, age);
      if (!femaleHeaded && child.givenName && child.fatherName) child.fatherName = spelling(headGiven);
      members.push(child);
    }
    for (const m of members) {
      if (rnd() < 0.06) m.washingtonGroup = { seeing: 'no_difficulty', hearing: 'no_difficulty', walking: pick(['some_difficulty', 'a_lot_of_difficulty', 'cannot_do_at_all']), cognition: 'no_difficulty', selfCare: null, communication: null };
      if (m.washingtonGroup && m.washingtonGroup.walking !== 'some_difficulty') m.specificNeeds.push('DS');
      if (rnd() < 0.02) m.specificNeeds.push('SM');
    }
    if (femaleHeaded) head.specificNeeds.push('WR');
    if (afg && size > 2 && rnd() < 0.03) members[members.length - 1].elsewhereOperationId = 'PAK';
    const current = afg ? (rnd() < 0.55 ? pick(places.afg.filter((p) => p.startsWith('AF06'))) : pick(places.afg)) : pick(places.pak);
    out.push({
      id: uuidv7(createdAt.getTime()),
      operationId: o.operationId,
      populationGroup: group,
      currentPcode: current,
      originPcode: afg ? (rnd() < 0.7 ? pick(places.pak) : null) : null,
      destinationPcode: afg ? pick(places.afgDestinations) : null,
      crossingSiteId: afg ? (current.startsWith('AF27') ? places.spinBoldak : places.torkham) : null,
      crossingDate: afg ? new Date(createdAt.getTime() - Math.floor(rnd() * 3) * DAY).toISOString().slice(0, 10) : null,
      femaleHeaded,
      createdAt,
      members,
    });
  }
  return out;
}

/** A variant of a person: another spelling of each name (where the name has one), the same facts. */
function respell(m: GenMember, rnd: () => number): GenMember {
  const other = (v: string | null, lists: [string[], string][]) => {
    if (!v) return v;
    const e = lists.find((x) => x[0].includes(v));
    if (!e) return v;
    const alts = e[0].filter((x) => x !== v);
    return alts.length ? alts[Math.floor(rnd() * alts.length)] : v;
  };
  return { ...m, id: uuidv7(), givenName: other(m.givenName, [...MALE, ...FEMALE]), fatherName: other(m.fatherName, MALE), familyName: other(m.familyName, FAMILY), documents: [], phones: m.phones.slice(0, 1) };
}

/** The planted duplicates (see the file comment). */
export function plantedHouseholds(places: PlacesForDemo, now = new Date(), seed = 4242): GenHousehold[] {
  const rnd = mulberry32(seed);
  const ago = (d: number) => new Date(now.getTime() - d * DAY);
  const yousuf = (givenName: string | null, fatherName: string | null, familyName: string | null, ar: boolean, phone: string | null): GenMember => ({
    id: uuidv7(),
    relationship: 'head',
    sex: 'male',
    givenName,
    fatherName,
    familyName,
    givenNameAr: ar ? 'محمد یوسف' : null,
    fatherNameAr: ar ? 'عبدالغفور' : null,
    familyNameAr: ar ? 'شینواری' : null,
    birth: { precision: 'year', value: '1982' },
    phones: phone ? [{ number: phone, label: 'own' }] : [],
    washingtonGroup: null,
    specificNeeds: [],
    uasc: false,
    elsewhereOperationId: null,
    documents: [],
  });
  const wife = (): GenMember => ({ ...yousuf('Bibi Hajira', 'Noor Ahmad', 'Shinwari', false, null), id: uuidv7(), relationship: 'spouse', sex: 'female', birth: { precision: 'estimated_age', value: '38' }, phones: [] });
  const base = { populationGroup: 'returnee_deported' as const, originPcode: places.peshawar[0] ?? null, destinationPcode: 'AF0601', femaleHeaded: false };
  const pakHead = yousuf('Muhammad Yousuf', 'Abdul Ghafoor', 'Shinwari', false, '0312 5550 1982');
  pakHead.documents.push({ id: uuidv7(), type: 'por_card', number: 'POR55501982', issuingCountry: 'PAK', validFrom: '2021-07-01', validTo: '2025-06-30', status: 'issued' });
  const out: GenHousehold[] = [
    { ...base, id: uuidv7(), operationId: 'PAK', populationGroup: 'refugee_por', currentPcode: places.peshawar[0] ?? places.pak[0], originPcode: null, destinationPcode: null, crossingSiteId: null, crossingDate: null, createdAt: ago(60), members: [pakHead, wife()] },
    { ...base, id: uuidv7(), operationId: 'AFG', currentPcode: places.jalalabad, crossingSiteId: places.torkham, crossingDate: ago(32).toISOString().slice(0, 10), createdAt: ago(30), members: [yousuf('Muhammad Yousaf', 'Abdulghafoor', 'Shinwari', false, '+92 312 555 01982'), wife()] },
    { ...base, id: uuidv7(), operationId: 'AFG', currentPcode: places.jalalabad, crossingSiteId: places.torkham, crossingDate: ago(3).toISOString().slice(0, 10), createdAt: ago(2), members: [yousuf(null, null, null, true, null)] },
  ];
  // More people registered twice: a month apart, names respelled, same birth and place.
  const more = generateHouseholds(places, { households: PLANTED_PAIRS, operationId: 'AFG', seed: seed + 1, now: ago(35), days: 20 });
  for (const h of more) {
    h.members = h.members.slice(0, 1);
    if (!h.members[0].givenName) h.members[0] = { ...h.members[0], givenName: 'Ghulam Haidar', fatherName: 'Noor Mohammad', familyName: 'Safi' };
    out.push(h);
    out.push({ ...h, id: uuidv7(), createdAt: new Date(h.createdAt.getTime() + 30 * DAY), members: [respell(h.members[0], rnd)] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Inserts rows with one JSON parameter per chunk (json_populate_recordset): far fewer bind
 * parameters to plan than a multi-row VALUES (PGlite took ~2 ms a row that way), on both drivers.
 * Every column must be present in the rows (defaults do not apply).
 */
export async function bulkInsert<T extends PgTable>(tx: Tx, table: T, rows: Record<string, unknown>[], chunk = 2000): Promise<void> {
  const columns = Object.entries(getTableColumns(table));
  const name = getTableName(table);
  for (let i = 0; i < rows.length; i += chunk) {
    const json = JSON.stringify(rows.slice(i, i + chunk).map((r) => Object.fromEntries(columns.map(([key, col]) => [col.name, r[key] ?? null]))));
    await tx.execute(sql`insert into ${sql.identifier(name)} select * from json_populate_recordset(null::${sql.identifier(name)}, ${json}::json)`);
  }
}

export interface InsertResult {
  households: number;
  individuals: number;
}

/** Bulk-inserts generated households (version 1 with its snapshot), in the caller's transaction. */
export async function insertHouseholds(tx: Tx, list: GenHousehold[], opts: { organisationId?: string | null; snapshots?: boolean; rebuildSearchIndex?: boolean } = {}): Promise<InsertResult> {
  const byOp = new Map<string, GenHousehold[]>();
  for (const h of list) (byOp.get(h.operationId) ?? byOp.set(h.operationId, []).get(h.operationId)!).push(h);
  const hhRows: (typeof peopleHouseholds.$inferInsert)[] = [];
  const indRows: (typeof peopleIndividuals.$inferInsert)[] = [];
  const docRows: (typeof peopleDocuments.$inferInsert)[] = [];
  const statusRows: (typeof peopleDocumentStatuses.$inferInsert)[] = [];
  const consentRows: (typeof peopleConsents.$inferInsert)[] = [];
  const versionRows: (typeof peopleHouseholdVersions.$inferInsert)[] = [];
  for (const [op, hs] of byOp) {
    hs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const refs = await nextReferences(tx, op, hs.length);
    hs.forEach((h, i) => {
      const regDate = h.createdAt.toISOString().slice(0, 10);
      const qrToken = newQrToken();
      hhRows.push({
        id: h.id,
        operationId: op,
        reference: refs[i],
        qrToken,
        status: 'active',
        populationGroup: h.populationGroup,
        organisationId: opts.organisationId ?? null,
        currentPcode: h.currentPcode,
        originPcode: h.originPcode,
        destinationPcode: h.destinationPcode,
        crossingSiteId: h.crossingSiteId,
        crossingDate: h.crossingDate,
        femaleHeaded: h.femaleHeaded,
        version: 1,
        bodyHash: 'demo',
        currentSiteId: null,
        destinationSiteId: null,
        notes: null,
        createdBy: null,
        createdAt: h.createdAt,
        updatedAt: h.createdAt,
      });
      const snapMembers: HouseholdDetail['members'] = [];
      h.members.forEach((m, pos) => {
        const b = m.birth ? normaliseBirthInput(m.birth, regDate) : null;
        const birth = b && 'birth' in b ? b.birth : null;
        const input = { ...m, birth, locationPcode: h.currentPcode };
        indRows.push({
          id: m.id,
          householdId: h.id,
          operationId: op,
          relationship: m.relationship,
          position: pos,
          givenName: m.givenName,
          fatherName: m.fatherName,
          familyName: m.familyName,
          givenNameAr: m.givenNameAr,
          fatherNameAr: m.fatherNameAr,
          familyNameAr: m.familyNameAr,
          sex: m.sex,
          birthPrecision: birth?.precision ?? null,
          birthInput: birth?.input ?? null,
          birthDate: birth?.date ?? null,
          birthYearFrom: birth?.yearFrom ?? null,
          birthYearTo: birth?.yearTo ?? null,
          phones: m.phones,
          washingtonGroup: m.washingtonGroup,
          specificNeeds: m.specificNeeds,
          uasc: m.uasc,
          elsewhereOperationId: m.elsewhereOperationId,
          searchKeys: searchKeysOf(input),
          matchKeys: matchKeysOf(input),
          removedAt: null,
          removalReason: null,
          createdAt: h.createdAt,
          updatedAt: h.createdAt,
        });
        const docs = m.documents.map((d) => {
          const statusId = uuidv7(h.createdAt.getTime());
          docRows.push({ id: d.id, individualId: m.id, householdId: h.id, operationId: op, type: d.type, number: d.number, issuingCountry: d.issuingCountry, validFrom: d.validFrom, validTo: d.validTo, status: d.status, createdBy: null, createdAt: h.createdAt });
          const hist = [{ status: 'issued' as const, on: d.validFrom ?? regDate, validTo: d.validTo, note: null, at: h.createdAt.toISOString(), by: null }];
          statusRows.push({ id: statusId, documentId: d.id, householdId: h.id, status: 'issued', on: d.validFrom ?? regDate, validTo: d.validTo, createdAt: h.createdAt });
          if (d.status !== 'issued') {
            statusRows.push({ id: uuidv7(h.createdAt.getTime()), documentId: d.id, householdId: h.id, status: d.status, on: d.validTo ?? regDate, validTo: d.validTo, note: 'PoR validity ended (demo)', createdAt: h.createdAt });
            hist.push({ status: d.status as 'issued', on: d.validTo ?? regDate, validTo: d.validTo, note: null, at: h.createdAt.toISOString(), by: null });
          }
          return { id: d.id, individualId: m.id, type: d.type, number: d.number, issuingCountry: d.issuingCountry, validFrom: d.validFrom, validTo: d.validTo, status: d.status, history: hist };
        });
        snapMembers.push({
          id: m.id,
          householdId: h.id,
          relationship: m.relationship,
          givenName: m.givenName,
          fatherName: m.fatherName,
          familyName: m.familyName,
          givenNameAr: m.givenNameAr,
          fatherNameAr: m.fatherNameAr,
          familyNameAr: m.familyNameAr,
          displayName: displayName(m),
          sex: m.sex,
          birth,
          elsewhereOperationId: m.elsewhereOperationId,
          removedAt: null,
          removalReason: null,
          phones: m.phones,
          documents: docs,
          vulnerabilities: {
            washingtonGroup: m.washingtonGroup as NonNullable<HouseholdDetail['members'][number]['vulnerabilities']>['washingtonGroup'],
            disability: !!m.washingtonGroup && ['a_lot_of_difficulty', 'cannot_do_at_all'].includes(m.washingtonGroup.walking ?? ''),
            specificNeeds: m.specificNeeds as NonNullable<HouseholdDetail['members'][number]['vulnerabilities']>['specificNeeds'],
            uasc: m.uasc,
          },
        });
      });
      const consentId = uuidv7(h.createdAt.getTime());
      consentRows.push({ id: consentId, householdId: h.id, individualId: h.members[0].id, purpose: 'registration', givenOn: regDate, notes: null, recordedBy: null, recordedAt: h.createdAt, withdrawnAt: null, withdrawnBy: null, withdrawalReason: null });
      if (opts.snapshots !== false)
        versionRows.push({
          householdId: h.id,
          version: 1,
          action: 'household.create',
          createdBy: null,
          createdAt: h.createdAt,
          snapshot: {
            id: h.id,
            operationId: op,
            reference: refs[i],
            status: 'active',
            populationGroup: h.populationGroup,
            organisationId: opts.organisationId ?? null,
            currentPcode: h.currentPcode,
            currentSiteId: null,
            originPcode: h.originPcode,
            destinationPcode: h.destinationPcode,
            destinationSiteId: null,
            crossingSiteId: h.crossingSiteId,
            crossingDate: h.crossingDate,
            notes: null,
            femaleHeaded: h.femaleHeaded,
            headName: displayName(h.members[0]),
            size: h.members.length,
            version: 1,
            registeredAt: h.createdAt.toISOString(),
            registeredBy: null,
            updatedAt: h.createdAt.toISOString(),
            sensitive: true,
            qrToken,
            members: snapMembers,
            consents: [{ id: consentId, individualId: h.members[0].id, purpose: 'registration', givenOn: regDate, notes: null, recordedAt: h.createdAt.toISOString(), recordedBy: null, withdrawnAt: null, withdrawnBy: null, withdrawalReason: null }],
          } satisfies Omit<HouseholdDetail, 'versions'>,
        });
    });
  }
  await bulkInsert(tx, peopleHouseholds, hhRows);
  // Building the GIN index once over all rows is much cheaper than updating it row by row.
  if (opts.rebuildSearchIndex) await tx.execute(sql`drop index if exists people_individuals_search_idx`);
  await bulkInsert(tx, peopleIndividuals, indRows);
  if (opts.rebuildSearchIndex) await tx.execute(sql`create index people_individuals_search_idx on people_individuals using gin (search_keys) with (fastupdate = false)`);
  await bulkInsert(tx, peopleDocuments, docRows);
  await bulkInsert(tx, peopleDocumentStatuses, statusRows);
  await bulkInsert(tx, peopleConsents, consentRows);
  await bulkInsert(tx, peopleHouseholdVersions, versionRows, 1000);
  return { households: hhRows.length, individuals: indRows.length };
}

export interface PeopleDemoOptions {
  afgHouseholds?: number;
  pakHouseholds?: number;
  now?: Date;
}

/**
 * The demo registry: ~1,800 AFG and ~200 PAK households (~9,000 people) plus the planted
 * duplicates. Skipped when the registry already holds households.
 */
export async function seedPeopleDemo(tx: Tx, opts: PeopleDemoOptions = {}): Promise<InsertResult & { ms: number; skipped: boolean }> {
  const t0 = Date.now();
  const [any] = await tx.select({ id: peopleHouseholds.id }).from(peopleHouseholds).limit(1);
  if (any) return { households: 0, individuals: 0, ms: 0, skipped: true };
  const places = await demoPlaces(tx);
  const now = opts.now ?? new Date();
  const list = [
    ...generateHouseholds(places, { households: opts.afgHouseholds ?? 1800, operationId: 'AFG', seed: 20250301, now }),
    ...generateHouseholds(places, { households: opts.pakHouseholds ?? 200, operationId: 'PAK', seed: 20250302, now }),
    ...plantedHouseholds(places, now),
  ];
  const res = await insertHouseholds(tx, list, { rebuildSearchIndex: true });
  await audit(tx, { userId: null, requestId: null }, { action: 'people.demo_seed', entityType: 'household', details: { households: res.households, individuals: res.individuals } });
  return { ...res, ms: Date.now() - t0, skipped: false };
}

