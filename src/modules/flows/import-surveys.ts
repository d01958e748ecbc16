/**
 * Import adapter for flow monitoring surveys (one interviewed group per row), applying the rules of
 * entering a survey by hand (createSurvey in service.ts: consent, flow-monitoring point, no future
 * date, group composition, documents per origin country, Pakistani origin district, Afghan
 * destination province/district with the province filled from the district) with the gazetteer
 * held in memory. The record hash is the one createSurvey stores, so a survey imported here and
 * re-sent through the API with the same id is recognised as the same.
 *
 * Natural key: the id — Kobo's `_uuid` / ODK's instanceID when the file has it, otherwise a UUID
 * derived from the row's answers and how many identical rows came before it in the file.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client';
import { derivedUuid, pgArray } from '../../imports/ids';
import type { Existing, ImportAdapter, ImportField } from '../../imports/types';
import { boolValue, choiceValue, choicesValue, dateValue, intValue, uuidValue } from '../../imports/values';
import { adminAreas } from '../places/schema';
import { AGE_BANDS, ALL_DOCUMENTS, DIRECTIONS, DOCUMENTS_BY_ORIGIN, INTENDED_STAYS, NEEDS, ORIGIN_COUNTRIES, REASONS, SEXES, VULNERABILITIES, type OriginCountry } from './kinds';
import { COUNTRY_SYNONYMS, DIRECTION_SYNONYMS, siteResolver } from './import-common';
import { canonicalKeyOrder, recordHasher } from '../../imports/canonical';
import { msg, type Message } from '../../shared/messages';
import { SurveyRollupWriter } from './dashboard-upkeep';
import { conflict, isUniqueViolation } from '../../server/errors';

export interface SurveyRecord {
  id: string;
  operationId: string;
  siteId: string;
  date: string;
  direction: 'in' | 'out';
  respondentSex: 'm' | 'f';
  respondentAgeBand: string;
  groupSize: number;
  men: number;
  women: number;
  boys: number;
  girls: number;
  originCountry: string;
  originPcode: string | null;
  documents: string[];
  reasons: string[];
  intendedStay: 'lt1y' | 'ge1y';
  destinationAdm1: string | null;
  destinationAdm2: string | null;
  vulnerabilities: string[];
  needs: string[];
  consent: boolean;
}

export const SURVEY_FIELDS: readonly ImportField[] = [
  { key: 'site', label: 'Crossing point', required: true, aliases: ['bcp', 'site_code', 'border_crossing_point', 'crossing_point', 'location', 'fmp'] },
  { key: 'date', label: 'Date', required: true, aliases: ['survey_date', 'interview_date', 'today', '_submission_time'] },
  { key: 'direction', label: 'Direction (in/out)', required: true, options: DIRECTIONS, aliases: ['flow_direction', 'flow'] },
  { key: 'respondentSex', label: 'Respondent sex', required: true, options: SEXES, aliases: ['sex', 'respondent_sex', 'gender', 'resp_sex'] },
  { key: 'respondentAgeBand', label: 'Respondent age band', required: true, options: AGE_BANDS, aliases: ['age_band', 'respondent_age', 'age_group', 'resp_age'] },
  { key: 'groupSize', label: 'Group size', required: true, aliases: ['group_size', 'hh_size', 'household_size', 'size'] },
  { key: 'men', label: 'Men', required: true, aliases: ['group_men', 'adult_men'] },
  { key: 'women', label: 'Women', required: true, aliases: ['group_women', 'adult_women'] },
  { key: 'boys', label: 'Boys', required: true, aliases: ['group_boys'] },
  { key: 'girls', label: 'Girls', required: true, aliases: ['group_girls'] },
  { key: 'originCountry', label: 'Coming from (country)', required: true, options: ORIGIN_COUNTRIES, aliases: ['origin_country', 'country_of_origin', 'origin'] },
  { key: 'originPcode', label: 'Origin district (Pakistan P-code)', aliases: ['origin_pcode', 'origin_district', 'pak_district'] },
  { key: 'documents', label: 'Documents held', required: true, multiple: true, options: ALL_DOCUMENTS, aliases: ['documents_held', 'docs', 'document'] },
  { key: 'reasons', label: 'Reasons', multiple: true, options: REASONS, aliases: ['reason', 'reasons_for_return', 'return_reasons'] },
  { key: 'intendedStay', label: 'Intended stay', required: true, options: INTENDED_STAYS, aliases: ['intended_stay', 'stay', 'duration_of_stay'] },
  { key: 'destinationAdm1', label: 'Destination province (P-code)', aliases: ['destination_adm1', 'dest_province', 'destination_province', 'adm1_pcode'] },
  { key: 'destinationAdm2', label: 'Destination district (P-code)', aliases: ['destination_adm2', 'dest_district', 'destination_district', 'adm2_pcode'] },
  { key: 'vulnerabilities', label: 'Vulnerabilities', multiple: true, options: VULNERABILITIES, aliases: ['vulnerability', 'specific_needs'] },
  { key: 'needs', label: 'Needs', multiple: true, options: NEEDS, aliases: ['priority_needs', 'need'] },
  { key: 'consent', label: 'Consent', required: true, aliases: ['consent_given', 'agree', 'informed_consent'] },
  { key: 'id', label: 'Record id (UUID)', aliases: ['_uuid', 'uuid', 'instanceid', 'meta_instanceid'] },
];

const SEX_SYNONYMS: Record<string, 'm' | 'f'> = { male: 'm', female: 'f', man: 'm', woman: 'f' };
const STAY_SYNONYMS: Record<string, 'lt1y' | 'ge1y'> = { less_than_1_year: 'lt1y', lt_1y: 'lt1y', short: 'lt1y', more_than_1_year: 'ge1y', ge_1y: 'ge1y', long: 'ge1y', permanent: 'ge1y' };
/**
 * Sorts a list choicesValue made (its own array, no repeats) in place, as Array#sort would: lists
 * are a few codes long, and a sort call per list was about a third of what validation allocated.
 */
