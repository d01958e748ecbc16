import { issueAt, isUniqueViolation } from '../../server/errors';
import { canonicalHash } from '../../imports/canonical';
import { todayIn } from '../../shared/calendar';
import { msg } from '../../shared/messages';
import { operationTimeZone } from '../flows/places-lookup';
import { and, asc, count, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, invalid, notFound, type FieldIssue } from '../../server/errors';
import { keysetPage, type Page } from '../../server/pagination';
import { holds, operationHeld, scopesFor, type GrantScope, type Permission } from '../../server/permissions';
import { areaNames, getSite, visibleSitesByIds } from '../places/service';
import type {
  AssessmentCorrection,
  AssessmentCreate,
  AssessmentDetail,
  AssessmentFigures,
  AssessmentView,
  BaselineTotals,
  RoundCreate,
  RoundPatch,
  RoundSummary,
  RoundView,
  assessmentsQuery,
  roundsQuery,
} from './contract';
import { ARRIVAL_PERIODS, BASELINE_GROUPS, type RoundKind } from './kinds';
import { mobilityAssessments, mobilityRounds } from './schema';
import { auditStep, changedMeanwhile, checkStep, correctionOf, firstVersion, historyAfterCorrection, retireVersion, stepColumns, versionsOf as versionsIn, WORKFLOW_ACTIONS, workflowStamps, workflowSteps } from '../../server/workflow';

export type { Page } from '../../server/pagination';

type RoundRow = typeof mobilityRounds.$inferSelect;
type AssessmentRow = typeof mobilityAssessments.$inferSelect;
type AssessmentInsert = typeof mobilityAssessments.$inferInsert;

// ---------------------------------------------------------------------------------------------
// Scope. Assessments hang off admin areas (P-codes): a grant limited to a subtree (AF06) reaches
// the assessments of the districts inside it. Mobility data belongs to no organisation, so a
// grant's organisation limit does not narrow it. Rounds are operation-wide: whoever holds
// mobility.read in the operation sees them, with only the assessments of their areas inside.

/** P-code prefixes where the user holds `permission` in the operation: null = everywhere, [] = nowhere. */
export function areaScope(grants: readonly GrantScope[], permission: Permission, operationId: string): string[] | null {
  const scopes = scopesFor(grants, permission, operationId);
  if (scopes === null || scopes.some((s) => s.areaPcode === null)) return null;
  return [...new Set(scopes.map((s) => s.areaPcode!))];
}

export function inAreaScope(scope: string[] | null, pcode: string): boolean {
  return scope === null || scope.some((root) => pcode.startsWith(root));
}

const likeSafe = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL admitting the assessments inside the scope (undefined = no limit). */
function scopeFilter(scope: string[] | null): SQL | undefined {
  if (scope === null) return undefined;
  if (!scope.length) return sql`false`;
  return or(...scope.map((root) => like(mobilityAssessments.admin2Pcode, `${likeSafe(root)}%`)))!;
}

/** 404 unless the user holds `permission` somewhere in the operation. */
const requireOperation = (auth: AuthContext, permission: Permission, operationIn: string): string => operationHeld(auth.grants, permission, operationIn);

// ---------------------------------------------------------------------------------------------
// Gazetteer (from the places module): provinces and districts of an operation.

export interface Gazetteer {
  adm1: Map<string, { name: string; nameLocal: string | null }>;
  adm2: Map<string, { name: string; nameLocal: string | null; parent: string | null }>;
}

