/**
 * Bulk import of households and their members (`people.households`), in the shapes field teams
 * have:
 *   (a) one row per person with a household key column (Excel), the head marked by relationship;
 *   (b) a Kobo/ODK XLSX export whose members are a repeat group: the main sheet one row per
 *       household, a second sheet one row per member linked by `_parent_index` (or
 *       `_submission__uuid`); the pipeline joins them, the household key is the submission's `_uuid`;
 *   (c) one row per household with its single head (no key column needed);
 *   (d) a Kobo/ODK workbook whose main sheet asks the head of household (the `head…` fields) and
 *       whose repeat sheet holds only the other members: chosen by mapping the head fields (the
 *       suggestion does when a question is asked in both sheets); each household is the head from
 *       its main row, then its repeat rows. Problems name the sheet and row the value is on.
 *
 * Each household is turned into the same request body as registering by hand (`householdCreate`
 * of contract.ts) and checked by the same rules as service.ts (the contract's schema, then
 * memberColumns, placeColumnsFrom, headCheck, checkDocument, ensureWritable, …); every problem is
 * reported on the row and field it came from. A household key gives a stable id (re-running the file
 * adds nothing; the same key with other content is an error). Before the commit the new people are
 * matched against each other and against the registry with the dedup engine: possible duplicates
 * are warnings in the report (row, and the existing household's reference), and when imported
 * anyway they are stored in people_import_duplicates for the review queue.
 */
import { performance } from 'node:perf_hooks';
import { inArray, sql } from 'drizzle-orm';
import { rows as queryRows, type Tx } from '../../db/client';
import { canonicalHash } from '../../imports/canonical';
import { derivedUuid } from '../../imports/ids';
import type { Existing, GroupIssueSink, GroupRow, ImportAdapter, ImportField, ImportSession, ImportWarning, MappedRow } from '../../imports/types';
import { asciiDigits } from '../../imports/values';
import { audit } from '../../server/audit';
import { issueAt, type FieldIssue } from '../../server/errors';
import { messageOfZodIssue, valueAt } from '../../server/zod-messages';
import { msg, type Message } from '../../shared/messages';
import { allows } from '../../server/permissions';
import { todayIn } from '../../shared/calendar';
import { uuidv7 } from '../../shared/ids';
import { dedupe, link, type PersonRecord } from '../dedup/engine';
import {
  CONSENT_PURPOSES,
  DOCUMENT_TYPES,
  POPULATION_GROUPS,
  RELATIONSHIPS,
  SPECIFIC_NEEDS,
  WG_DOMAINS,
  WG_LEVELS,
  householdCreate,
  type HouseholdCreate,
  type HouseholdDetail,
} from './contract';
import { bulkInsert } from './demo';
import { peopleImportDuplicates } from './import-schema';
import { removeImportFlags, storeImportFlags } from '../dedup/run';
import { displayName, engineRecord, hasAnyName, matchKeysOf, searchKeysOf } from './keys';
import { lookupIndexes } from './lookup';
import { operationPcodes, operationSites, operationTimeZone } from './places-lookup';
import { peopleConsents, peopleDocuments, peopleDocumentStatuses, peopleHouseholds, peopleHouseholdVersions, peopleIndividuals } from './schema';
import {
  checkDocument,
  consentRow,
  defaultOrganisation,
  documentRows,
  ensureWritable,
  headCheck,
  memberColumns,
  nextReferences,
  newQrToken,
  personKeyInput,
  placeColumnsFrom,
  presentConsent,
  presentDocument,
  presentHousehold,
  presentIndividual,
  type Ctx,
} from './service';

type HouseholdRow = typeof peopleHouseholds.$inferInsert;
type IndividualRow = typeof peopleIndividuals.$inferSelect;

const WG_FIELDS = WG_DOMAINS.map((d) => `wg${d[0].toUpperCase()}${d.slice(1)}`);

/** Fields of one household (taken from its first row that has them; other rows must agree). */
const HOUSEHOLD_FIELDS = ['populationGroup', 'currentPcode', 'originPcode', 'destinationPcode', 'crossingPoint', 'crossingDate', 'femaleHeaded', 'consent', 'consentDate', 'consentPurposes', 'notes'] as const;

/**
 * The person fields a Kobo form may ask of the head of household in its main part (one row per
 * submission), with the other members in the repeat group: each has a `head…` field (twinOf).
 */
const HEAD_PERSON_FIELDS = ['givenName', 'fatherName', 'familyName', 'givenNameAr', 'fatherNameAr', 'familyNameAr', 'sex', 'birthDate', 'birthYear', 'age', 'birthDateSh', 'documentType', 'documentNumber', 'documentCountry', 'phone', 'specificNeeds'] as const;
const headKey = (f: string) => `head${f[0].toUpperCase()}${f.slice(1)}`;
const HEAD_OF = new Map<string, string>(HEAD_PERSON_FIELDS.map((f) => [f, headKey(f)]));
const HEAD_KEYS = HEAD_PERSON_FIELDS.map(headKey);