function sortCodes<T extends string>(xs: T[]): T[] {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    let j = i - 1;
    for (; j >= 0 && xs[j] > x; j--) xs[j + 1] = xs[j];
    xs[j + 1] = x;
  }
  return xs;
}
// The insert sends a row's list as its codes joined by spaces.
for (const options of [ALL_DOCUMENTS, REASONS, VULNERABILITIES, NEEDS]) if (options.some((o) => /\s/.test(o) || !o)) throw new Error('survey list options must be non-empty codes without spaces');
// The body hash quotes these codes without escaping them (SERVER_BODY_HASH).
for (const options of [ALL_DOCUMENTS, REASONS, VULNERABILITIES, NEEDS, DIRECTIONS, SEXES, AGE_BANDS, ORIGIN_COUNTRIES, INTENDED_STAYS])
  if (options.some((o) => JSON.stringify(o) !== `"${o}"`)) throw new Error('survey option codes must need no JSON escaping');

const ANSWER_KEYS = ['operationId', 'siteId', 'date', 'direction', 'respondentSex', 'respondentAgeBand', 'groupSize', 'men', 'women', 'boys', 'girls', 'originCountry', 'originPcode', 'documents', 'reasons', 'intendedStay', 'destinationAdm1', 'destinationAdm2', 'vulnerabilities', 'needs', 'consent'];
const hashAnswers = recordHasher(ANSWER_KEYS);
const HASHED_KEYS = ['id', ...ANSWER_KEYS];
const hashValues = recordHasher(HASHED_KEYS);

/**
 * The same digest as hashValues, computed by the server in the insert statement from the values it
 * inserts (`u.*` of its unnest; texts as this side sent them): sha256 of the canonical JSON, keys in
 * canonicalJson's order, integers as digits, a missing value as null. Texts that come from data
 * (the operation, P-codes) go through to_json (the escapes JSON.stringify writes); codes from the
 * fixed option lists, ids, site ids and ISO dates, which validation only lets through in their own
 * form, and lists of codes are quoted as they are (about 40 % less of the digest's time than
 * to_json and array_to_json for every value; the option lists are checked at load, above, to
 * need no escaping). This process's CPU is most of an import's time, so the import's rows are
 * not hashed here (only those whose id is already stored, to compare; a hasher here measured
 * slower, docs/ARCHITECTURE.md). dashboard-rollups.int.test.ts holds the two equal.
 */