export async function gazetteer(tx: Tx, operationId: string): Promise<Gazetteer> {
  const [p, d] = await Promise.all([areaNames(tx, operationId, 1), areaNames(tx, operationId, 2)]);
  return {
    adm1: new Map(p.map((a) => [a.pcode, { name: a.name, nameLocal: a.nameLocal }])),
    adm2: new Map(d.map((a) => [a.pcode, { name: a.name, nameLocal: a.nameLocal, parent: a.parentPcode }])),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const hashOf = canonicalHash;

/** Today's date in the operation's time zone (an event dated today in Kabul may be tomorrow in UTC). */
export async function operationToday(tx: Tx, operationId: string): Promise<string> {
  return todayIn((await operationTimeZone(tx, operationId)) ?? 'UTC');
}

// ---------------------------------------------------------------------------------------------
// Rounds

const noRound = () => notFound('No such round.');

async function assessmentCounts(tx: Tx, auth: AuthContext, rounds: RoundRow[]): Promise<Map<string, number>> {
  if (!rounds.length) return new Map();
  const out = new Map<string, number>();
  const byOp = new Map<string, string[]>();
  for (const r of rounds) byOp.set(r.operationId, [...(byOp.get(r.operationId) ?? []), r.id]);
  for (const [op, ids] of byOp) {
    const scope = scopeFilter(areaScope(auth.grants, 'mobility.read', op));
    const list = await tx
      .select({ roundId: mobilityAssessments.roundId, n: count() })
      .from(mobilityAssessments)
      .where(and(inArray(mobilityAssessments.roundId, ids), eq(mobilityAssessments.current, true), scope))
      .groupBy(mobilityAssessments.roundId);
    for (const r of list) out.set(r.roundId, Number(r.n));
  }
  return out;
}

function presentRound(r: RoundRow, assessments: number): RoundView {
  return {
    id: r.id,
    operationId: r.operationId,
    kind: r.kind,
    roundNumber: r.roundNumber,
    name: r.name,
    referenceDate: r.referenceDate,
    periodFrom: r.periodFrom,
    periodTo: r.periodTo,
    notes: r.notes,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    ...workflowStamps(r),
    assessments,
  };
}

async function roundView(tx: Tx, auth: AuthContext, r: RoundRow): Promise<RoundView> {
  return presentRound(r, (await assessmentCounts(tx, auth, [r])).get(r.id) ?? 0);
}

/** The round when the user holds `permission` in its operation; 404 otherwise. */
async function reachableRound(tx: Tx, auth: AuthContext, permission: Permission, id: string, lock = false): Promise<RoundRow> {
  const q = tx.select().from(mobilityRounds).where(eq(mobilityRounds.id, id)).limit(1);
  const [r] = lock ? await q.for('update') : await q;
  if (!r || !holds(auth.grants, permission, r.operationId)) throw noRound();
  return r;
}

function checkPeriod(from: string | null | undefined, to: string | null | undefined, issues: FieldIssue[]) {
  if (from && to && from > to) issues.push(issueAt('body.periodTo', 'period.endsBeforeStartOn', { from, to }));
}

function roundAudit(r: Pick<RoundRow, 'kind' | 'roundNumber' | 'name' | 'referenceDate' | 'periodFrom' | 'periodTo' | 'notes' | 'status'>) {
  const { kind, roundNumber, name, referenceDate, periodFrom, periodTo, notes, status } = r;
  return { kind, roundNumber, name, referenceDate, periodFrom, periodTo, notes, status };
}

export async function createRound(tx: Tx, auth: AuthContext, actor: Actor, body: RoundCreate): Promise<{ created: boolean; round: RoundView }> {
  const operationId = requireOperation(auth, 'mobility.verify', body.operationId);
  const issues: FieldIssue[] = [];
  checkPeriod(body.periodFrom, body.periodTo, issues);
  const [existing] = await tx.select().from(mobilityRounds).where(eq(mobilityRounds.id, body.id)).limit(1);
  let roundNumber = body.roundNumber;
  if (existing) {
    const same = hashOf({ id: body.id, operationId, kind: body.kind, roundNumber: roundNumber ?? existing.roundNumber, name: body.name, referenceDate: body.referenceDate, periodFrom: body.periodFrom ?? null, periodTo: body.periodTo ?? null, notes: body.notes ?? null });
    if (holds(auth.grants, 'mobility.read', existing.operationId) && existing.bodyHash === same) return { created: false, round: await roundView(tx, auth, existing) };
    throw conflict(msg('conflict.roundIdOtherBody'), [issueAt('body.id', 'value.usedOtherBody')]);
  }
  if (issues.length) throw invalid(issues);
  if (roundNumber === undefined) {
    const [{ max }] = await tx
      .select({ max: sql<number | null>`max(${mobilityRounds.roundNumber})` })
      .from(mobilityRounds)
      .where(and(eq(mobilityRounds.operationId, operationId), eq(mobilityRounds.kind, body.kind)));
    roundNumber = Number(max ?? 0) + 1;
  }
  const values = {
    id: body.id,
    operationId,
    kind: body.kind,
    roundNumber,
    name: body.name,
    referenceDate: body.referenceDate,
    periodFrom: body.periodFrom ?? null,
    periodTo: body.periodTo ?? null,
    notes: body.notes ?? null,
  };
  const numberTaken = () =>
    conflict(msg('conflict.roundNumberUsed', { operationId, kind: body.kind, round: roundNumber }), [issueAt('body.roundNumber', 'mobility.roundNumberUsed')]);
  const [taken] = await tx
    .select({ id: mobilityRounds.id })
    .from(mobilityRounds)
    .where(and(eq(mobilityRounds.operationId, operationId), eq(mobilityRounds.kind, body.kind), eq(mobilityRounds.roundNumber, roundNumber)))
    .limit(1);
  if (taken) throw numberTaken();
  let row: RoundRow;
  try {
    [row] = await tx
      .insert(mobilityRounds)
      .values({ ...values, bodyHash: hashOf(values), createdBy: actor.userId })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw numberTaken();
    throw err;
  }
  await audit(tx, actor, { action: 'mobility_round.create', entityType: 'mobility_round', entityId: row.id, operationId, after: roundAudit(row) });
  return { created: true, round: presentRound(row, 0) };
}

export async function getRound(tx: Tx, auth: AuthContext, id: string): Promise<RoundView> {
  return roundView(tx, auth, await reachableRound(tx, auth, 'mobility.read', id));
}

export async function listRounds(tx: Tx, auth: AuthContext, q: z.infer<typeof roundsQuery>): Promise<Page<RoundView>> {
  const operationId = requireOperation(auth, 'mobility.read', q.operation);
  const filters: SQL[] = [eq(mobilityRounds.operationId, operationId)];
  if (q.kind) filters.push(eq(mobilityRounds.kind, q.kind));
  if (q.status) filters.push(eq(mobilityRounds.status, q.status));
  const where = and(...filters)!;
  const page = await keysetPage(tx, mobilityRounds, where, [{ column: mobilityRounds.referenceDate, type: 'date' }, { column: mobilityRounds.id, type: 'uuid' }], 'desc', q, (r) => [r.referenceDate, r.id]);
  const counts = await assessmentCounts(tx, auth, page.rows);
  return { items: page.rows.map((r) => presentRound(r, counts.get(r.id) ?? 0)), total: page.total, nextCursor: page.nextCursor };
}

export async function patchRound(tx: Tx, auth: AuthContext, actor: Actor, id: string, patch: RoundPatch): Promise<RoundView> {
  const cur = await reachableRound(tx, auth, 'mobility.verify', id, true);
  if (cur.status !== 'draft') throw conflict(msg('conflict.roundNotDraftEdit', { status: cur.status }), [issueAt('status', 'status.is', { status: cur.status })]);
  const next = {
    name: patch.name ?? cur.name,
    referenceDate: patch.referenceDate ?? cur.referenceDate,
    periodFrom: patch.periodFrom === undefined ? cur.periodFrom : patch.periodFrom,
    periodTo: patch.periodTo === undefined ? cur.periodTo : patch.periodTo,
    notes: patch.notes === undefined ? cur.notes : patch.notes,
  };
  const issues: FieldIssue[] = [];
  checkPeriod(next.periodFrom, next.periodTo, issues);
  if (issues.length) throw invalid(issues);
  const [row] = await tx.update(mobilityRounds).set({ ...next, updatedAt: new Date() }).where(eq(mobilityRounds.id, id)).returning();
  await audit(tx, actor, { action: 'mobility_round.update', entityType: 'mobility_round', entityId: id, operationId: cur.operationId, before: roundAudit(cur), after: roundAudit(row) });
  return roundView(tx, auth, row);
}

/** Deletes a draft round that has no assessments (a round opened by mistake); anything else answers 409. */
export async function deleteRound(tx: Tx, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  const cur = await reachableRound(tx, auth, 'mobility.verify', id, true);
  if (cur.status !== 'draft') throw conflict(msg('conflict.roundNotDraftDelete', { status: cur.status }), [issueAt('status', 'status.is', { status: cur.status })]);
  const [{ n }] = await tx.select({ n: count() }).from(mobilityAssessments).where(eq(mobilityAssessments.roundId, id));
  if (Number(n) > 0) throw conflict(msg('conflict.roundHoldsAssessments', { n: Number(n) }), [issueAt('assessments', 'mobility.roundNotEmpty')]);
  await tx.delete(mobilityRounds).where(eq(mobilityRounds.id, id));
  await audit(tx, actor, { action: 'mobility_round.delete', entityType: 'mobility_round', entityId: id, operationId: cur.operationId, before: roundAudit(cur) });
}

const TRANSITIONS = workflowSteps('mobility.write', 'mobility.verify');
export type RoundAction = keyof typeof TRANSITIONS;
export const ROUND_ACTIONS: RoundAction[] = WORKFLOW_ACTIONS;

/** Moves a round one step along draft → submitted → verified → published. */
export async function transitionRound(tx: Tx, auth: AuthContext, actor: Actor, id: string, action: RoundAction): Promise<RoundView> {
  const step = TRANSITIONS[action];
  const cur = await reachableRound(tx, auth, step.permission, id, true);
  // A round is operation-wide: submitting it for everyone takes a grant over the whole operation.
  if (areaScope(auth.grants, step.permission, cur.operationId) !== null)
    throw new AppError('FORBIDDEN', `Only someone holding "${step.permission}" for the whole operation can ${action} a round.`);
  checkStep(step, cur.status, { noun: 'round' });
  if (action === 'submit') {
    const [{ n }] = await tx.select({ n: count() }).from(mobilityAssessments).where(and(eq(mobilityAssessments.roundId, id), eq(mobilityAssessments.current, true)));
    if (Number(n) === 0) throw conflict(msg('conflict.roundEmpty'), [issueAt('status', 'mobility.roundEmpty')]);
  }
  const now = new Date();
  const [row] = await tx
    .update(mobilityRounds)
    .set({ ...stepColumns(action, step.to, actor.userId, now), updatedAt: now })
    .where(and(eq(mobilityRounds.id, id), eq(mobilityRounds.status, step.from)))
    .returning();
  if (!row) throw changedMeanwhile('round');
  await auditStep(tx, actor, { entityType: 'mobility_round', entityId: id, operationId: cur.operationId, action, before: cur.status, after: row.status });
  return roundView(tx, auth, row);
}

// ---------------------------------------------------------------------------------------------
// Assessments

export type Columns = Omit<AssessmentInsert, 'id' | 'version' | 'current' | 'operationId' | 'roundId' | 'kind' | 'bodyHash' | 'createdBy' | 'createdAt'>;

const EMPTY_BASELINE = {
  idpInd: 0,
  idpHh: 0,
  returneeInd: 0,
  returneeHh: 0,
  idpReturneeInd: 0,
  idpReturneeHh: 0,
  outMigrantInd: 0,
  outMigrantHh: 0,
  idpMales: null,
  idpFemales: null,
  displacementReason: null,
  idpOriginAdmin1Pcode: null,
  byPeriod: null,
};
const EMPTY_SITE = { individuals: null, households: null, services: null };
const EMPTY_EVENT = { eventType: null, eventDate: null, affectedHh: null, displacedHh: null, displacedInd: null, damagedShelters: null, destroyedShelters: null };

const GROUP_LABEL: Record<(typeof BASELINE_GROUPS)[number], string> = { idps: 'IDPs', returnees: 'returnees', idpReturnees: 'IDP returnees', outMigrants: 'out-migrants' };

function checkGroup(path: string, label: string, g: { ind: number; hh: number }, issues: FieldIssue[]) {
  if (g.hh > g.ind) issues.push(issueAt(`${path}.hh`, 'mobility.groupHouseholds', { hh: g.hh, group: label, ind: g.ind }));
  if (g.ind > 0 && g.hh === 0) issues.push(issueAt(`${path}.hh`, 'mobility.groupNoHousehold', { ind: g.ind, group: label }));
}

function checkNeeds(path: string, needs: readonly string[] | undefined, issues: FieldIssue[]) {
  if (needs && new Set(needs).size !== needs.length) issues.push(issueAt(path, 'mobility.needsOnce'));
}

export interface SiteFacts {
  id: string;
  code: string;
  name: string;
  areaPcode: string | null;
  operationId: string;
}

/** The district an area P-code lies in (the P-code itself for a district; none for a province). */
function districtOf(g: Gazetteer, pcode: string | null): string | null {
  if (!pcode) return null;
  if (g.adm2.has(pcode)) return pcode;
  for (const d of g.adm2.keys()) if (pcode.startsWith(d)) return d;
  return null;
}

/** The district's province when the P-code is a district of the gazetteer (else an issue); 'outside' when not in the scope. */
function districtCheck(g: Gazetteer, scope: string[] | null, operationId: string, path: string, pcode: string, issues: FieldIssue[]): { adm1: string; adm2: string } | null | 'outside' {
  const d = g.adm2.get(pcode);
  if (!d) {
    issues.push(issueAt(path, 'mobility.notDistrict', { pcode, operationId }));
    return null;
  }
  if (!inAreaScope(scope, pcode)) return 'outside';
  return { adm1: d.parent ?? pcode.slice(0, 4), adm2: pcode };
}

type BaselineBody = Extract<AssessmentFigures, { kind: 'baseline' }>;
type EventBody = Extract<AssessmentFigures, { kind: 'event' }>;
type SiteBody = Extract<AssessmentFigures, { kind: 'site' }>;

/**
 * A baseline row's columns, checked: district in the gazetteer and in `scope` ('outside' when
 * not), households ≤ people, arrival periods and sexes adding up, origin province. Problems go
 * to `issues` (paths `body.…`). Shared by the API and the bulk import.
 */
export function baselineColumns(g: Gazetteer, scope: string[] | null, operationId: string, body: BaselineBody, issues: FieldIssue[], site: SiteFacts | null = null): Columns | 'outside' {
  const place = districtCheck(g, scope, operationId, 'body.admin2Pcode', body.admin2Pcode, issues);
  if (place === 'outside') return place;
  if (site && place && districtOf(g, site.areaPcode) !== place.adm2) issues.push(issueAt('body.siteId', 'mobility.siteNotInDistrict', { site: site.code, district: place.adm2 }));
  const f = body.figures;
  for (const k of BASELINE_GROUPS) checkGroup(`body.figures.${k}`, GROUP_LABEL[k], f[k], issues);
  let byPeriod: Record<string, Record<string, { ind: number; hh: number }>> | null = null;
  if (body.byPeriod) {
    byPeriod = {};
    for (const p of ARRIVAL_PERIODS) {
      const given = body.byPeriod[p];
      if (!given) continue;
      byPeriod[p] = Object.fromEntries(BASELINE_GROUPS.map((k) => [k, { ind: given[k]?.ind ?? 0, hh: given[k]?.hh ?? 0 }]));
    }
    for (const k of BASELINE_GROUPS)
      for (const unit of ['ind', 'hh'] as const) {
        const sum = Object.values(byPeriod).reduce((a, per) => a + per[k][unit], 0);
        if (sum !== f[k][unit])
          issues.push(issueAt(`body.byPeriod.${k}.${unit}`, unit === 'ind' ? 'mobility.periodSumIndividuals' : 'mobility.periodSumHouseholds', { group: GROUP_LABEL[k], sum, total: f[k][unit] }));
      }
  }
  if (body.idpMales != null && body.idpFemales != null && body.idpMales + body.idpFemales !== f.idps.ind)
    issues.push(issueAt('body.idpMales', 'mobility.idpSexSum', { sum: body.idpMales + body.idpFemales, idps: f.idps.ind }));
  if (body.idpOriginAdmin1Pcode && !g.adm1.has(body.idpOriginAdmin1Pcode))
    issues.push(issueAt('body.idpOriginAdmin1Pcode', 'mobility.notProvince', { pcode: body.idpOriginAdmin1Pcode, operationId }));
  const settlement = body.settlement?.trim() || null;
  const adm2 = place?.adm2 ?? body.admin2Pcode;
  return {
    admin1Pcode: place?.adm1 ?? '',
    admin2Pcode: adm2,
    siteId: site?.id ?? body.siteId ?? null,
    settlement,
    locationKey: body.siteId ? `site:${body.siteId}` : settlement ? `stl:${adm2}:${settlement.toLowerCase()}` : `adm2:${adm2}`,
    ...EMPTY_SITE,
    ...EMPTY_EVENT,
    idpInd: f.idps.ind,
    idpHh: f.idps.hh,
    returneeInd: f.returnees.ind,
    returneeHh: f.returnees.hh,
    idpReturneeInd: f.idpReturnees.ind,
    idpReturneeHh: f.idpReturnees.hh,
    outMigrantInd: f.outMigrants.ind,
    outMigrantHh: f.outMigrants.hh,
    idpMales: body.idpMales ?? null,
    idpFemales: body.idpFemales ?? null,
    displacementReason: body.displacementReason ?? null,
    idpOriginAdmin1Pcode: body.idpOriginAdmin1Pcode ?? null,
    byPeriod,
    priorityNeeds: null,
    notes: body.notes ?? null,
  };
}

/** An event (rapid) assessment's columns, checked like baselineColumns; `today` as YYYY-MM-DD. */
export function eventColumns(g: Gazetteer, scope: string[] | null, operationId: string, body: EventBody, issues: FieldIssue[], today: string): Columns | 'outside' {
  const place = districtCheck(g, scope, operationId, 'body.admin2Pcode', body.admin2Pcode, issues);
  if (place === 'outside') return place;
  if (body.eventDate > today) issues.push(issueAt('body.eventDate', 'date.futureToday', { date: body.eventDate, today }));
  if (body.displacedHh > body.affectedHh) issues.push(issueAt('body.displacedHh', 'mobility.displacedOverAffected', { displaced: body.displacedHh, affected: body.affectedHh }));
  const ind = body.displacedInd ?? null;
  if (ind !== null && ind < body.displacedHh) issues.push(issueAt('body.displacedInd', 'mobility.individualsBelowHouseholds', { ind, hh: body.displacedHh }));
  if (ind !== null && ind > 0 && body.displacedHh === 0) issues.push(issueAt('body.displacedInd', 'mobility.individualsNoHousehold', { ind }));
  checkNeeds('body.priorityNeeds', body.priorityNeeds, issues);
  return {
    admin1Pcode: place?.adm1 ?? '',
    admin2Pcode: body.admin2Pcode,
    siteId: null,
    settlement: null,
    locationKey: `adm2:${body.admin2Pcode}`,
    ...EMPTY_BASELINE,
    ...EMPTY_SITE,
    eventType: body.eventType,
    eventDate: body.eventDate,
    affectedHh: body.affectedHh,
    displacedHh: body.displacedHh,
    displacedInd: ind,
    damagedShelters: body.damagedShelters,
    destroyedShelters: body.destroyedShelters,
    priorityNeeds: body.priorityNeeds,
    notes: body.notes ?? null,
  };
}

/**
 * A site assessment's columns, with the checks of entering it by hand (also used by the import
 * adapter): the site (already found among the visible sites of the operation, or null with an
 * issue given by the caller) must sit in a district of the user's areas ('outside' otherwise),
 * households at most individuals, needs each once.
 */
export function siteColumns(g: Gazetteer, scope: string[] | null, body: SiteBody, site: SiteFacts | null, issues: FieldIssue[]): Columns | 'outside' {
  let adm1 = '';
  let adm2 = '';
  if (site) {
    const d = districtOf(g, site.areaPcode);
    if (!d) issues.push(issueAt('body.siteId', 'mobility.siteNoDistrict', { site: site.code }));
    else {
      if (!inAreaScope(scope, d)) return 'outside';
      adm2 = d;
      adm1 = g.adm2.get(d)!.parent ?? d.slice(0, 4);
    }
  }
  if (body.households > body.individuals) issues.push(issueAt('body.households', 'mobility.householdsOverIndividuals', { hh: body.households, ind: body.individuals }));
  checkNeeds('body.priorityNeeds', body.priorityNeeds, issues);
  return {
    admin1Pcode: adm1,
    admin2Pcode: adm2,
    siteId: body.siteId,
    settlement: null,
    locationKey: `site:${body.siteId}`,
    ...EMPTY_BASELINE,
    ...EMPTY_EVENT,
    individuals: body.individuals,
    households: body.households,
    services: [...new Set(body.services)].sort(),
    priorityNeeds: body.priorityNeeds,
    notes: body.notes ?? null,
  };
}

/**
 * Validates the figures against the round, the gazetteer and the user's area scope, and turns
 * them into columns. Field problems are collected in `issues`; an area outside the user's scope
 * answers 404 (what they may not reach does not exist for them).
 */
async function columnsOf(
  tx: Tx,
  auth: AuthContext,
  round: RoundRow,
  body: AssessmentFigures,
  g: Gazetteer,
  issues: FieldIssue[],
): Promise<{ cols: Columns; site: SiteFacts | null }> {
  if (body.kind !== round.kind) {
    issues.push(issueAt('body.kind', 'mobility.kindMismatch', { round: round.roundNumber, kind: round.kind }));
    throw invalid(issues);
  }
  const scope = areaScope(auth.grants, 'mobility.write', round.operationId);
  const outside = () => notFound('No such district among the areas you may enter data for.');
  const siteFacts = async (id: string, path: string): Promise<SiteFacts | null> => {
    try {
      const s = await getSite(tx, auth, id);
      if (s.operationId !== round.operationId) throw notFound();
      return { id: s.id, code: s.code, name: s.name, areaPcode: s.areaPcode, operationId: s.operationId };
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') {
        issues.push(issueAt(path, 'place.noSite', { site: id, operationId: round.operationId }));
        return null;
      }
      throw err;
    }
  };

  if (body.kind === 'baseline') {
    const site = body.siteId ? await siteFacts(body.siteId, 'body.siteId') : null;
    const cols = baselineColumns(g, scope, round.operationId, body, issues, site);
    if (cols === 'outside') throw outside();
    return { cols, site };
  }

  if (body.kind === 'site') {
    const site = await siteFacts(body.siteId, 'body.siteId');
    const cols = siteColumns(g, scope, body, site, issues);
    if (cols === 'outside') throw outside();
    return { site, cols };
  }

  const cols = eventColumns(g, scope, round.operationId, body, issues, await operationToday(tx, round.operationId));
  if (cols === 'outside') throw outside();
  return { cols, site: null };
}

/** The hash that makes re-sending (or re-importing) the same assessment a no-op. */
export function assessmentHash(roundId: string, cols: Columns): string {
  // Without displaced individuals the hash is the one from before that column existed, so a
  // re-sent or re-imported assessment of then is still recognised.
  const { displacedInd, ...rest } = cols;
  return hashOf({ roundId, cols: displacedInd == null ? rest : cols });
}

function totalsOf(r: AssessmentRow): BaselineTotals {
  return {
    idps: { ind: r.idpInd, hh: r.idpHh },
    returnees: { ind: r.returneeInd, hh: r.returneeHh },
    idpReturnees: { ind: r.idpReturneeInd, hh: r.idpReturneeHh },
    outMigrants: { ind: r.outMigrantInd, hh: r.outMigrantHh },
  };
}

function presentVersion(r: AssessmentRow): AssessmentDetail['history'][number] {
  return {
    version: r.version,
    current: r.current,
    admin1Pcode: r.admin1Pcode,
    admin2Pcode: r.admin2Pcode,
    siteId: r.siteId,
    settlement: r.settlement,
    figures: r.kind === 'baseline' ? totalsOf(r) : null,
    byPeriod: (r.byPeriod as AssessmentDetail['byPeriod']) ?? null,
    idpMales: r.idpMales,
    idpFemales: r.idpFemales,
    displacementReason: r.displacementReason,
    idpOriginAdmin1Pcode: r.idpOriginAdmin1Pcode,
    individuals: r.individuals,
    households: r.households,
    services: r.services,
    eventType: r.eventType,
    eventDate: r.eventDate,
    affectedHh: r.affectedHh,
    displacedHh: r.displacedHh,
    displacedInd: r.displacedInd,
    damagedShelters: r.damagedShelters,
    destroyedShelters: r.destroyedShelters,
    priorityNeeds: r.priorityNeeds,
    notes: r.notes,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
  };
}

/** Site codes and names for the site ids of some rows (sites the user cannot see stay unnamed). */
export async function siteNames(tx: Tx, auth: AuthContext, siteIds: Iterable<string | null>): Promise<Map<string, { code: string; name: string }>> {
  const ids = [...siteIds].filter((x): x is string => !!x);
  const visible = await visibleSitesByIds(tx, auth, ids);
  return new Map([...visible].map(([id, s]) => [id, { code: s.code, name: s.name }]));
}

function presentAssessment(r: AssessmentRow, g: Gazetteer, sites: Map<string, { code: string; name: string }>): AssessmentView {
  const s = r.siteId ? sites.get(r.siteId) : undefined;
  return {
    id: r.id,
    operationId: r.operationId,
    roundId: r.roundId,
    kind: r.kind,
    admin1Name: g.adm1.get(r.admin1Pcode)?.name ?? null,
    admin2Name: g.adm2.get(r.admin2Pcode)?.name ?? null,
    admin1NameLocal: g.adm1.get(r.admin1Pcode)?.nameLocal ?? null,
    admin2NameLocal: g.adm2.get(r.admin2Pcode)?.nameLocal ?? null,
    siteCode: s?.code ?? null,
    siteName: s?.name ?? null,
    ...presentVersion(r),
  };
}

async function detailOf(tx: Tx, auth: AuthContext, round: RoundRow, versions: AssessmentRow[], g?: Gazetteer): Promise<AssessmentDetail> {
  const cur = versions.find((v) => v.current) ?? versions[0];
  const gz = g ?? (await gazetteer(tx, round.operationId));
  return { ...presentAssessment(cur, gz, await siteNames(tx, auth, [cur.siteId])), roundStatus: round.status, history: versions.map(presentVersion) };
}

/** The audit picture of a version: location and figures, not the bookkeeping. */
function auditColumns(r: Columns & { version: number }) {
  const { admin1Pcode, admin2Pcode, siteId, settlement, idpInd, idpHh, returneeInd, returneeHh, idpReturneeInd, idpReturneeHh, outMigrantInd, outMigrantHh, individuals, households, eventType, eventDate, affectedHh, displacedHh, displacedInd, damagedShelters, destroyedShelters, priorityNeeds, notes, version } = r;
  return { version, admin1Pcode, admin2Pcode, siteId, settlement, idpInd, idpHh, returneeInd, returneeHh, idpReturneeInd, idpReturneeHh, outMigrantInd, outMigrantHh, individuals, households, eventType, eventDate, affectedHh, displacedHh, displacedInd, damagedShelters, destroyedShelters, priorityNeeds, notes };
}

function checkRoundOpen(round: RoundRow) {
  if (round.status === 'verified' || round.status === 'published')
    throw conflict(msg('conflict.roundClosed', { round: round.roundNumber, status: round.status }), [issueAt('roundStatus', 'status.is', { status: round.status })]);
}

const versionsOf = (tx: Tx, id: string): Promise<AssessmentRow[]> => versionsIn(tx, mobilityAssessments, id);

/** The assessment's versions and round when the user reaches its district with `permission`; 404 otherwise. */
async function reachableAssessment(tx: Tx, auth: AuthContext, permission: Permission, id: string): Promise<{ versions: AssessmentRow[]; round: RoundRow }> {
  const versions = await versionsOf(tx, id);
  const cur = versions.find((v) => v.current);
  if (!cur || !holds(auth.grants, permission, cur.operationId) || !inAreaScope(areaScope(auth.grants, permission, cur.operationId), cur.admin2Pcode)) throw notFound('No such assessment.');
  const [round] = await tx.select().from(mobilityRounds).where(eq(mobilityRounds.id, cur.roundId)).limit(1);
  return { versions, round };
}

const keyConflict = (cols: Columns) =>
  conflict(msg('conflict.assessmentExists', { place: cols.locationKey.replace(/^(adm2|site|stl):/, '') }), [
    issueAt(cols.siteId ? 'body.siteId' : cols.settlement ? 'body.settlement' : 'body.admin2Pcode', 'mobility.alreadyAssessed'),
  ]);

export async function createAssessment(tx: Tx, auth: AuthContext, actor: Actor, roundId: string, body: AssessmentCreate): Promise<{ created: boolean; assessment: AssessmentDetail }> {
  const round = await reachableRound(tx, auth, 'mobility.write', roundId);
  const g = await gazetteer(tx, round.operationId);
  const issues: FieldIssue[] = [];
  const { cols } = await columnsOf(tx, auth, round, body, g, issues);
  const bodyHash = assessmentHash(roundId, cols);
  const existing = await versionsOf(tx, body.id);
  if (existing.length) {
    const first = firstVersion(existing);
    const cur = existing.find((v) => v.current)!;
    if (first.bodyHash === bodyHash && first.roundId === roundId && inAreaScope(areaScope(auth.grants, 'mobility.read', cur.operationId), cur.admin2Pcode))
      return { created: false, assessment: await detailOf(tx, auth, round, existing, g) };
    throw conflict(msg('conflict.assessmentIdOtherBody'), [issueAt('body.id', 'value.usedOtherBody')]);
  }
  if (issues.length) throw invalid(issues);
  checkRoundOpen(round);
  const [other] = await tx
    .select({ id: mobilityAssessments.id })
    .from(mobilityAssessments)
    .where(and(eq(mobilityAssessments.roundId, roundId), eq(mobilityAssessments.locationKey, cols.locationKey), eq(mobilityAssessments.current, true)))
    .limit(1);
  if (other) throw keyConflict(cols);
  let row: AssessmentRow;
  try {
    [row] = await tx
      .insert(mobilityAssessments)
      .values({ ...cols, id: body.id, version: 1, current: true, operationId: round.operationId, roundId, kind: round.kind, bodyHash, createdBy: actor.userId })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw keyConflict(cols);
    throw err;
  }
  await audit(tx, actor, { action: 'mobility_assessment.create', entityType: 'mobility_assessment', entityId: row.id, operationId: round.operationId, after: { roundId, kind: row.kind, ...auditColumns(row) } });
  return { created: true, assessment: await detailOf(tx, auth, round, [row], g) };
}

export async function getAssessment(tx: Tx, auth: AuthContext, id: string): Promise<AssessmentDetail> {
  const { versions, round } = await reachableAssessment(tx, auth, 'mobility.read', id);
  return detailOf(tx, auth, round, versions);
}

/** A correction: a new version; the old ones stay in the history. Stale baseVersion answers 409. */
export async function correctAssessment(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: AssessmentCorrection): Promise<AssessmentDetail> {
  const { versions, round } = await reachableAssessment(tx, auth, 'mobility.write', id);
  const cur = versions.find((v) => v.current)!;
  const g = await gazetteer(tx, round.operationId);
  const issues: FieldIssue[] = [];
  const { cols } = await columnsOf(tx, auth, round, body, g, issues);
  if (issues.length) throw invalid(issues);
  const bodyHash = assessmentHash(round.id, cols);
  // A re-sent correction (same figures as the current version) changes nothing.
  if (correctionOf(cur, body.baseVersion, bodyHash, 'assessment') === 'unchanged') return detailOf(tx, auth, round, versions, g);
  checkRoundOpen(round);
  await retireVersion(tx, mobilityAssessments, id, cur.version, 'assessment');
  let row: AssessmentRow;
  try {
    [row] = await tx
      .insert(mobilityAssessments)
      .values({ ...cols, id, version: cur.version + 1, current: true, operationId: cur.operationId, roundId: cur.roundId, kind: cur.kind, bodyHash, createdBy: actor.userId })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw keyConflict(cols);
    throw err;
  }
  await audit(tx, actor, {
    action: 'mobility_assessment.correct',
    entityType: 'mobility_assessment',
    entityId: id,
    operationId: cur.operationId,
    before: auditColumns(cur),
    after: auditColumns(row),
  });
  return detailOf(tx, auth, round, historyAfterCorrection(row, versions, cur.version), g);
}

/** Filters of a round's current assessments the user may see with `permission` (and an optional area prefix). */
export function assessmentFilter(auth: AuthContext, permission: Permission, round: Pick<RoundRow, 'id' | 'operationId'>, area?: string): SQL {
  const filters: (SQL | undefined)[] = [eq(mobilityAssessments.roundId, round.id), eq(mobilityAssessments.current, true), scopeFilter(areaScope(auth.grants, permission, round.operationId))];
  if (area) filters.push(like(mobilityAssessments.admin2Pcode, `${likeSafe(area)}%`));
  return and(...filters)!;
}

export async function listAssessments(tx: Tx, auth: AuthContext, roundId: string, q: z.infer<typeof assessmentsQuery>): Promise<Page<AssessmentView>> {
  const round = await reachableRound(tx, auth, 'mobility.read', roundId);
  const where = assessmentFilter(auth, 'mobility.read', round, q.area);
  const page = await keysetPage(tx, mobilityAssessments, where, [{ column: mobilityAssessments.admin2Pcode, type: 'text' }, { column: mobilityAssessments.id, type: 'uuid' }], 'asc', q, (r) => [r.admin2Pcode, r.id]);
  const g = await gazetteer(tx, round.operationId);
  const sites = await siteNames(tx, auth, page.rows.map((r) => r.siteId));
  return { items: page.rows.map((r) => presentAssessment(r, g, sites)), total: page.total, nextCursor: page.nextCursor };
}

/** The round for an export (404 when the user may not read it). */
export async function exportableRound(tx: Tx, auth: AuthContext, roundId: string): Promise<RoundRow> {
  return reachableRound(tx, auth, 'mobility.read', roundId);
}

// ---------------------------------------------------------------------------------------------
// Summary per district (for maps) and province

const sum = (c: SQL | ReturnType<typeof sql>) => sql<string>`coalesce(sum(${c}), 0)`;

export async function summariseRound(tx: Tx, auth: AuthContext, roundId: string): Promise<RoundSummary> {
  const round = await reachableRound(tx, auth, 'mobility.read', roundId);
  const a = mobilityAssessments;
  const list = await tx
    .select({
      admin1Pcode: a.admin1Pcode,
      admin2Pcode: a.admin2Pcode,
      assessments: count(),
      idps: sum(sql`${a.idpInd}`),
      returnees: sum(sql`${a.returneeInd}`),
      idpReturnees: sum(sql`${a.idpReturneeInd}`),
      outMigrants: sum(sql`${a.outMigrantInd}`),
      idpHh: sum(sql`${a.idpHh}`),
      returneeHh: sum(sql`${a.returneeHh}`),
      individuals: sum(sql`${a.individuals}`),
      households: sum(sql`${a.households}`),
      affectedHh: sum(sql`${a.affectedHh}`),
      displacedHh: sum(sql`${a.displacedHh}`),
      displacedInd: sum(sql`${a.displacedInd}`),
      damagedShelters: sum(sql`${a.damagedShelters}`),
      destroyedShelters: sum(sql`${a.destroyedShelters}`),
    })
    .from(a)
    .where(assessmentFilter(auth, 'mobility.read', round))
    .groupBy(a.admin1Pcode, a.admin2Pcode)
    .orderBy(asc(a.admin2Pcode));
  const keys = ['assessments', 'idps', 'returnees', 'idpReturnees', 'outMigrants', 'idpHh', 'returneeHh', 'individuals', 'households', 'affectedHh', 'displacedHh', 'displacedInd', 'damagedShelters', 'destroyedShelters'] as const;
  type Figures = Record<(typeof keys)[number], number>;
  const zero = (): Figures => Object.fromEntries(keys.map((k) => [k, 0])) as Figures;
  const districts = list.map((r) => ({ admin1Pcode: r.admin1Pcode, admin2Pcode: r.admin2Pcode, ...(Object.fromEntries(keys.map((k) => [k, Number(r[k])])) as Figures) }));
  const totals = zero();
  const provinces = new Map<string, Figures>();
  for (const d of districts) {
    const p = provinces.get(d.admin1Pcode) ?? (provinces.set(d.admin1Pcode, zero()), provinces.get(d.admin1Pcode)!);
    for (const k of keys) {
      totals[k] += d[k];
      p[k] += d[k];
    }
  }
  return {
    roundId: round.id,
    kind: round.kind,
    status: round.status,
    totals,
    districts,
    provinces: [...provinces.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([admin1Pcode, f]) => ({ admin1Pcode, ...f })),
  };
}

export type { RoundKind };
