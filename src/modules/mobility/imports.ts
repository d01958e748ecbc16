/**
 * Bulk import adapters for mobility tracking: baseline rows (one per district or settlement), site
 * assessments (one per site of the places module, named by code or id) and event (rapid)
 * assessments, with the rules of entering them by hand (service.ts: baselineColumns, siteColumns,
 * eventColumns, area scope). Each row names its round by number (a draft or submitted round of
 * the right kind). Natural key: round + location (district or settlement); a stored assessment
 * with the same figures counts as already imported, one with other figures is an error on the
 * row (correct it in the app). Imported assessments are version 1.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { FieldIssue } from '../../server/errors';
import { msg } from '../../shared/messages';
import { derivedUuid } from '../../imports/ids';
import type { Existing, ImportAdapter, ImportField, ImportSession, IssueSink, MappedRow } from '../../imports/types';
import { choiceValue, choicesValue, dateValue, intValue, uuidValue } from '../../imports/values';
import { listSites } from '../places/service';
import { ARRIVAL_PERIODS, BASELINE_GROUPS, DISPLACEMENT_REASONS, EVENT_TYPES, SECTORS, SITE_SERVICES, type RoundKind } from './kinds';
import { mobilityAssessments, mobilityRounds } from './schema';
import { areaScope, assessmentHash, baselineColumns, eventColumns, gazetteer, operationToday, siteColumns, type Columns, type SiteFacts } from './service';

export interface AssessmentRecord {
  id: string;
  operationId: string;
  roundId: string;
  kind: RoundKind;
  cols: Columns;
  bodyHash: string;
}

const GROUP_ALIASES: Record<(typeof BASELINE_GROUPS)[number], string[]> = {
  idps: ['idp', 'idps', 'idp_'],
  returnees: ['returnee', 'returnees', 'returnees_abroad', 'returnee_from_abroad'],
  idpReturnees: ['idp_returnee', 'idp_returnees', 'returned_idps'],
  outMigrants: ['out_migrant', 'out_migrants', 'outmigrants', 'migrants_out'],
};
const SNAKE: Record<(typeof BASELINE_GROUPS)[number], string> = { idps: 'idps', returnees: 'returnees', idpReturnees: 'idp_returnees', outMigrants: 'out_migrants' };
const UNIT_LABEL = { ind: 'individuals', hh: 'households' } as const;

const roundField: ImportField = { key: 'round', label: 'Round number', required: true, aliases: ['round_number', 'roundnumber', 'round_no'] };
const districtField: ImportField = { key: 'admin2Pcode', label: 'District (admin 2) P-code', required: true, aliases: ['adm2_pcode', 'adm2pcode', 'adm2_code', 'district_pcode', 'district', 'admin2pcode'] };
const idField: ImportField = { key: 'id', label: 'Record id (UUID)', aliases: ['_uuid', 'uuid', 'instanceid', 'meta_instanceid'] };
const notesField: ImportField = { key: 'notes', label: 'Notes', aliases: ['comments', 'remarks'] };

export const BASELINE_FIELDS: readonly ImportField[] = [
  roundField,
  districtField,
  { key: 'settlement', label: 'Settlement', aliases: ['settlement_name', 'village', 'location_name'] },
  ...BASELINE_GROUPS.flatMap((g) =>
    (['ind', 'hh'] as const).map((u): ImportField => ({ key: `${SNAKE[g]}_${u}`, label: `${g} (${UNIT_LABEL[u]})`, aliases: GROUP_ALIASES[g].map((a) => `${a}_${u}`) })),
  ),
  ...ARRIVAL_PERIODS.flatMap((p) => BASELINE_GROUPS.flatMap((g) => (['ind', 'hh'] as const).map((u): ImportField => ({ key: `${SNAKE[g]}_${u}_${p}`, label: `${g} (${UNIT_LABEL[u]}), arrived ${p.replace('_', '–')}` })))),
  { key: 'idpMales', label: 'IDPs, male', aliases: ['idps_m', 'idp_males', 'idps_male'] },
  { key: 'idpFemales', label: 'IDPs, female', aliases: ['idps_f', 'idp_females', 'idps_female'] },
  { key: 'displacementReason', label: 'Main displacement reason', options: DISPLACEMENT_REASONS, aliases: ['displacement_reason', 'reason'] },
  { key: 'idpOriginAdmin1Pcode', label: 'Province of origin of the IDPs', aliases: ['idp_origin_adm1_pcode', 'origin_adm1_pcode', 'origin_province'] },
  notesField,
  idField,
];

export const EVENT_FIELDS: readonly ImportField[] = [
  roundField,
  districtField,
  { key: 'eventType', label: 'Event type', required: true, options: EVENT_TYPES, aliases: ['event_type', 'event', 'hazard'] },
  { key: 'eventDate', label: 'Event date', required: true, aliases: ['event_date', 'date_of_event', 'date'] },
  { key: 'affectedHh', label: 'Affected households', required: true, aliases: ['affected_hh', 'hh_affected'] },
  { key: 'displacedHh', label: 'Displaced households', required: true, aliases: ['displaced_hh', 'hh_displaced'] },
  { key: 'displacedInd', label: 'Displaced individuals', aliases: ['displaced_ind', 'ind_displaced', 'displaced_individuals', 'displaced_persons'] },
  { key: 'damagedShelters', label: 'Damaged shelters', aliases: ['damaged_shelters', 'shelters_damaged', 'houses_damaged'] },
  { key: 'destroyedShelters', label: 'Destroyed shelters', aliases: ['destroyed_shelters', 'shelters_destroyed', 'houses_destroyed'] },
  { key: 'priorityNeeds', label: 'Priority needs (sector codes, most urgent first)', multiple: true, options: SECTORS, aliases: ['priority_needs', 'needs'] },
  notesField,
  idField,
];

export const SITE_FIELDS: readonly ImportField[] = [
  roundField,
  { key: 'site', label: 'Site (code or id)', required: true, aliases: ['site_code', 'sitecode', 'site_id', 'siteid', 'site_name', 'camp', 'camp_code'] },
  { key: 'individuals', label: 'Individuals present', required: true, aliases: ['population_ind', 'ind', 'persons', 'population'] },
  { key: 'households', label: 'Households present', required: true, aliases: ['population_hh', 'hh', 'families'] },
  { key: 'services', label: 'Services available', multiple: true, options: SITE_SERVICES, aliases: ['services_available', 'site_services'] },
  { key: 'priorityNeeds', label: 'Priority needs (sector codes, most urgent first)', multiple: true, options: SECTORS, aliases: ['priority_needs', 'needs'] },
  notesField,
  idField,
];

/** service.ts reports `body.<path>`; the report names the import field. */
function fieldOf(path: string): string {
  const p = path.replace(/^body\./, '');
  if (p === 'siteId') return 'site';
  const m = /^figures\.(\w+)\.(ind|hh)$/.exec(p) ?? /^byPeriod\.(\w+)\.(ind|hh)$/.exec(p);
  if (m) return `${SNAKE[m[1] as keyof typeof SNAKE] ?? m[1]}_${m[2]}`;
  return p;
}