const PERSON_IMPORT_FIELDS: readonly ImportField[] = [
  { key: 'householdKey', label: 'Household key', aliases: ['household_key', 'household_id', 'hh_id', 'hhid', 'family_id', 'household', '_uuid', 'uuid', 'instanceID'], description: 'Rows with the same key are one household; also makes a re-import add nothing (a Kobo export: _uuid). Without it each row is a household.' },
  { key: 'relationship', label: 'Relationship to head', aliases: ['relation', 'relationship_to_head', 'rel_hoh', 'member_relationship'], options: RELATIONSHIPS, description: 'head marks the head of household' },
  { key: 'givenName', label: 'Given name', aliases: ['given_name', 'first_name', 'name', 'member_name', 'member_given_name'] },
  { key: 'fatherName', label: "Father's name", aliases: ['father_name', 'fathers_name', 'father'] },
  { key: 'familyName', label: 'Family or tribe name', aliases: ['family_name', 'last_name', 'surname', 'tribe'] },
  { key: 'givenNameAr', label: 'Given name (Arabic script)', aliases: ['given_name_ar', 'first_name_ar', 'name_ar', 'given_name_fa'] },
  { key: 'fatherNameAr', label: "Father's name (Arabic script)", aliases: ['father_name_ar', 'father_name_fa'] },
  { key: 'familyNameAr', label: 'Family name (Arabic script)', aliases: ['family_name_ar', 'last_name_ar', 'family_name_fa'] },
  { key: 'sex', label: 'Sex', required: true, aliases: ['gender', 'member_sex', 'member_gender'], options: ['male', 'female'] },
  { key: 'birthDate', label: 'Date of birth', aliases: ['birth_date', 'dob', 'date_of_birth'], description: 'YYYY-MM-DD (or YYYY-MM, YYYY)' },
  { key: 'birthYear', label: 'Year of birth', aliases: ['birth_year', 'year_of_birth', 'yob'] },
  { key: 'age', label: 'Age (years)', aliases: ['age_years', 'estimated_age', 'member_age'] },
  { key: 'birthDateSh', label: 'Date of birth (Solar Hijri)', aliases: ['birth_date_sh', 'dob_sh', 'dob_solar_hijri'], description: '1365/04/12 or 1365' },
  { key: 'populationGroup', label: 'Population group', required: true, aliases: ['population_group', 'pop_group'], options: POPULATION_GROUPS },
  { key: 'documentType', label: 'Document type', aliases: ['document_type', 'doc_type', 'id_type'], options: DOCUMENT_TYPES },
  { key: 'documentNumber', label: 'Document number', aliases: ['document_number', 'doc_number', 'id_number', 'tazkira_number'] },
  { key: 'documentCountry', label: 'Document issuing country', aliases: ['issuing_country', 'document_country', 'doc_country'], description: 'ISO alpha-3 (default by document type: Tazkira AFG, PoR/ACC/CNIC PAK, Amayesh/Hoshmand IRN)' },
  { key: 'phone', label: 'Phone', aliases: ['phone_number', 'mobile', 'contact_number'] },
  { key: 'specificNeeds', label: 'Specific needs', multiple: true, aliases: ['specific_needs', 'needs'], options: SPECIFIC_NEEDS },
  { key: 'uasc', label: 'Unaccompanied or separated child', aliases: ['unaccompanied', 'separated_child'] },
  ...WG_DOMAINS.map((d, i) => ({ key: WG_FIELDS[i], label: `Washington Group: ${d}`, aliases: [`wg_${d}`, d], options: WG_LEVELS })),
];

/** `hh_head/sex` → headSex: the member field's names with a head_ or hoh_ prefix. */
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const HEAD_IMPORT_FIELDS: ImportField[] = HEAD_PERSON_FIELDS.map((f) => {
  const member = PERSON_IMPORT_FIELDS.find((m) => m.key === f)!;
  const names = [snake(f), ...(member.aliases ?? []).filter((a) => !a.startsWith('member_'))];
  return {
    key: headKey(f),
    label: `Head of household: ${member.label[0].toLowerCase()}${member.label.slice(1)}`,
    aliases: [...names.map((n) => `head_${n}`), ...names.map((n) => `hoh_${n}`), ...names.map((n) => `${n}_hoh`)],
    twinOf: f,
    ...(member.multiple ? { multiple: true } : {}),
    ...(member.options ? { options: member.options } : {}),
    description: 'When the form asks the head in its main part (one row per household) and the other members in a repeat group.',
  };
});

export const HOUSEHOLD_IMPORT_FIELDS: readonly ImportField[] = [
  ...PERSON_IMPORT_FIELDS,
  ...HEAD_IMPORT_FIELDS,
  { key: 'femaleHeaded', label: 'Female-headed household', aliases: ['female_headed', 'fhh'] },
  { key: 'currentPcode', label: 'Current place (P-code)', aliases: ['current_pcode', 'location_pcode', 'district_pcode', 'adm2_pcode', 'pcode'] },
  { key: 'originPcode', label: 'Place of origin (P-code)', aliases: ['origin_pcode', 'origin'] },
  { key: 'destinationPcode', label: 'Intended destination (P-code)', aliases: ['destination_pcode', 'destination'] },
  { key: 'crossingPoint', label: 'Border crossing point', aliases: ['crossing_point', 'bcp', 'border_crossing'], description: 'the site code (e.g. BCP-TORKHAM) or id' },
  { key: 'crossingDate', label: 'Date of crossing', aliases: ['crossing_date', 'date_of_crossing', 'arrival_date'] },
  { key: 'consent', label: 'Consent to registration', aliases: ['consent_registration', 'consent_given'], description: 'yes / no' },
  { key: 'consentDate', label: 'Date of consent', aliases: ['consent_date'], description: 'default: today' },
  { key: 'consentPurposes', label: 'Further consent purposes', multiple: true, aliases: ['consent_purposes'], options: CONSENT_PURPOSES },
  { key: 'notes', label: 'Notes', aliases: ['remarks', 'comment'] },
];

// Values -----------------------------------------------------------------------------------------