const SERVER_BODY_HASH = (() => {
  const text = (col: string) => `to_json(${col})::text`;
  const maybe = (col: string) => `coalesce(to_json(${col})::text, 'null')`;
  // A code, uuid or ISO date: nothing in it JSON escapes.
  const code = (col: string) => `'"' || ${col} || '"'`;
  // Codes joined by single spaces ('' for none).
  const list = (col: string) => `case ${col} when '' then '[]' else '["' || replace(${col}, ' ', '","') || '"]' end`;
  const json: Record<string, string> = {
    id: code('u.id'),
    operationId: text('u.operation_id'),
    siteId: code('u.site_id::text'),
    date: code('u.date'),
    direction: code('u.direction'),
    respondentSex: code('u.sex'),
    respondentAgeBand: code('u.age_band'),
    groupSize: 'u.group_size::text',
    men: 'u.men::text',
    women: 'u.women::text',
    boys: 'u.boys::text',
    girls: 'u.girls::text',
    originCountry: code('u.origin_country'),
    originPcode: maybe('u.origin_pcode'),
    documents: list('u.documents'),
    reasons: list('u.reasons'),
    intendedStay: code('u.stay'),
    destinationAdm1: maybe('u.adm1'),
    destinationAdm2: maybe('u.adm2'),
    vulnerabilities: list('u.vulnerabilities'),
    needs: list('u.needs'),
    consent: `case when u.consent then 'true' else 'false' end`,
  };
  const keys = canonicalKeyOrder(HASHED_KEYS);
  if (keys.length !== Object.keys(json).length || keys.some((k) => !json[k])) throw new Error('the server body hash must cover exactly the hashed keys');
  const parts = keys.map((k, i) => `'${i ? ',' : '{'}${JSON.stringify(k)}:' || ${json[k]}`);
  return sql.raw(`encode(sha256(convert_to(${parts.join(' || ')} || '}', 'UTF8')), 'hex')`);
})();

/** The insert statement of a part of validated surveys (see the session's insert). */
function surveyInsert(recs: readonly SurveyRecord[], operationId: string, userId: string | null): SQL {
  const a = <K extends keyof SurveyRecord>(k: K) => pgArray(recs.map((r) => r[k] as string | number | boolean | null));
  // Lists travel as their codes joined by spaces (split again by the statement): one text per
  // row instead of an array literal nested in an array literal.
  const list = <K extends 'documents' | 'reasons' | 'vulnerabilities' | 'needs'>(k: K) => pgArray(recs.map((r) => r[k].join(' ')));
  // No `on conflict`: the existence check ran in this transaction just before, so an id
  // stored meanwhile can only come from another writer at the same moment. Then the
  // statement fails on the primary key and the import with it (nothing written), and
  // running it again finds those surveys stored. Skipping the conflict handling and the
  // returned ids is about a fifth of the statement's time.
  return sql`insert into flow_surveys (id, operation_id, site_id, date, direction, respondent_sex, respondent_age_band, group_size, men, women, boys, girls,
        origin_country, origin_pcode, documents, reasons, intended_stay, destination_adm1, destination_adm2, vulnerabilities, needs, consent, body_hash, created_by)
      select u.id::uuid, u.operation_id, u.site_id, u.date::date, u.direction, u.sex, u.age_band, u.group_size, u.men, u.women, u.boys, u.girls,
        u.origin_country, u.origin_pcode, string_to_array(u.documents, ' '), string_to_array(u.reasons, ' '), u.stay, u.adm1, u.adm2,
        string_to_array(u.vulnerabilities, ' '), string_to_array(u.needs, ' '), u.consent, ${SERVER_BODY_HASH}, ${userId}::uuid
      from (select *, ${operationId}::text as operation_id, true as consent
              from unnest(${a('id')}::text[], ${a('siteId')}::uuid[], ${a('date')}::text[], ${a('direction')}::text[], ${a('respondentSex')}::text[], ${a('respondentAgeBand')}::text[],
                          ${a('groupSize')}::int[], ${a('men')}::int[], ${a('women')}::int[], ${a('boys')}::int[], ${a('girls')}::int[], ${a('originCountry')}::text[], ${a('originPcode')}::text[],
                          ${list('documents')}::text[], ${list('reasons')}::text[], ${a('intendedStay')}::text[], ${a('destinationAdm1')}::text[], ${a('destinationAdm2')}::text[],
                          ${list('vulnerabilities')}::text[], ${list('needs')}::text[])
                   as v(id, site_id, date, direction, sex, age_band, group_size, men, women, boys, girls, origin_country, origin_pcode, documents, reasons, stay, adm1, adm2,
                        vulnerabilities, needs)) u`;
}