const keyOf = (r: { roundId: string; cols: { locationKey: string } }) => `${r.roundId}|${r.cols.locationKey}`;

/** The rounds of a kind that can take assessments (draft or submitted), by number. */
async function openRounds(tx: Tx, operationId: string, kind: RoundKind) {
  const list = await tx
    .select({ id: mobilityRounds.id, roundNumber: mobilityRounds.roundNumber, status: mobilityRounds.status })
    .from(mobilityRounds)
    .where(and(eq(mobilityRounds.operationId, operationId), eq(mobilityRounds.kind, kind)));
  return new Map(list.map((r) => [r.roundNumber, r]));
}

function resolveRound(rounds: Map<number, { id: string; status: string }>, row: MappedRow, issue: IssueSink, kind: RoundKind) {
  const n = intValue(row.round, 'round', issue, { min: 1, max: 100_000 });
  if (n === null) return null;
  const r = rounds.get(n);
  if (!r) {
    issue('round', msg('mobility.noRound', { kind, round: n }));
    return null;
  }
  if (r.status !== 'draft' && r.status !== 'submitted') {
    issue('round', msg('mobility.roundClosed', { kind, round: n, status: r.status }));
    return null;
  }
  return r;
}

function session(kind: RoundKind, operationId: string, userId: string | null, validate: ImportSession<AssessmentRecord>['validate']): ImportSession<AssessmentRecord> {
  return {
    validate,
    key: keyOf,
    async existing(tx, recs) {
      const out = new Map<string, Existing>();
      if (!recs.length) return out;
      const a = mobilityAssessments;
      const found = await tx
        .select({ id: a.id, version: a.version, roundId: a.roundId, locationKey: a.locationKey, bodyHash: a.bodyHash })
        .from(a)
        .where(and(eq(a.current, true), inArray(a.roundId, [...new Set(recs.map((r) => r.roundId))]), inArray(a.locationKey, [...new Set(recs.map((r) => r.cols.locationKey))])));
      const byKey = new Map(recs.map((r) => [keyOf(r), r]));
      for (const f of found) {
        const key = `${f.roundId}|${f.locationKey}`;
        const r = byKey.get(key);
        if (!r) continue;
        out.set(key, f.bodyHash === r.bodyHash ? { same: true } : { same: false, field: 'admin2Pcode', ...msg('mobility.assessmentStored', { version: f.version }) });
      }
      const rest = recs.filter((r) => !out.has(keyOf(r)));
      if (rest.length) {
        const used = await tx.selectDistinct({ id: a.id }).from(a).where(inArray(a.id, rest.map((r) => r.id)));
        const usedSet = new Set(used.map((u) => u.id));
        for (const r of rest) if (usedSet.has(r.id)) out.set(keyOf(r), { same: false, field: 'id', ...msg('mobility.assessmentIdUsed', { id: r.id }) });
      }
      return out;
    },
    async insert(tx, recs) {
      let n = 0;
      // ≈40 columns a row: 800 rows stay well under PostgreSQL's 65,535 parameters.
      for (let i = 0; i < recs.length; i += 800) {
        const part = recs.slice(i, i + 800);
        const res = await tx
          .insert(mobilityAssessments)
          .values(part.map((r) => ({ ...r.cols, id: r.id, version: 1, current: true, operationId, roundId: r.roundId, kind, bodyHash: r.bodyHash, createdBy: userId })))
          .onConflictDoNothing()
          .returning({ id: mobilityAssessments.id });
        n += res.length;
      }
      return n;
    },
    async remove(tx, recs) {
      if (recs.length) await tx.delete(mobilityAssessments).where(and(eq(mobilityAssessments.version, 1), inArray(mobilityAssessments.id, recs.map((r) => r.id))));
    },
  };
}

