import { isUniqueViolation } from '../../server/errors';
import { canonicalHash } from '../../imports/canonical';
import { and, count, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { conflict, invalid, issueAt, notFound, type FieldIssue } from '../../server/errors';
import { keysetPage, type Page } from '../../server/pagination';
import { holds, operationHeld, type GrantScope, type Permission } from '../../server/permissions';
import type {
  CountCorrection,
  CountCreate,
  CountDetail,
  CountView,
  SummaryView,
  SurveyCreate,
  SurveyView,
  countFigures,
  countsQuery,
  periodQuery,
  surveysQuery,
} from './contract';
import { DOCUMENTS_BY_ORIGIN, type CountStatus, type OriginCountry } from './kinds';
import { areaFacts, operationSites, operationTimeZone, siteById, type SiteFacts } from './places-lookup';
import { flowCounts, flowSurveys } from './schema';
import { evaluateAlertsForCount } from './alerts-service';
import { auditStep, changedMeanwhile, checkStep, correctionOf, firstVersion, historyAfterCorrection, retireVersion, stepColumns, versionsOf, workflowStamps, workflowSteps } from '../../server/workflow';

export type { Page } from '../../server/pagination';

type CountRow = typeof flowCounts.$inferSelect;
type SurveyRow = typeof flowSurveys.$inferSelect;
type Figures = z.infer<typeof countFigures>;

// ---------------------------------------------------------------------------------------------
// Scope. Flow data hangs off sites; a grant limited to an area subtree reaches the sites inside
// it. Sites belong to no organisation, so a grant's organisation limit does not narrow them.

/** P-code prefixes where the user holds `permission` in the operation: null = everywhere, [] = nowhere. */
export function siteScope(grants: readonly GrantScope[], permission: Permission, operationId: string): string[] | null {
  const relevant = grants.filter((g) => g.permissions.has(permission) && g.operationId === operationId);
  if (relevant.some((g) => g.areaPcode === null)) return null;
  return [...new Set(relevant.map((g) => g.areaPcode!))];
}

export function siteInScope(grants: readonly GrantScope[], permission: Permission, site: Pick<SiteFacts, 'operationId' | 'areaPcode'>): boolean {
  const scope = siteScope(grants, permission, site.operationId);
  if (scope === null) return true;
  return !!site.areaPcode && scope.some((root) => site.areaPcode!.startsWith(root));
}

/** 404 unless the user holds `permission` somewhere in the operation. */
const requireOperation = (auth: AuthContext, permission: Permission, operationIn: string): string => operationHeld(auth.grants, permission, operationIn);

/** The operation's sites the user reaches with `permission` (flow data of other sites stays hidden). */
export async function visibleSites(tx: Tx, auth: AuthContext, permission: Permission, operationIn: string): Promise<{ operationId: string; sites: SiteFacts[] }> {
  const operationId = requireOperation(auth, permission, operationIn);
  const all = await operationSites(tx, operationId);
  return { operationId, sites: all.filter((s) => siteInScope(auth.grants, permission, s)) };
}

const noSite = () => notFound('No such site.');

// ---------------------------------------------------------------------------------------------
// Shared checks

import { todayIn } from '../../shared/calendar';
import { msg } from '../../shared/messages';
export { todayIn };

async function checkNotFuture(tx: Tx, operationId: string, date: string, issues: FieldIssue[]) {
  const tz = (await operationTimeZone(tx, operationId)) ?? 'UTC';
  const today = todayIn(tz);
  if (date > today) issues.push(issueAt('body.date', 'date.futureTodayIn', { date, today, timeZone: tz }));
}

/** A site of the operation that the user reaches with `permission`; 404 otherwise (existence does not leak). */
async function writableSite(tx: Tx, auth: AuthContext, permission: Permission, operationId: string, siteId: string): Promise<SiteFacts> {
  const site = await siteById(tx, siteId);
  if (!site || site.operationId !== operationId || !siteInScope(auth.grants, permission, site)) throw noSite();
  return site;
}

function checkFlowMonitoring(site: SiteFacts, issues: FieldIssue[]) {
  if (!site.flowMonitoring) issues.push(issueAt('body.siteId', 'flows.notFlowPoint', { site: site.code }));
}

/** sha256 of the canonical JSON of a value (one implementation: src/imports/canonical.ts). */
export const hashOf = canonicalHash;


// ---------------------------------------------------------------------------------------------
// Counts

/** The figures as stored (columns), validated: every problem is reported at once. */
export function figureColumns(direction: 'in' | 'out', f: Figures, issues: FieldIssue[]) {
  const sexAge = f.men + f.women + f.boys + f.girls;
  if (sexAge !== f.total) issues.push(issueAt('body.men', 'flows.sexAgeSum', { sum: sexAge, total: f.total }));
  const nat = f.afghan + f.otherNationality;
  if (nat !== f.total) issues.push(issueAt('body.afghan', 'flows.nationalitySum', { sum: nat, total: f.total }));
  let reasons: { deported: number | null; spontaneous: number | null; otherReason: number | null };
  if (direction === 'in') {
    reasons = { deported: f.deported ?? 0, spontaneous: f.spontaneous ?? 0, otherReason: f.otherReason ?? 0 };
    const sum = reasons.deported! + reasons.spontaneous! + reasons.otherReason!;
    if (sum !== f.total) issues.push(issueAt('body.deported', 'flows.reasonSum', { sum, total: f.total }));
  } else {
    reasons = { deported: null, spontaneous: null, otherReason: null };
    for (const k of ['deported', 'spontaneous', 'otherReason'] as const)
      if (f[k] !== null && f[k] !== undefined) issues.push(issueAt(`body.${k}`, 'flows.reasonsInflowOnly'));
  }
  const t = f.transport;
  const transportSum = t.foot + t.car + t.bus + t.truck + t.other;
  // Transport may be recorded for part of the flow only, but never for more people than counted.
  if (transportSum > f.total) issues.push(issueAt('body.transport', 'flows.transportSum', { sum: transportSum, total: f.total }));
  return {
    total: f.total,
    men: f.men,
    women: f.women,
    boys: f.boys,
    girls: f.girls,
    afghan: f.afghan,
    otherNationality: f.otherNationality,
    ...reasons,
    transportFoot: t.foot,
    transportCar: t.car,
    transportBus: t.bus,
    transportTruck: t.truck,
    transportOther: t.other,
    notes: f.notes ?? null,
  };
}
type FigureColumns = ReturnType<typeof figureColumns>;

export function countKeyHash(key: { id: string; operationId: string; siteId: string; date: string; direction: string; neighbourCountry: string }, cols: FigureColumns) {
  return hashOf({ key, cols });
}

function presentVersion(r: CountRow): CountDetail['history'][number] {
  return {
    version: r.version,
    current: r.current,
    status: r.status,
    total: r.total,
    men: r.men,
    women: r.women,
    boys: r.boys,
    girls: r.girls,
    afghan: r.afghan,
    otherNationality: r.otherNationality,
    deported: r.deported,
    spontaneous: r.spontaneous,
    otherReason: r.otherReason,
    transport: { foot: r.transportFoot, car: r.transportCar, bus: r.transportBus, truck: r.transportTruck, other: r.transportOther },
    notes: r.notes,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    ...workflowStamps(r),
  };
}

function presentCount(r: CountRow, site: SiteFacts): CountView {
  return {
    id: r.id,
    operationId: r.operationId,
    siteId: r.siteId,
    siteCode: site.code,
    siteName: site.name,
    areaPcode: site.areaPcode,
    date: r.date,
    direction: r.direction,
    neighbourCountry: r.neighbourCountry,
    ...presentVersion(r),
  };
}

/** The audit picture of a version: its figures and status, not the bookkeeping. */
function auditFigures(r: CountRow | (FigureColumns & { status: CountStatus; version: number })) {
  const { total, men, women, boys, girls, afghan, otherNationality, deported, spontaneous, otherReason, transportFoot, transportCar, transportBus, transportTruck, transportOther, notes, status, version } = r;
  return { version, status, total, men, women, boys, girls, afghan, otherNationality, deported, spontaneous, otherReason, transportFoot, transportCar, transportBus, transportTruck, transportOther, notes };
}

const countVersions = (tx: Tx, id: string): Promise<CountRow[]> => versionsOf(tx, flowCounts, id);

async function detailOf(tx: Tx, versions: CountRow[], site?: SiteFacts): Promise<CountDetail> {
  const cur = versions.find((v) => v.current) ?? versions[0];
  const s = site ?? (await siteById(tx, cur.siteId))!;
  return { ...presentCount(cur, s), history: versions.map(presentVersion) };
}

/** The count's versions and site when the user reaches its site with `permission`; 404 otherwise. */
async function reachableCount(tx: Tx, auth: AuthContext, permission: Permission, id: string): Promise<{ versions: CountRow[]; site: SiteFacts }> {
  const versions = await countVersions(tx, id);
  if (!versions.length) throw notFound('No such count.');
  const site = await siteById(tx, versions[0].siteId);
  if (!site || !siteInScope(auth.grants, permission, site)) throw notFound('No such count.');
  return { versions, site };
}

export async function createCount(tx: Tx, auth: AuthContext, actor: Actor, body: CountCreate): Promise<{ created: boolean; count: CountDetail }> {
  const operationId = body.operationId.toUpperCase();
  const site = await writableSite(tx, auth, 'flows.count.write', operationId, body.siteId);
  const issues: FieldIssue[] = [];
  checkFlowMonitoring(site, issues);
  await checkNotFuture(tx, operationId, body.date, issues);
  const neighbourCountry = (body.neighbourCountry ?? site.neighbourCountry ?? '').toUpperCase();
  if (!site.flowMonitoring) {
    /* reported above; the neighbour country of a site that is no crossing means nothing */
  } else if (!neighbourCountry) issues.push(issueAt('body.neighbourCountry', 'flows.neighbourMissing', { site: site.code }));
  else if (site.neighbourCountry && site.neighbourCountry !== neighbourCountry)
    issues.push(issueAt('body.neighbourCountry', 'flows.neighbourWrong', { site: site.code, neighbour: site.neighbourCountry, given: neighbourCountry }));
  const cols = figureColumns(body.direction, body, issues);
  const key = { id: body.id, operationId, siteId: site.id, date: body.date, direction: body.direction, neighbourCountry };
  const bodyHash = countKeyHash(key, cols);

  // Idempotency: the same id again answers the stored record when the body is the same.
  const existing = await countVersions(tx, body.id);
  if (existing.length) {
    const first = firstVersion(existing);
    const existingSite = await siteById(tx, first.siteId);
    if (!existingSite || !siteInScope(auth.grants, 'flows.read', existingSite)) throw conflict(msg('conflict.idUsed'), [issueAt('body.id', 'value.usedNewId')]);
    if (first.bodyHash === bodyHash) return { created: false, count: await detailOf(tx, existing, existingSite) };
    throw conflict(msg('conflict.countIdOtherFigures'), [issueAt('body.id', 'value.usedOtherBody')]);
  }
  if (issues.length) throw invalid(issues);

  const taken = async () => {
    const [other] = await tx
      .select({ id: flowCounts.id })
      .from(flowCounts)
      .where(and(eq(flowCounts.operationId, operationId), eq(flowCounts.siteId, site.id), eq(flowCounts.date, body.date), eq(flowCounts.direction, body.direction), eq(flowCounts.neighbourCountry, neighbourCountry), eq(flowCounts.current, true)))
      .limit(1);
    return other?.id;
  };
  const keyConflict = (otherId: string | undefined) =>
    conflict(
      otherId
        ? msg(body.direction === 'in' ? 'conflict.inflowCounted' : 'conflict.outflowCounted', { site: site.code, date: body.date, id: otherId })
        : msg(body.direction === 'in' ? 'conflict.inflowCountedNoId' : 'conflict.outflowCountedNoId', { site: site.code, date: body.date }),
      [
      issueAt('body.date', 'flows.alreadyCounted'),
    ]);
  const otherId = await taken();
  if (otherId) throw keyConflict(otherId);
  let row: CountRow;
  try {
    [row] = await tx
      .insert(flowCounts)
      .values({ ...key, ...cols, version: 1, current: true, status: 'draft', bodyHash, createdBy: actor.userId })
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw keyConflict(undefined);
    throw err;
  }
  await audit(tx, actor, {
    action: 'flow_count.create',
    entityType: 'flow_count',
    entityId: row.id,
    operationId,
    after: { siteId: row.siteId, date: row.date, direction: row.direction, neighbourCountry: row.neighbourCountry, ...auditFigures(row) },
  });
  await evaluateAlertsForCount(tx, actor, row); // surge alerts, in this transaction
  return { created: true, count: await detailOf(tx, [row], site) };
}

export async function getCount(tx: Tx, auth: AuthContext, id: string): Promise<CountDetail> {
  const { versions, site } = await reachableCount(tx, auth, 'flows.read', id);
  return detailOf(tx, versions, site);
}

/** A correction: a new version with new figures; the old one stays in the history. */
export async function correctCount(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: CountCorrection): Promise<CountDetail> {
  const { versions, site } = await reachableCount(tx, auth, 'flows.count.write', id);
  const cur = versions.find((v) => v.current)!;
  const issues: FieldIssue[] = [];
  const cols = figureColumns(cur.direction, body, issues);
  if (issues.length) throw invalid(issues);
  const key = { id: cur.id, operationId: cur.operationId, siteId: cur.siteId, date: cur.date, direction: cur.direction, neighbourCountry: cur.neighbourCountry };
  const bodyHash = countKeyHash(key, cols);
  // A re-sent correction (same figures as the current version) changes nothing.
  if (correctionOf(cur, body.baseVersion, bodyHash, 'count') === 'unchanged') return detailOf(tx, versions, site);
  await retireVersion(tx, flowCounts, id, cur.version, 'count');
  const [row] = await tx
    .insert(flowCounts)
    .values({ ...key, ...cols, version: cur.version + 1, current: true, status: 'draft', bodyHash, createdBy: actor.userId })
    .returning();
  await audit(tx, actor, {
    action: 'flow_count.correct',
    entityType: 'flow_count',
    entityId: id,
    operationId: cur.operationId,
    before: auditFigures(cur),
    after: auditFigures(row),
  });
  await evaluateAlertsForCount(tx, actor, row); // surge alerts, in this transaction
  return detailOf(tx, historyAfterCorrection(row, versions, cur.version), site);
}

const TRANSITIONS = workflowSteps('flows.count.write', 'flows.verify');
export type CountAction = keyof typeof TRANSITIONS;

/** Moves the current version one step along draft → submitted → verified → published. */
export async function transitionCount(tx: Tx, auth: AuthContext, actor: Actor, id: string, action: CountAction): Promise<CountDetail> {
  const step = TRANSITIONS[action];
  const { versions, site } = await reachableCount(tx, auth, step.permission, id);
  const cur = versions.find((v) => v.current)!;
  checkStep(step, cur.status, { noun: 'count', version: cur.version });
  const [row] = await tx
    .update(flowCounts)
    .set(stepColumns(action, step.to, actor.userId, new Date()))
    .where(and(eq(flowCounts.id, id), eq(flowCounts.version, cur.version), eq(flowCounts.status, step.from), eq(flowCounts.current, true)))
    .returning();
  if (!row) throw changedMeanwhile('count');
  await auditStep(tx, actor, { entityType: 'flow_count', entityId: id, operationId: cur.operationId, action, before: cur.status, after: row.status, details: { version: row.version } });
  await evaluateAlertsForCount(tx, actor, row); // surge alerts, in this transaction
  return detailOf(tx, versions.map((v) => (v.version === row.version ? row : v)), site);
}

export async function listCounts(tx: Tx, auth: AuthContext, q: z.infer<typeof countsQuery>): Promise<Page<CountView>> {
  const { operationId, sites } = await visibleSites(tx, auth, 'flows.read', q.operation);
  const byId = new Map(sites.map((s) => [s.id, s]));
  const ids = q.site ? (byId.has(q.site) ? [q.site] : []) : [...byId.keys()];
  if (!ids.length) return { items: [], total: 0, nextCursor: null };
  const filters: SQL[] = [eq(flowCounts.operationId, operationId), eq(flowCounts.current, true), inArray(flowCounts.siteId, ids)];
  if (q.from) filters.push(gte(flowCounts.date, q.from));
  if (q.to) filters.push(lte(flowCounts.date, q.to));
  if (q.direction) filters.push(eq(flowCounts.direction, q.direction));
  if (q.status) filters.push(eq(flowCounts.status, q.status));
  const where = and(...filters)!;
  const page = await keysetPage(tx, flowCounts, where, [{ column: flowCounts.date, type: 'date' }, { column: flowCounts.id, type: 'uuid' }], 'desc', q, (r) => [r.date, r.id]);
  return { items: page.rows.map((r) => presentCount(r, byId.get(r.siteId)!)), total: page.total, nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------------
// Surveys

function presentSurvey(r: SurveyRow, site: SiteFacts): SurveyView {
  return {
    id: r.id,
    operationId: r.operationId,
    siteId: r.siteId,
    siteCode: site.code,
    date: r.date,
    direction: r.direction,
    respondentSex: r.respondentSex,
    respondentAgeBand: r.respondentAgeBand,
    groupSize: r.groupSize,
    men: r.men,
    women: r.women,
    boys: r.boys,
    girls: r.girls,
    originCountry: r.originCountry,
    originPcode: r.originPcode,
    documents: r.documents,
    reasons: r.reasons,
    intendedStay: r.intendedStay,
    destinationAdm1: r.destinationAdm1,
    destinationAdm2: r.destinationAdm2,
    vulnerabilities: r.vulnerabilities,
    needs: r.needs,
    consent: r.consent,
    createdAt: r.createdAt.toISOString(),
  };
}

const uniqSorted = <T extends string>(xs: readonly T[]) => [...new Set(xs)].sort();

export async function createSurvey(tx: Tx, auth: AuthContext, actor: Actor, body: SurveyCreate): Promise<{ created: boolean; survey: SurveyView }> {
  const operationId = body.operationId.toUpperCase();
  const site = await writableSite(tx, auth, 'flows.survey.write', operationId, body.siteId);
  const issues: FieldIssue[] = [];
  if (body.consent !== true) issues.push(issueAt('body.consent', 'flows.consentRequired'));
  checkFlowMonitoring(site, issues);
  await checkNotFuture(tx, operationId, body.date, issues);
  const composition = body.men + body.women + body.boys + body.girls;
  if (composition !== body.groupSize) issues.push(issueAt('body.men', 'flows.groupSum', { sum: composition, groupSize: body.groupSize }));
  const allowed: readonly string[] = DOCUMENTS_BY_ORIGIN[body.originCountry as OriginCountry];
  body.documents.forEach((d, i) => {
    if (!allowed.includes(d)) issues.push(issueAt(`body.documents.${i}`, 'flows.documentNotOfOrigin', { document: d, country: body.originCountry, allowed: allowed.join(', ') }));
  });
  if (body.documents.includes('none') && body.documents.length > 1) issues.push(issueAt('body.documents', 'flows.documentsNone'));
  const originPcode = body.originPcode ?? null;
  if (originPcode) {
    if (body.originCountry !== 'PAK') issues.push(issueAt('body.originPcode', 'flows.originPakistanOnly'));
    else {
      const a = await areaFacts(tx, 'PAK', originPcode);
      if (!a || a.level !== 2) issues.push(issueAt('body.originPcode', 'flows.notPakistanDistrict', { pcode: originPcode }));
    }
  }
  let adm1 = body.destinationAdm1 ?? null;
  const adm2 = body.destinationAdm2 ?? null;
  if (adm1) {
    const a = await areaFacts(tx, 'AFG', adm1);
    if (!a || a.level !== 1) issues.push(issueAt('body.destinationAdm1', 'flows.notAfghanProvince', { pcode: adm1 }));
  }
  if (adm2) {
    const a = await areaFacts(tx, 'AFG', adm2);
    if (!a || a.level !== 2) issues.push(issueAt('body.destinationAdm2', 'flows.notAfghanDistrict', { pcode: adm2 }));
    else if (adm1 && a.parentPcode !== adm1) issues.push(issueAt('body.destinationAdm2', 'flows.notInProvince', { pcode: adm2, province: adm1 }));
    else adm1 = a.parentPcode;
  }
  const values = {
    id: body.id,
    operationId,
    siteId: site.id,
    date: body.date,
    direction: body.direction,
    respondentSex: body.respondentSex,
    respondentAgeBand: body.respondentAgeBand,
    groupSize: body.groupSize,
    men: body.men,
    women: body.women,
    boys: body.boys,
    girls: body.girls,
    originCountry: body.originCountry,
    originPcode,
    documents: uniqSorted(body.documents),
    reasons: uniqSorted(body.reasons),
    intendedStay: body.intendedStay,
    destinationAdm1: adm1,
    destinationAdm2: adm2,
    vulnerabilities: uniqSorted(body.vulnerabilities),
    needs: uniqSorted(body.needs),
    consent: body.consent,
  };
  const bodyHash = hashOf(values);
  const [existing] = await tx.select().from(flowSurveys).where(eq(flowSurveys.id, body.id)).limit(1);
  if (existing) {
    const s = await siteById(tx, existing.siteId);
    if (s && siteInScope(auth.grants, 'flows.read', s) && existing.bodyHash === bodyHash) return { created: false, survey: presentSurvey(existing, s) };
    throw conflict(msg('conflict.surveyIdOtherBody'), [issueAt('body.id', 'value.usedOtherBody')]);
  }
  if (issues.length) throw invalid(issues);
  let row: SurveyRow;
  try {
    [row] = await tx.insert(flowSurveys).values({ ...values, bodyHash, createdBy: actor.userId }).returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(msg('conflict.surveyIdUsed'), [issueAt('body.id', 'value.used')]);
    throw err;
  }
  // The audit row names the record, not its answers (they describe people).
  await audit(tx, actor, { action: 'flow_survey.create', entityType: 'flow_survey', entityId: row.id, operationId, after: { siteId: row.siteId, date: row.date, direction: row.direction, groupSize: row.groupSize } });
  return { created: true, survey: presentSurvey(row, site) };
}

export async function getSurvey(tx: Tx, auth: AuthContext, id: string): Promise<SurveyView> {
  const [row] = await tx.select().from(flowSurveys).where(eq(flowSurveys.id, id)).limit(1);
  const site = row ? await siteById(tx, row.siteId) : null;
  if (!row || !site || !siteInScope(auth.grants, 'flows.read', site)) throw notFound('No such survey.');
  return presentSurvey(row, site);
}

export async function listSurveys(tx: Tx, auth: AuthContext, q: z.infer<typeof surveysQuery>): Promise<Page<SurveyView>> {
  const { operationId, sites } = await visibleSites(tx, auth, 'flows.read', q.operation);
  const byId = new Map(sites.map((s) => [s.id, s]));
  const ids = q.site ? (byId.has(q.site) ? [q.site] : []) : [...byId.keys()];
  if (!ids.length) return { items: [], total: 0, nextCursor: null };
  const filters: SQL[] = [eq(flowSurveys.operationId, operationId), inArray(flowSurveys.siteId, ids)];
  if (q.from) filters.push(gte(flowSurveys.date, q.from));
  if (q.to) filters.push(lte(flowSurveys.date, q.to));
  if (q.direction) filters.push(eq(flowSurveys.direction, q.direction));
  if (q.originCountry) filters.push(eq(flowSurveys.originCountry, q.originCountry));
  const where = and(...filters)!;
  const page = await keysetPage(tx, flowSurveys, where, [{ column: flowSurveys.date, type: 'date' }, { column: flowSurveys.id, type: 'uuid' }], 'desc', q, (r) => [r.date, r.id]);
  return { items: page.rows.map((r) => presentSurvey(r, byId.get(r.siteId)!)), total: page.total, nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------------
// Summary

export async function summary(tx: Tx, auth: AuthContext, q: z.infer<typeof periodQuery>): Promise<SummaryView> {
  const { operationId, sites } = await visibleSites(tx, auth, 'flows.read', q.operation);
  const out: SummaryView = { operation: operationId, from: q.from, to: q.to, inflow: 0, outflow: 0, surveys: 0, deported: 0, spontaneous: 0, published: { inflow: 0, outflow: 0 }, bySite: [] };
  if (q.from > q.to) throw invalid([issueAt('querystring.to', 'period.endsBeforeStart')]);
  const ids = sites.map((s) => s.id);
  if (!ids.length) return out;
  const counted = await tx
    .select({
      siteId: flowCounts.siteId,
      direction: flowCounts.direction,
      total: sql<string>`coalesce(sum(${flowCounts.total}), 0)`,
      deported: sql<string>`coalesce(sum(${flowCounts.deported}), 0)`,
      spontaneous: sql<string>`coalesce(sum(${flowCounts.spontaneous}), 0)`,
      published: sql<string>`coalesce(sum(${flowCounts.total}) filter (where ${flowCounts.status} = 'published'), 0)`,
    })
    .from(flowCounts)
    .where(and(eq(flowCounts.operationId, operationId), eq(flowCounts.current, true), gte(flowCounts.date, q.from), lte(flowCounts.date, q.to), inArray(flowCounts.siteId, ids)))
    .groupBy(flowCounts.siteId, flowCounts.direction);
  const surveyed = await tx
    .select({ siteId: flowSurveys.siteId, n: count() })
    .from(flowSurveys)
    .where(and(eq(flowSurveys.operationId, operationId), gte(flowSurveys.date, q.from), lte(flowSurveys.date, q.to), inArray(flowSurveys.siteId, ids)))
    .groupBy(flowSurveys.siteId);
  const per = new Map<string, { inflow: number; outflow: number; surveys: number }>();
  const at = (id: string) => per.get(id) ?? (per.set(id, { inflow: 0, outflow: 0, surveys: 0 }), per.get(id)!);
  for (const c of counted) {
    const total = Number(c.total);
    if (c.direction === 'in') {
      out.inflow += total;
      out.published.inflow += Number(c.published);
      out.deported += Number(c.deported);
      out.spontaneous += Number(c.spontaneous);
      at(c.siteId).inflow += total;
    } else {
      out.outflow += total;
      out.published.outflow += Number(c.published);
      at(c.siteId).outflow += total;
    }
  }
  for (const s of surveyed) {
    out.surveys += Number(s.n);
    at(s.siteId).surveys += Number(s.n);
  }
  out.bySite = sites.filter((s) => per.has(s.id)).map((s) => ({ siteId: s.id, code: s.code, name: s.name, ...per.get(s.id)! }));
  return out;
}