export const flowSurveysImport: ImportAdapter<SurveyRecord> = {
  kind: 'flows.surveys',
  // PGlite has no autovacuum: the dashboard's index-only reads need these vacuumed after an import.
  tidyTables: ['flow_surveys', 'flow_dash_answers'],
  label: 'Flow monitoring surveys',
  permission: 'flows.survey.write',
  fields: SURVEY_FIELDS,
  chunkSize: 20_000,
  writeOrder: (r) => `${r.date}|${r.siteId}|${r.direction}`,
  async begin({ tx, database, auth, operationId, userId }) {
    const sites = await siteResolver(tx, auth, 'flows.survey.write', operationId, 'surveys');
    const areaList = await tx
      .select({ operationId: adminAreas.operationId, pcode: adminAreas.pcode, level: adminAreas.level, parentPcode: adminAreas.parentPcode })
      .from(adminAreas)
      .where(inArray(adminAreas.operationId, ['AFG', 'PAK']));
    const areas = new Map(areaList.map((a) => [`${a.operationId}:${a.pcode}`, a]));
    const seen = new Map<string, number>();
    // The rollup writer of a streamed (overlapped) commit: one per transaction.
    let writer: SurveyRollupWriter | null = null;
    const text = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() ? v.trim().toUpperCase() : null);

    return {
      validate(row, issue) {
        const site = sites.resolve(row.site, issue);
        const date = dateValue(row.date, 'date', issue);
        if (date && date > sites.today) issue('date', msg('date.futureTodayIn', { date, today: sites.today, timeZone: sites.timeZone }));
        const direction = choiceValue(row.direction, 'direction', issue, DIRECTIONS, { synonyms: DIRECTION_SYNONYMS });
        const respondentSex = choiceValue(row.respondentSex, 'respondentSex', issue, SEXES, { synonyms: SEX_SYNONYMS });
        const respondentAgeBand = choiceValue(row.respondentAgeBand, 'respondentAgeBand', issue, AGE_BANDS);
        const groupSize = intValue(row.groupSize, 'groupSize', issue, { min: 1, max: 500 });
        const men = intValue(row.men, 'men', issue, { max: 1_000_000 });
        const women = intValue(row.women, 'women', issue, { max: 1_000_000 });
        const boys = intValue(row.boys, 'boys', issue, { max: 1_000_000 });
        const girls = intValue(row.girls, 'girls', issue, { max: 1_000_000 });
        const originCountry = choiceValue(row.originCountry, 'originCountry', issue, ORIGIN_COUNTRIES, { synonyms: COUNTRY_SYNONYMS });
        const documents = choicesValue(row.documents, 'documents', issue, ALL_DOCUMENTS);
        const reasons = choicesValue(row.reasons, 'reasons', issue, REASONS);
        const intendedStay = choiceValue(row.intendedStay, 'intendedStay', issue, INTENDED_STAYS, { synonyms: STAY_SYNONYMS });
        const vulnerabilities = choicesValue(row.vulnerabilities, 'vulnerabilities', issue, VULNERABILITIES);
        const needs = choicesValue(row.needs, 'needs', issue, NEEDS);
        const consent = boolValue(row.consent, 'consent', issue);
        const givenId = uuidValue(row.id, 'id', issue);
        let ok = true;
        const problem = (field: string, message: Message) => {
          ok = false;
          issue(field, message);
        };
        if (consent === false) problem('consent', msg('flows.consentRequired'));
        if (site && !site.flowMonitoring) problem('site', msg('flows.notFlowPoint', { site: site.code }));
        if (groupSize !== null && men !== null && women !== null && boys !== null && girls !== null && men + women + boys + girls !== groupSize)
          problem('men', msg('flows.groupSum', { sum: men + women + boys + girls, groupSize }));
        if (documents && documents.length === 0) problem('documents', msg('flows.documentRequired'));
        if (documents && originCountry) {
          const allowed: readonly string[] = DOCUMENTS_BY_ORIGIN[originCountry as OriginCountry];
          for (const d of documents) if (!allowed.includes(d)) problem('documents', msg('flows.documentNotOfOrigin', { document: d, country: originCountry, allowed: allowed.join(', ') }));
          if (documents.includes('none') && documents.length > 1) problem('documents', msg('flows.documentsNone'));
        }
        const originPcode = text(row.originPcode);
        if (originPcode) {
          if (originCountry && originCountry !== 'PAK') problem('originPcode', msg('flows.originPakistanOnly'));
          else if (areas.get(`PAK:${originPcode}`)?.level !== 2) problem('originPcode', msg('flows.notPakistanDistrict', { pcode: originPcode }));
        }
        let adm1 = text(row.destinationAdm1);
        const adm2 = text(row.destinationAdm2);
        if (adm1 && areas.get(`AFG:${adm1}`)?.level !== 1) problem('destinationAdm1', msg('flows.notAfghanProvince', { pcode: adm1 }));
        if (adm2) {
          const a = areas.get(`AFG:${adm2}`);
          if (!a || a.level !== 2) problem('destinationAdm2', msg('flows.notAfghanDistrict', { pcode: adm2 }));
          else if (adm1 && a.parentPcode !== adm1) problem('destinationAdm2', msg('flows.notInProvince', { pcode: adm2, province: adm1 }));
          else adm1 = a.parentPcode;
        }
        if (!ok || !site || !date || !direction || !respondentSex || !respondentAgeBand || groupSize === null || men === null || women === null || boys === null || girls === null)
          return null;
        if (!originCountry || !documents || !reasons || !intendedStay || !vulnerabilities || !needs || consent !== true) return null;
        const rec: SurveyRecord = {
          id: givenId ?? '',
          operationId,
          siteId: site.id,
          date,
          direction,
          respondentSex,
          respondentAgeBand,
          groupSize,
          men,
          women,
          boys,
          girls,
          originCountry,
          originPcode,
          documents: sortCodes(documents),
          reasons: sortCodes(reasons),
          intendedStay,
          destinationAdm1: adm1,
          destinationAdm2: adm2,
          vulnerabilities: sortCodes(vulnerabilities),
          needs: sortCodes(needs),
          consent,
        };
        if (!givenId) {
          // Identical groups interviewed the same day are distinct rows: count them.
          const content = hashAnswers(rec as unknown as Record<string, unknown>);
          const n = (seen.get(content) ?? 0) + 1;
          seen.set(content, n);
          rec.id = derivedUuid(`flows.surveys|${content}|${n}`);
        }
        // The body hash, the digest createSurvey stores (flows' hashOf of every stored answer and
        // the id), is computed by the insert statement (SERVER_BODY_HASH), or by `existing` for a stored id.
        return rec;
      },
      key: (r) => r.id,
      async existing(tx: Tx, recs: SurveyRecord[]) {
        const out = new Map<string, Existing>();
        if (!recs.length) return out;
        // One index probe per id (LATERAL … LIMIT 1 cannot become a join): with `id = any(…)` of
        // 20,000 ids the planner estimated 20,000 rows and scanned the whole table instead.
        const found = await rows<{ id: string; body_hash: string }>(
          tx,
          sql`select s.id, s.body_hash from unnest(${pgArray(recs.map((r) => r.id))}::uuid[]) as k(id)
               cross join lateral (select s.id, s.body_hash from flow_surveys s where s.id = k.id limit 1) s`,
        );
        if (!found.length) return out;
        const byId = new Map(recs.map((r) => [r.id, r]));
        for (const f of found) {
          const rec = byId.get(f.id);
          const same = rec !== undefined && hashValues(rec as unknown as Record<string, unknown>) === f.body_hash;
          out.set(f.id, same ? { same: true } : { same: false, field: 'id', ...msg('flows.surveyStored', { id: f.id }) });
        }
        return out;
      },
      async insert(tx: Tx, recs: SurveyRecord[], opts?: { overlap?: boolean }) {
        if (!recs.length) return 0;
        const count = recs.length;
        // Built here, so the server gets it the moment the statements before it are done; in a
        // function of its own so that the records are not kept alive by the statement.
        const query = surveyInsert(recs, operationId, userId);
        const statement = async () => {
          try {
            await tx.execute(query);
          } catch (err) {
            if (isUniqueViolation(err)) throw conflict(msg('conflict.surveysStoredMeanwhile'));
            throw err;
          }
        };
        // The rollups are kept by dashboard-upkeep.ts for the rows this statement adds (the
        // trigger stands aside for it): far faster than the trigger for thousands at once. With
        // `overlap` one writer serves the whole transaction and settles before its commit;
        // otherwise this chunk's rollups are settled here.
        if (opts?.overlap) {
          // Its reads go on another connection while the transaction inserts (PostgreSQL: the
          // pipeline's transaction writes no rollups before the first part).
          if (writer?.tx !== tx) writer = new SurveyRollupWriter(tx, database.kind, database.kind === 'postgres' ? database.db : undefined);
          await writer.add(statement, recs);
        } else {
          const own = new SurveyRollupWriter(tx, database.kind);
          await own.add(statement, recs);
          await own.settle();
        }
        return count;
      },
      // The rollup writer sends the statements of every part in the order the parts came.
      queuesInserts: true,
      async settle() {
        await writer?.settle();
      },
      async remove(tx: Tx, recs: SurveyRecord[]) {
        if (recs.length) await tx.execute(sql`delete from flow_surveys where id = any(${pgArray(recs.map((r) => r.id))}::uuid[])`);
      },
    };
  },
};