function record(kind: RoundKind, operationId: string, roundId: string, cols: Columns | 'outside', issues: FieldIssue[], issue: IssueSink, id: string | null): AssessmentRecord | null {
  if (cols === 'outside') {
    if (kind === 'site') issue('site', msg('mobility.siteOutsideGrants'));
    else issue('admin2Pcode', msg('mobility.districtOutsideGrants'));
    return null;
  }
  for (const i of issues) issue(fieldOf(i.path), i);
  if (issues.length) return null;
  const recId = id ?? derivedUuid(`mobility.${kind}|${operationId}|${roundId}|${cols.locationKey}`);
  return { id: recId, operationId, roundId, kind, cols, bodyHash: assessmentHash(roundId, cols) };
}

export const mobilityBaselineImport: ImportAdapter<AssessmentRecord> = {
  kind: 'mobility.baseline',
  label: 'Mobility tracking: baseline rows (district or settlement)',
  permission: 'mobility.write',
  fields: BASELINE_FIELDS,
  async begin({ tx, auth, operationId, userId }) {
    const [g, rounds] = await Promise.all([gazetteer(tx, operationId), openRounds(tx, operationId, 'baseline')]);
    const scope = areaScope(auth.grants, 'mobility.write', operationId);
    return session('baseline', operationId, userId, (row, issue) => {
      const round = resolveRound(rounds, row, issue, 'baseline');
      const pcode = typeof row.admin2Pcode === 'string' ? row.admin2Pcode.trim().toUpperCase() : '';
      if (!pcode) issue('admin2Pcode', msg('mobility.districtRequired'));
      const n = (k: string, blank: number | null = 0) => intValue(row[k], k, issue, { blank, max: 50_000_000 });
      let ok = true;
      const figures = Object.fromEntries(
        BASELINE_GROUPS.map((g) => {
          const ind = n(`${SNAKE[g]}_ind`);
          const hh = n(`${SNAKE[g]}_hh`);
          if (ind === null || hh === null) ok = false;
          return [g, { ind: ind ?? 0, hh: hh ?? 0 }];
        }),
      ) as Record<(typeof BASELINE_GROUPS)[number], { ind: number; hh: number }>;
      // Arrival periods: used when the row fills any period column.
      const periodCols = ARRIVAL_PERIODS.flatMap((p) => BASELINE_GROUPS.flatMap((g) => (['ind', 'hh'] as const).map((u) => `${SNAKE[g]}_${u}_${p}`)));
      const byPeriod = periodCols.some((k) => row[k] !== undefined && row[k] !== '')
        ? Object.fromEntries(
            ARRIVAL_PERIODS.map((p) => [
              p,
              Object.fromEntries(BASELINE_GROUPS.map((g) => [g, { ind: n(`${SNAKE[g]}_ind_${p}`) ?? 0, hh: n(`${SNAKE[g]}_hh_${p}`) ?? 0 }])),
            ]),
          )
        : null;
      const idpMales = n('idpMales', null);
      const idpFemales = n('idpFemales', null);
      const reason = choiceValue(row.displacementReason, 'displacementReason', issue, DISPLACEMENT_REASONS, { required: false, synonyms: { 'natural disaster': 'natural_disaster', disaster: 'natural_disaster' } });
      const origin = typeof row.idpOriginAdmin1Pcode === 'string' ? row.idpOriginAdmin1Pcode.trim().toUpperCase() : null;
      const id = uuidValue(row.id, 'id', issue);
      if (!round || !pcode || !ok) return null;
      const issues: FieldIssue[] = [];
      const body = {
        kind: 'baseline' as const,
        admin2Pcode: pcode,
        settlement: typeof row.settlement === 'string' ? row.settlement.slice(0, 200) : null,
        figures,
        byPeriod,
        idpMales,
        idpFemales,
        displacementReason: reason,
        idpOriginAdmin1Pcode: origin,
        notes: typeof row.notes === 'string' ? row.notes.slice(0, 2000) : null,
      };
      return record('baseline', operationId, round.id, baselineColumns(g, scope, operationId, body, issues), issues, issue, id);
    });
  },
};