const SEX: Record<string, 'male' | 'female'> = { m: 'male', male: 'male', man: 'male', boy: 'male', مرد: 'male', نر: 'male', f: 'female', female: 'female', woman: 'female', girl: 'female', زن: 'female', ښځه: 'female', سړی: 'male' };
const RELATION: Record<string, string> = {
  hoh: 'head',
  'head of household': 'head',
  household_head: 'head',
  'household head': 'head',
  self: 'head',
  سرپرست: 'head',
  wife: 'spouse',
  husband: 'spouse',
  grandson: 'grandchild',
  granddaughter: 'grandchild',
  grandfather: 'grandparent',
  grandmother: 'grandparent',
  nephew: 'nephew_niece',
  niece: 'nephew_niece',
  relative: 'other_relative',
  other: 'other_relative',
};
const DOCS: Record<string, string> = { por: 'por_card', 'por card': 'por_card', 'e-tazkira': 'e_tazkira', etazkira: 'e_tazkira', tazkera: 'tazkira', 'national id': 'tazkira', pass: 'passport' };
const DOC_COUNTRY: Record<string, string> = { tazkira: 'AFG', e_tazkira: 'AFG', por_card: 'PAK', acc: 'PAK', cnic: 'PAK', amayesh: 'IRN', hoshmand: 'IRN' };
const GROUPS: Record<string, string> = {
  deported: 'returnee_deported',
  deportee: 'returnee_deported',
  spontaneous: 'returnee_spontaneous',
  returnee: 'returnee_spontaneous',
  por: 'refugee_por',
  acc: 'refugee_acc',
  undocumented: 'refugee_undocumented',
  host: 'host_community',
};
const YES = new Set(['1', 'yes', 'y', 'true', 'x', 'بلی', 'بله', 'هو', 'ہاں']);
const NO = new Set(['0', 'no', 'n', 'false', 'نه', 'نخیر', 'نہیں']);

const lower = (v: string | string[] | undefined) => (typeof v === 'string' ? v.trim().toLowerCase().replace(/\s+/g, ' ') : undefined);
/** A value as the contract expects it: a known synonym mapped, underscores for spaces, else as written (the contract's schema reports it). */
const choice = (v: string | string[] | undefined, synonyms: Record<string, string>) => {
  const s = lower(v);
  if (s === undefined) return undefined;
  return synonyms[s] ?? s.replace(/[\s-]+/g, '_');
};
const text = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Which row field a path of the request body came from. */
function fieldOfPath(rest: (string | number)[], birthField: string | null): string {
  const [a, b] = rest;
  if (a === 'birth') return birthField ?? 'birthDate';
  if (a === 'documents') return b !== undefined && rest[2] === 'type' ? 'documentType' : rest[2] === 'issuingCountry' ? 'documentCountry' : 'documentNumber';
  if (a === 'phones') return 'phone';
  if (a === 'washingtonGroup') return WG_FIELDS[WG_DOMAINS.indexOf(b as (typeof WG_DOMAINS)[number])] ?? WG_FIELDS[0];
  if (a === 'crossingSiteId') return 'crossingPoint';
  if (a === 'currentSiteId' || a === 'destinationSiteId') return 'currentPcode';
  if (a === 'consents') return rest[2] === 'givenOn' ? 'consentDate' : 'consent';
  if (a === 'members' || a === 'id' || a === 'operationId') return 'relationship';
  return String(a ?? 'householdKey');
}

// Records ----------------------------------------------------------------------------------------

/** A row of a sheet (`sheet` only in a joined workbook). */
interface Loc {
  row: number;
  sheet?: string;
}

/** One member being built: the head from a household's own row, or a member's row. */
interface Entry {
  values: MappedRow;
  head: boolean;
  /** The import field that feeds a member field for this entry (headGivenName for the head from the household's row). */
  field(memberField: string): string;
  at(field: string): Loc;
}

export interface HouseholdImport {
  key: string;
  /** The row of each member (in member order), its sheet in a joined workbook, and the field of its given name. */
  rows: number[];
  sheets: (string | undefined)[];
  nameFields: string[];
  /** Where the household key is (for a conflict with an earlier import). */
  keyAt: Loc;
  body: HouseholdCreate;
  hash: string;
  household: Omit<HouseholdRow, 'reference' | 'qrToken' | 'createdBy'>;
  members: (Partial<IndividualRow> & { id: string })[];
  /** Engine records of the members (for the duplicate check). */
  records: PersonRecord[];
}

interface Flag {
  member: number;
  candidateIndividualId: string;
  candidateHouseholdId: string;
  source: 'registry' | 'batch';
  score: number;
  decision: 'match' | 'review';
}

export interface DuplicateCheckStats {
  registry: number;
  batch: number;
  ms: number;
  warnings: number;
}

/** The last duplicate check of this process (for benchmarks and logs). */
export let lastDuplicateCheck: DuplicateCheckStats | null = null;
/** Timings of the last import's writes (summed over its insert calls) in this process, for benchmarks. */
export let lastWrite: Record<string, number> | null = null;