export const mobilityEventImport: ImportAdapter<AssessmentRecord> = {
  kind: 'mobility.event',
  label: 'Mobility tracking: rapid (event) assessments',
  permission: 'mobility.write',
  fields: EVENT_FIELDS,
  async begin({ tx, auth, operationId, userId }) {
    const [g, rounds] = await Promise.all([gazetteer(tx, operationId), openRounds(tx, operationId, 'event')]);
    const scope = areaScope(auth.grants, 'mobility.write', operationId);
    const today = await operationToday(tx, operationId);
    return session('event', operationId, userId, (row, issue) => {
      const round = resolveRound(rounds, row, issue, 'event');
      const pcode = typeof row.admin2Pcode === 'string' ? row.admin2Pcode.trim().toUpperCase() : '';
      if (!pcode) issue('admin2Pcode', msg('mobility.districtRequired'));
      const eventType = choiceValue(row.eventType, 'eventType', issue, EVENT_TYPES, { synonyms: { 'flash flood': 'flash_flood', 'returns surge': 'returns_surge' } });
      const eventDate = dateValue(row.eventDate, 'eventDate', issue);
      const n = (k: string, blank?: number | null) => intValue(row[k], k, issue, { blank, max: 50_000_000 });
      const affectedHh = n('affectedHh');
      const displacedHh = n('displacedHh');
      const displacedInd = n('displacedInd', null);
      const damagedShelters = n('damagedShelters', 0);
      const destroyedShelters = n('destroyedShelters', 0);
      const needs = choicesValue(row.priorityNeeds, 'priorityNeeds', issue, SECTORS);
      const id = uuidValue(row.id, 'id', issue);
      if (!round || !pcode || !eventType || !eventDate || affectedHh === null || displacedHh === null || damagedShelters === null || destroyedShelters === null || !needs) return null;
      const issues: FieldIssue[] = [];
      const body = { kind: 'event' as const, admin2Pcode: pcode, eventType, eventDate, affectedHh, displacedHh, displacedInd, damagedShelters, destroyedShelters, priorityNeeds: needs.slice(0, 6), notes: typeof row.notes === 'string' ? row.notes.slice(0, 2000) : null };
      return record('event', operationId, round.id, eventColumns(g, scope, operationId, body, issues, today), issues, issue, id);
    });
  },
};

/** The operation's sites the user may see (places.read, as hand entry's getSite), by code and by id. */
async function visibleSites(tx: Tx, auth: Parameters<typeof listSites>[1], operationId: string): Promise<Map<string, SiteFacts>> {
  const out = new Map<string, SiteFacts>();
  let cursor: string | undefined;
  do {
    const page = await listSites(tx, auth, { operation: operationId, limit: 1000, cursor });
    for (const s of page.items) {
      if (s.operationId !== operationId) continue;
      const facts: SiteFacts = { id: s.id, code: s.code, name: s.name, areaPcode: s.areaPcode, operationId: s.operationId };
      out.set(s.id, facts);
      out.set(s.code.toUpperCase(), facts);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export const mobilitySiteImport: ImportAdapter<AssessmentRecord> = {
  kind: 'mobility.site',
  label: 'Mobility tracking: site assessments',
  permission: 'mobility.write',
  fields: SITE_FIELDS,
  async begin({ tx, auth, operationId, userId }) {
    const [g, rounds, sites] = await Promise.all([gazetteer(tx, operationId), openRounds(tx, operationId, 'site'), visibleSites(tx, auth, operationId)]);
    const scope = areaScope(auth.grants, 'mobility.write', operationId);
    return session('site', operationId, userId, (row, issue) => {
      const round = resolveRound(rounds, row, issue, 'site');
      const ref = typeof row.site === 'string' ? row.site.trim() : '';
      const site = ref ? (sites.get(ref.toLowerCase()) ?? sites.get(ref.toUpperCase()) ?? null) : null;
      if (!ref) issue('site', msg('mobility.siteRequired'));
      else if (!site) issue('site', msg('place.noSite', { site: ref, operationId }));
      const n = (k: string) => intValue(row[k], k, issue, { max: 50_000_000 });
      const individuals = n('individuals');
      const households = n('households');
      const services = choicesValue(row.services, 'services', issue, SITE_SERVICES);
      const needs = choicesValue(row.priorityNeeds, 'priorityNeeds', issue, SECTORS);
      const id = uuidValue(row.id, 'id', issue);
      if (!round || !site || individuals === null || households === null || !services || !needs) return null;
      const issues: FieldIssue[] = [];
      const body = { kind: 'site' as const, siteId: site.id, individuals, households, services, priorityNeeds: needs.slice(0, 6), notes: typeof row.notes === 'string' ? row.notes.slice(0, 2000) : null };
      return record('site', operationId, round.id, siteColumns(g, scope, body, site, issues), issues, issue, id);
    });
  },
};