export const householdsImport: ImportAdapter<HouseholdImport> = {
  kind: 'people.households',
  label: 'Households and members',
  permission: 'people.write',
  fields: HOUSEHOLD_IMPORT_FIELDS,
  joinRepeatSheets: true,
  chunkSize: 5000,
  writeChunkSize: 2500,
  async begin(scope): Promise<ImportSession<HouseholdImport>> {
    const { tx, auth, operationId } = scope;
    const today = todayIn(await operationTimeZone(tx, operationId));
    const known = await operationPcodes(tx, operationId);
    const sites = await operationSites(tx, operationId);
    const siteByCode = new Map([...sites].map(([id, s]) => [s.code.toUpperCase(), id]));
    const organisationId = defaultOrganisation(auth, operationId);
    const thisYear = Number(today.slice(0, 4));
    const flags = new Map<string, Flag[]>();
    lastWrite = null;
    const actor = { userId: scope.userId, requestId: null };

    /** Where a field's value of a row lives: a main-sheet column of a joined workbook is on its submission's row. */
    const locate = (field: string, r: GroupRow): Loc => (r.mainRow !== undefined && scope.sheets?.of(field) === scope.sheets?.main ? { row: r.mainRow, sheet: scope.sheets!.main } : { row: r.row, sheet: r.sheet });
    /** A row named in a message: its number, and its sheet in a joined workbook. */
    const where = (l: Loc) => (l.sheet ? { row: l.row, sheet: l.sheet } : { row: l.row });
    const samePerson = (name: string, l: { row: number; sheet?: string }, decision: string, score: number): Message =>
      l.sheet ? msg('people.maybeSamePersonSheet', { name, row: l.row, sheet: l.sheet, decision, score }) : msg('people.maybeSamePerson', { name, row: l.row, decision, score });
    const present = (v: string | string[] | undefined) => v !== undefined && (!Array.isArray(v) || v.length > 0);

    function build(rows: GroupRow[], issue: GroupIssueSink): HouseholdImport | null {
      const first = rows[0];
      const hh: Partial<Record<(typeof HOUSEHOLD_FIELDS)[number], string | string[]>> = {};
      const hhRow: Partial<Record<string, Loc>> = {};
      // Household fields, and the head's fields when the form asks the head apart from the other
      // members (a Kobo main sheet): from the first row that has them; other rows must agree.
      for (const r of rows)
        for (const f of [...HOUSEHOLD_FIELDS, ...HEAD_KEYS]) {
          const v = r.values[f];
          if (!present(v)) continue;
          const l = locate(f, r);
          if (hh[f as keyof typeof hh] === undefined) {
            hh[f as keyof typeof hh] = v;
            hhRow[f] = l;
          } else if (JSON.stringify(hh[f as keyof typeof hh]) !== JSON.stringify(v)) issue(l.row, f, hhRow[f]!.sheet ? msg('people.differsFromSheet', { row: hhRow[f]!.row, sheet: hhRow[f]!.sheet! }) : msg('people.differsFrom', { row: hhRow[f]!.row }), l.sheet);
        }
      const firstLoc: Loc = { row: first.row, sheet: first.sheet };
      const at = (field: string): Loc => hhRow[field] ?? locate(field, first);
      const key = text(first.values.householdKey) ?? `row:${canonicalHash(first.values)}`;
      const id = derivedUuid(`people.households/${operationId}/${key}`);
      // The members: the head from the head fields (when any has a value), then each row that
      // holds a member (a submission's own row in a joined workbook holds none).
      const headValues: MappedRow | null = HEAD_KEYS.some((k) => present((hh as MappedRow)[k])) ? Object.fromEntries(HEAD_PERSON_FIELDS.map((f) => [f, (hh as MappedRow)[headKey(f)]])) : null;
      const entries: Entry[] = [];
      const headLoc = hhRow[HEAD_KEYS.find((k) => hhRow[k]) ?? ''];
      if (headValues && headLoc) entries.push({ values: { ...headValues, relationship: 'head' }, head: true, field: (f) => HEAD_OF.get(f) ?? f, at: (f) => hhRow[f] ?? headLoc });
      for (const r of rows) {
        if (headValues && !HEAD_PERSON_FIELDS.some((f) => present(r.values[f])) && !present(r.values.relationship)) continue;
        entries.push({ values: r.values, head: false, field: (f) => f, at: () => ({ row: r.row, sheet: r.sheet }) });
      }
      if (headValues)
        for (const e of entries.slice(1))
          if (choice(e.values.relationship, RELATION) === 'head') {
            const l = e.at('relationship');
            const h = entries[0].at('givenName');
            issue(l.row, 'relationship', h.sheet ? msg('people.headInOwnRowSheet', { row: h.row, sheet: h.sheet }) : msg('people.headInOwnRow', { row: h.row }), l.sheet);
          }
      const birthFields: (string | null)[] = [];
      const members: HouseholdCreate['members'] = entries.map((r, i) => {
        const v = r.values;
        const memberId = derivedUuid(`${id}/member/${i}`);
        const sex = choice(v.sex, SEX);
        let relationship = choice(v.relationship, RELATION) ?? (entries.length === 1 ? 'head' : undefined);
        if (relationship === 'child') relationship = sex === 'female' ? 'daughter' : 'son';
        let birth: { precision: string; value: string } | null = null;
        let birthField: string | null = null;
        if (text(v.birthDate)) {
          const b = asciiDigits(text(v.birthDate)!).replace(/T.*$/, '');
          birth = { precision: /^\d{4}$/.test(b) ? 'year' : /^\d{4}-\d{1,2}$/.test(b) ? 'month' : 'exact', value: b };
          birthField = 'birthDate';
        } else if (text(v.birthDateSh)) [birth, birthField] = [{ precision: 'solar_hijri', value: text(v.birthDateSh)! }, 'birthDateSh'];
        else if (text(v.birthYear)) [birth, birthField] = [{ precision: 'year', value: asciiDigits(text(v.birthYear)!).replace(/\.0+$/, '') }, 'birthYear'];
        else if (text(v.age)) [birth, birthField] = [{ precision: 'estimated_age', value: asciiDigits(text(v.age)!).replace(/\.0+$/, '') }, 'age'];
        birthFields.push(birthField);
        const docType = choice(v.documentType, DOCS);
        const docNumber = text(v.documentNumber);
        const documents =
          docNumber || docType
            ? [{ id: derivedUuid(`${memberId}/document/0`), type: docType ?? 'other', number: docNumber ?? '', issuingCountry: text(v.documentCountry) ?? DOC_COUNTRY[docType ?? ''] ?? '', status: 'issued' }]
            : [];
        const wg: Record<string, string> = {};
        WG_DOMAINS.forEach((d, j) => {
          const level = choice(v[WG_FIELDS[j]], {});
          if (level) wg[d] = level;
        });
        const uasc = lower(v.uasc);
        if (uasc !== undefined && !YES.has(uasc) && !NO.has(uasc)) issue(r.at('uasc').row, 'uasc', msg('cell.notYesNo', { value: String(v.uasc) }), r.at('uasc').sheet);
        return {
          id: memberId,
          relationship,
          givenName: text(v.givenName),
          fatherName: text(v.fatherName),
          familyName: text(v.familyName),
          givenNameAr: text(v.givenNameAr),
          fatherNameAr: text(v.fatherNameAr),
          familyNameAr: text(v.familyNameAr),
          sex,
          birth,
          phones: text(v.phone) ? [{ number: text(v.phone)! }] : [],
          washingtonGroup: Object.keys(wg).length ? wg : null,
          specificNeeds: Array.isArray(v.specificNeeds) ? v.specificNeeds : [],
          uasc: uasc !== undefined && YES.has(uasc),
          documents,
        } as unknown as HouseholdCreate['members'][number];
      });

      // Crossing point by site code or id.
      let crossingSiteId: string | null = null;
      const cp = text(hh.crossingPoint as string | undefined);
      if (cp) {
        crossingSiteId = siteByCode.get(cp.toUpperCase()) ?? (sites.has(cp.toLowerCase()) ? cp.toLowerCase() : null);
        if (!crossingSiteId) issue(at('crossingPoint').row, 'crossingPoint', msg('people.noCrossingPoint', { site: cp, operationId }), at('crossingPoint').sheet);
      }
      const consentValue = lower(hh.consent as string | undefined);
      if (consentValue !== undefined && !YES.has(consentValue) && !NO.has(consentValue)) issue(at('consent').row, 'consent', msg('cell.notYesNo', { value: String(hh.consent) }), at('consent').sheet);
      const femaleHeaded = lower(hh.femaleHeaded as string | undefined);
      if (femaleHeaded !== undefined && !YES.has(femaleHeaded) && !NO.has(femaleHeaded)) issue(at('femaleHeaded').row, 'femaleHeaded', msg('cell.notYesNo', { value: String(hh.femaleHeaded) }), at('femaleHeaded').sheet);
      const consentOn = text(hh.consentDate as string | undefined) ? asciiDigits(text(hh.consentDate as string)!).slice(0, 10) : today;
      const purposes = consentValue !== undefined && YES.has(consentValue) ? ['registration', ...((hh.consentPurposes as string[] | undefined) ?? []).filter((p) => p !== 'registration')] : [];
      const draft = {
        id,
        operationId,
        populationGroup: choice(hh.populationGroup as string | undefined, GROUPS),
        status: 'active',
        organisationId,
        currentPcode: text(hh.currentPcode as string | undefined),
        originPcode: text(hh.originPcode as string | undefined),
        destinationPcode: text(hh.destinationPcode as string | undefined),
        crossingSiteId,
        crossingDate: text(hh.crossingDate as string | undefined) ? asciiDigits(text(hh.crossingDate as string)!).slice(0, 10) : null,
        femaleHeaded: femaleHeaded !== undefined && YES.has(femaleHeaded),
        notes: text(hh.notes as string | undefined),
        members,
        consents: purposes.map((purpose) => ({ id: derivedUuid(`${id}/consent/${purpose}`), purpose, givenOn: consentOn })),
      };
      // 1. The contract's schema, as for a request.
      const parsed = householdCreate.safeParse(draft);
      // Fields the schema already refused: the service's checks below do not repeat them.
      const refused = new Set<string>();
      const report = (l: Loc, field: string, message: Message, fromSchema = false) => {
        const k = `${l.sheet ?? ''}/${l.row}/${field}`;
        if (fromSchema) refused.add(k);
        else if (refused.has(k)) return;
        issue(l.row, field, message, l.sheet);
      };
      const place = (p: (string | number)[], message: Message, fromSchema = false) => {
        if (p[0] === 'members' && typeof p[1] === 'number' && p.length > 2 && entries[p[1]]) {
          const e = entries[p[1]];
          const f = e.field(fieldOfPath(p.slice(2), birthFields[p[1]]));
          report(e.at(f), f, message, fromSchema);
        } else if (p[0] === 'members') report(firstLoc, 'relationship', message, fromSchema);
        else if (p[0] === 'consents') report(at('consent'), p[2] === 'givenOn' ? 'consentDate' : 'consentPurposes', message, fromSchema);
        else {
          const f = fieldOfPath(p, null);
          report(at(f), f, message, fromSchema);
        }
      };
      if (!parsed.success) for (const e of parsed.error.issues) place(e.path as (string | number)[], messageOfZodIssue(e, valueAt(draft, e.path as (string | number)[]) === undefined), true);
      // With a refused field the rest is still checked (one report lists every problem of the file).
      const body = (parsed.success ? parsed.data : draft) as HouseholdCreate;
      // 2. The service's checks, as for a request.
      const ctx: Ctx = { operationId, today, issues: [] };
      let places: ReturnType<typeof placeColumnsFrom> = {};
      let memberCols: ReturnType<typeof memberColumns>[] = [];
      try {
        places = placeColumnsFrom(ctx, body, known, sites);
        ensureWritable(auth, { operationId, areaPcode: places.currentPcode ?? null, organisationId }, ctx.issues);
        // A head from the household's own row is the one head (a second one is reported above).
        if (!headValues) headCheck(body.members, 'body.members', ctx.issues);
        memberCols = body.members.map((m, i) => {
          if (!hasAnyName(m)) ctx.issues.push(issueAt(`body.members.${i}.givenName`, 'people.nameRequired'));
          m.documents.forEach((d, j) => checkDocument(d, `body.members.${i}.documents.${j}`, ctx.issues));
          return memberColumns(m, ctx, `body.members.${i}`);
        });
        for (const [i, c] of body.consents.entries()) if (c.givenOn > today) ctx.issues.push(issueAt(`body.consents.${i}.givenOn`, 'date.future', { date: c.givenOn }));
      } catch (err) {
        // Only a body the schema refused can trip the checks; its problems are reported already.
        if (parsed.success) throw err;
      }
      for (const e of ctx.issues as FieldIssue[]) place(e.path.split('.').slice(1).map((x) => (/^\d+$/.test(x) ? Number(x) : x)), e);
      if (!parsed.success) return null;
      if (ctx.issues.length) return null;
      const now = new Date();
      const memberRows = body.members.map((m, i) => ({
        ...(memberCols[i] as Partial<IndividualRow>),
        id: m.id,
        position: m.relationship === 'head' ? 0 : i + 1,
      }));
      const records = memberRows.map((m, i) => {
        const birth = m.birthPrecision ? { precision: m.birthPrecision, input: m.birthInput!, date: m.birthDate ?? null, yearFrom: m.birthYearFrom ?? null, yearTo: m.birthYearTo ?? null } : null;
        const keys = matchKeysOf(personKeyInput({ ...(m as IndividualRow), phones: m.phones ?? [] }, birth, body.members[i].documents, places.currentPcode ?? null));
        return engineRecord(m.id, keys, thisYear);
      });
      return {
        key,
        rows: entries.map((e) => e.at(e.field('givenName')).row),
        sheets: entries.map((e) => e.at(e.field('givenName')).sheet),
        nameFields: entries.map((e) => e.field('givenName')),
        keyAt: at('householdKey'),
        body,
        hash: canonicalHash({ ...body, operationId }),
        household: {
          id,
          operationId,
          status: body.status,
          populationGroup: body.populationGroup,
          organisationId,
          currentPcode: places.currentPcode ?? null,
          currentSiteId: places.currentSiteId ?? null,
          originPcode: places.originPcode ?? null,
          destinationPcode: places.destinationPcode ?? null,
          destinationSiteId: places.destinationSiteId ?? null,
          crossingSiteId: places.crossingSiteId ?? null,
          crossingDate: places.crossingDate ?? null,
          femaleHeaded: body.femaleHeaded,
          notes: body.notes ?? null,
          version: 1,
          bodyHash: '',
          createdAt: now,
          updatedAt: now,
        },
        members: memberRows,
        records,
      };
    }

    return {
      validate: () => null,
      groupKey: (row: MappedRow) => text(row.householdKey),
      validateGroup: (rows, issue) => build(rows, issue),
      key: (r) => r.key,
      async existing(db, list) {
        const out = new Map<string, Existing>();
        if (!list.length) return out;
        const found = await db.select({ id: peopleHouseholds.id, bodyHash: peopleHouseholds.bodyHash }).from(peopleHouseholds).where(inArray(peopleHouseholds.id, list.map((r) => r.household.id!)));
        const byId = new Map(found.map((f) => [f.id, f.bodyHash]));
        for (const r of list) {
          const h = byId.get(r.household.id!);
          if (h === undefined) continue;
          out.set(r.key, h === r.hash ? { same: true } : { same: false, field: 'householdKey', row: r.keyAt.row, ...(r.keyAt.sheet ? { sheet: r.keyAt.sheet } : {}), ...msg('people.importedBefore', { key: r.key }) });
        }
        return out;
      },
      async warnings(db, list) {
        const t0 = performance.now();
        flags.clear();
        const at = new Map<string, { rec: HouseholdImport; member: number }>();
        const batch: PersonRecord[] = [];
        for (const rec of list)
          rec.records.forEach((p, member) => {
            at.set(p.id, { rec, member });
            // Household context inside the file: a family entered twice in one workbook is found
            // member by member even where one member's own fields are weak (engine household.ts).
            batch.push({ ...p, householdId: rec.key });
          });
        const registry = await registryRecords(db, operationId, thisYear);
        const warnings: ImportWarning[] = [];
        const name = (rec: HouseholdImport, member: number) => displayName(rec.body.members[member]) || `member ${member + 1}`;
        const add = (rec: HouseholdImport, member: number, f: Flag, message: Message) => {
          (flags.get(rec.key) ?? flags.set(rec.key, []).get(rec.key)!).push(f);
          warnings.push({ key: rec.key, row: rec.rows[member], ...(rec.sheets[member] ? { sheet: rec.sheets[member] } : {}), field: rec.nameFields[member], ...message });
        };
        // Against the registry: only households the user may see are named (others stay hidden).
        let registryPairs = 0;
        if (registry.records.length && batch.length) {
          const res = link(registry.records, batch);
          for (const p of res.pairs) {
            const mine = at.get(p.b);
            const other = registry.byId.get(p.a);
            if (!mine || !other || !allows(auth.grants, 'people.read', { operationId, areaPcode: other.pcode, organisationId: other.organisationId })) continue;
            registryPairs++;
            add(mine.rec, mine.member, { member: mine.member, candidateIndividualId: p.a, candidateHouseholdId: other.householdId, source: 'registry', score: p.score, decision: p.decision }, msg('people.maybeRegistered', { name: name(mine.rec, mine.member), household: other.reference, decision: p.decision, score: p.score }));
          }
        }
        // Within the file: people of two different households of the batch.
        let batchPairs = 0;
        if (batch.length > 1) {
          const res = dedupe(batch);
          for (const p of res.pairs) {
            const a = at.get(p.a);
            const b = at.get(p.b);
            if (!a || !b || a.rec === b.rec) continue;
            batchPairs++;
            const [early, late] = a.rec.rows[a.member] <= b.rec.rows[b.member] ? [a, b] : [b, a];
            add(late.rec, late.member, { member: late.member, candidateIndividualId: early.rec.members[early.member].id, candidateHouseholdId: early.rec.household.id!, source: 'batch', score: p.score, decision: p.decision }, samePerson(name(late.rec, late.member), where({ row: early.rec.rows[early.member], sheet: early.rec.sheets[early.member] }), p.decision, p.score));
          }
        }
        lastDuplicateCheck = { registry: registry.records.length, batch: batch.length, ms: Math.round(performance.now() - t0), warnings: warnings.length };
        void registryPairs;
        void batchPairs;
        return warnings;
      },
      async insert(wtx, list) {
        const refs = await nextReferences(wtx, operationId, list.length);
        const now = new Date();
        const hhRows: HouseholdRow[] = [];
        const indRows: Record<string, unknown>[] = [];
        const docRows: ReturnType<typeof documentRows>[] = [];
        const consentRows: ReturnType<typeof consentRow>[] = [];
        const versionRows: (typeof peopleHouseholdVersions.$inferInsert)[] = [];
        const flagRows: (typeof peopleImportDuplicates.$inferInsert)[] = [];
        list.forEach((rec, i) => {
          const h = { ...rec.household, reference: refs[i], qrToken: newQrToken(), bodyHash: rec.hash, createdBy: scope.userId, createdAt: now, updatedAt: now } as typeof peopleHouseholds.$inferSelect;
          hhRows.push(h);
          const docsOf = new Map<string, ReturnType<typeof presentDocument>[]>();
          const individuals = rec.members.map((m, j) => {
            const docs = rec.body.members[j].documents.map((d) => documentRows(d, { id: m.id, householdId: h.id, operationId }, actor, today));
            docRows.push(...docs);
            docsOf.set(
              m.id,
              docs.map((d) => presentDocument({ ...d.doc, createdAt: now } as typeof peopleDocuments.$inferSelect, [{ ...d.status, createdAt: now } as typeof peopleDocumentStatuses.$inferSelect])),
            );
            const birth = m.birthPrecision ? { precision: m.birthPrecision, input: m.birthInput!, date: m.birthDate ?? null, yearFrom: m.birthYearFrom ?? null, yearTo: m.birthYearTo ?? null } : null;
            const input = personKeyInput({ ...(m as IndividualRow), phones: m.phones ?? [] }, birth, rec.body.members[j].documents, h.currentPcode);
            const row = {
              givenName: null,
              fatherName: null,
              familyName: null,
              givenNameAr: null,
              fatherNameAr: null,
              familyNameAr: null,
              birthPrecision: null,
              birthInput: null,
              birthDate: null,
              birthYearFrom: null,
              birthYearTo: null,
              phones: [],
              washingtonGroup: null,
              specificNeeds: [],
              uasc: false,
              ...m,
              householdId: h.id,
              operationId,
              elsewhereOperationId: null,
              removedAt: null,
              removalReason: null,
              searchKeys: searchKeysOf(input),
              matchKeys: matchKeysOf(input),
              createdAt: now,
              updatedAt: now,
            } as IndividualRow;
            indRows.push(row);
            return row;
          });
          const head = rec.body.members.find((m) => m.relationship === 'head');
          const consents = rec.body.consents.map((c) => consentRow(c, h.id, head?.id ?? null, actor));
          consentRows.push(...consents);
          const ordered = [...individuals].sort((a, b) => a.position - b.position);
          const headRow = ordered.find((m) => m.relationship === 'head') ?? ordered[0];
          const snapshot: Omit<HouseholdDetail, 'versions'> = {
            ...presentHousehold(h, true, { name: headRow ? displayName(headRow) : null, size: individuals.length }),
            sensitive: true,
            qrToken: h.qrToken,
            members: ordered.map((m) => presentIndividual(m, docsOf.get(m.id) ?? [], true)),
            consents: consents.map((c) => presentConsent({ ...c, recordedAt: now, withdrawnAt: null, withdrawnBy: null, withdrawalReason: null } as typeof peopleConsents.$inferSelect)),
          };
          versionRows.push({ householdId: h.id, version: 1, action: 'household.import', snapshot, createdBy: scope.userId, createdAt: now });
          for (const f of flags.get(rec.key) ?? [])
            flagRows.push({ id: uuidv7(), operationId, individualId: rec.members[f.member].id, householdId: h.id, candidateIndividualId: f.candidateIndividualId, candidateHouseholdId: f.candidateHouseholdId, source: f.source, score: f.score, decision: f.decision, createdBy: scope.userId, createdAt: now });
        });
        const T = [performance.now()];
        await bulkInsert(wtx, peopleHouseholds, hhRows as Record<string, unknown>[]);
        T.push(performance.now());
        // The search index takes the new keys in one sorted merge instead of row by row: its pending
        // list is on only for this statement and emptied before the transaction ends (searches
        // never see a pending list; see the index's note in schema.ts).
        await wtx.execute(sql`alter index people_individuals_search_idx set (fastupdate = on)`);
        // One merge at the end, not one each time the pending list passes its default 4 MB.
        await wtx.execute(sql`set local gin_pending_list_limit = '1GB'`);
        await bulkInsert(wtx, peopleIndividuals, indRows);
        T.push(performance.now());
        await wtx.execute(sql`select gin_clean_pending_list('people_individuals_search_idx'::regclass)`);
        await wtx.execute(sql`alter index people_individuals_search_idx set (fastupdate = off)`);
        T.push(performance.now());
        await bulkInsert(wtx, peopleDocuments, docRows.map((d) => ({ ...d.doc, createdAt: now })));
        await bulkInsert(wtx, peopleDocumentStatuses, docRows.map((d) => ({ ...d.status, createdAt: now })));
        await bulkInsert(wtx, peopleConsents, consentRows.map((c) => ({ ...c, recordedAt: now, withdrawnAt: null, withdrawnBy: null, withdrawalReason: null })));
        T.push(performance.now());
        await bulkInsert(wtx, peopleHouseholdVersions, versionRows as Record<string, unknown>[], 1000);
        T.push(performance.now());
        const ms = (i: number) => Math.round(T[i] - T[i - 1]);
        const step: Record<string, number> = { writes: 1, households: hhRows.length, msHouseholds: ms(1), msIndividuals: ms(2), msSearchIndex: ms(3), msDocumentsConsents: ms(4), msVersions: ms(5) };
        const sum = lastWrite ?? {};
        for (const [k, v] of Object.entries(step)) sum[k] = (sum[k] ?? 0) + v;
        lastWrite = sum;
        // Flags whose other person is in this write or stored before (a batch pair across two PGlite chunks is kept by the later chunk).
        const ids = new Set(indRows.map((r) => r.id as string));
        const stored = flagRows.filter((f) => f.source === 'registry' || ids.has(f.candidateIndividualId));
        const missing = flagRows.filter((f) => f.source === 'batch' && !ids.has(f.candidateIndividualId)).map((f) => f.candidateIndividualId);
        if (missing.length) {
          const there = new Set((await wtx.select({ id: peopleIndividuals.id }).from(peopleIndividuals).where(inArray(peopleIndividuals.id, [...new Set(missing)]))).map((r) => r.id));
          stored.push(...flagRows.filter((f) => f.source === 'batch' && !ids.has(f.candidateIndividualId) && there.has(f.candidateIndividualId)));
        }
        await bulkInsert(wtx, peopleImportDuplicates, stored as Record<string, unknown>[]);
        // …and as open pairs of the review queue (source "import", naming the batch).
        await storeImportFlags(wtx, operationId, scope.batch ?? null, scope.userId, stored.map((f) => ({ individualId: f.individualId, candidateIndividualId: f.candidateIndividualId, score: f.score, decision: f.decision })));
        await audit(wtx, actor, {
          action: 'household.import',
          entityType: 'household',
          entityId: hhRows[0]?.id ?? null,
          operationId,
          details: { households: hhRows.length, individuals: indRows.length, documents: docRows.length, consents: consentRows.length, firstReference: refs[0] ?? null, lastReference: refs[refs.length - 1] ?? null, possibleDuplicates: stored.length },
        });
        // The lookup index rebuilds from the stored rows on its next use.
        if (scope.database) lookupIndexes(scope.database).reset(operationId);
        return hhRows.length;
      },
      async remove(wtx, list) {
        const ids = list.map((r) => r.household.id!);
        if (!ids.length) return;
        const idList = sql.join(
          ids.map((i) => sql`${i}::uuid`),
          sql`, `,
        );
        await removeImportFlags(wtx, ids);
        await wtx.execute(sql`delete from people_import_duplicates where household_id in (${idList}) or candidate_household_id in (${idList})`);
        await wtx.execute(sql`delete from people_household_versions where household_id in (${idList})`);
        await wtx.execute(sql`delete from people_consents where household_id in (${idList})`);
        await wtx.execute(sql`delete from people_document_statuses where household_id in (${idList})`);
        await wtx.execute(sql`delete from people_documents where household_id in (${idList})`);
        await wtx.execute(sql`delete from people_individuals where household_id in (${idList})`);
        await wtx.execute(sql`delete from people_households where id in (${idList})`);
        if (scope.database) lookupIndexes(scope.database).reset(operationId);
      },
    };
  },
};

/** The operation's registry as engine records (one JSON query), with each person's household. */
async function registryRecords(db: Tx, operationId: string, thisYear: number) {
  const [r] = await queryRows<{ j: string | null }>(db, sql`
    select json_agg(json_build_array(i.id, i.household_id, h.reference, h.current_pcode, h.organisation_id, i.match_keys))::text as j
    from people_individuals i join people_households h on h.id = i.household_id
    where i.operation_id = ${operationId} and i.removed_at is null and h.status <> 'merged'`);
  const list = r?.j ? (JSON.parse(r.j) as [string, string, string, string | null, string | null, Record<string, unknown>][]) : [];
  const byId = new Map(list.map(([id, householdId, reference, pcode, organisationId]) => [id, { householdId, reference, pcode, organisationId }]));
  return { records: list.map(([id, , , , , keys]) => engineRecord(id, keys, thisYear)), byId };
}
