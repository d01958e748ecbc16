/**
 * Surge alerts: rules per crossing point and direction, evaluated when counts arrive (in the
 * transaction that writes the count), one alert per rule and day it fires, acknowledged with a note,
 * withdrawn when a later count makes its window no longer fire, re-opened when it fires again.
 */
import { and, count, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows as queryRows, type Tx } from '../../db/client';
import { audit, auditMany, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { conflict, invalid, issueAt, notFound, type FieldIssue } from '../../server/errors';
import { decodeCursor, keysetPage, takePage } from '../../server/pagination';
import type { Permission } from '../../server/permissions';
import { uuidv7 } from '../../shared/ids';
import { msg } from '../../shared/messages';
import { users } from '../access/schema';
import type { AlertRuleCreate, AlertRuleUpdate, AlertRuleView, AlertView, alertRulesQuery, alertsQuery } from './alerts-contract';
import type { AlertRuleKind, AlertWindow } from './alerts-kinds';
import { flowAlertRules, flowAlerts } from './alerts-schema';
import { addDays } from './dates';
import type { Direction } from './kinds';
import { siteById, sitesByIds, type SiteFacts } from './places-lookup';
import { flowCounts } from './schema';
import { siteInScope, visibleSites, type Page } from './service';

type RuleRow = typeof flowAlertRules.$inferSelect;
type AlertRow = typeof flowAlerts.$inferSelect;

/** Who may create and change rules and acknowledge alerts. */
export const ALERTS_MANAGE: Permission = 'flows.verify';

// ---------------------------------------------------------------------------------------------
// Evaluation (pure)

export interface RuleSpec {
  kind: AlertRuleKind;
  window: AlertWindow;
  factor: number | null;
  threshold: number | null;
  minTotal: number;
}

export interface Firing {
  date: string;
  observed: number;
  expected: number | null;
  level: number;
}

/** The 7-day window ending on `end` and the 28 days before it. */
export const RATIO_WEEK = 7;
export const RATIO_BASE = 28;
/** How far back a window ending on a day reaches (ratio rules: 7 + 28 days). */
export const LOOKBACK = RATIO_WEEK + RATIO_BASE - 1;
/** Ratio rules need this many counted days among the 28 of the baseline. */
export const MIN_BASE_DAYS = 21;

/** The figures of the window ending on a day, whether or not the rule fires. */
export interface Measure {
  observed: number;
  expected: number | null;
  level: number;
  fires: boolean;
}

/**
 * The rule's figures for the window ending on `end`, given the daily flow (missing days are 0);
 * null for a ratio rule without a baseline (fewer than 21 counted days among the 28).
 * Ratio: fires when sum(end-6 … end) > factor × sum(end-34 … end-7) / 28 × 7, with a positive
 * expectation (a count of 0 is a counted day; no count is not).
 * Absolute: the day's (1d) or the 7 days' (7d) flow > threshold. Never below minTotal.
 */
export function measureRule(rule: RuleSpec, daily: ReadonlyMap<string, number>, end: string): Measure | null {
  const sum = (from: number, to: number) => {
    let s = 0;
    for (let k = from; k <= to; k++) s += daily.get(addDays(end, -k)) ?? 0;
    return s;
  };
  if (rule.kind === 'ratio') {
    let counted = 0;
    for (let k = RATIO_WEEK; k <= LOOKBACK; k++) if (daily.has(addDays(end, -k))) counted++;
    if (counted < MIN_BASE_DAYS) return null;
    const observed = sum(0, RATIO_WEEK - 1);
    const expected = (sum(RATIO_WEEK, LOOKBACK) / RATIO_BASE) * RATIO_WEEK;
    const level = (rule.factor ?? 0) * expected;
    return { observed, expected, level, fires: expected > 0 && observed > level && observed >= rule.minTotal };
  }
  const observed = rule.window === '1d' ? sum(0, 0) : sum(0, RATIO_WEEK - 1);
  const level = rule.threshold ?? 0;
  return { observed, expected: null, level, fires: observed > level && observed >= rule.minTotal };
}

/** Whether the rule fires for the window ending on `end` (see measureRule), with its figures. */
export function evaluateRule(rule: RuleSpec, daily: ReadonlyMap<string, number>, end: string): Firing | null {
  const m = measureRule(rule, daily, end);
  return m?.fires ? { date: end, observed: m.observed, expected: m.expected, level: m.level } : null;
}

/** Daily totals (current versions, any status) at a site in one direction over [from, to]. */
async function dailyFlow(tx: Tx, siteId: string, direction: Direction, from: string, to: string): Promise<Map<string, number>> {
  return (await dailyFlows(tx, [{ siteId, direction, from, to }])).get(`${siteId}|${direction}`) ?? new Map();
}

/** dailyFlow for many (site, direction, period) at once, in one query; keyed `site|direction`. */
async function dailyFlows(tx: Tx, wanted: readonly { siteId: string; direction: Direction; from: string; to: string }[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (!wanted.length) return out;
  const arr = (xs: string[]) => `{${xs.join(',')}}`;
  const found = await queryRows<{ site: string; direction: string; date: string; total: string | number }>(
    tx,
    sql`
    select c.site_id::text as site, c.direction, c.date::text as date, sum(c.total)::bigint as total
      from unnest(${arr(wanted.map((w) => w.siteId))}::uuid[], ${arr(wanted.map((w) => w.direction))}::text[],
                  ${arr(wanted.map((w) => w.from))}::date[], ${arr(wanted.map((w) => w.to))}::date[]) as k(site, dir, d0, d1)
      join flow_counts c on c.site_id = k.site and c.direction = k.dir and c.current and c.date >= k.d0 and c.date <= k.d1
     group by c.site_id, c.direction, c.date`,
  );
  for (const r of found) {
    const key = `${r.site}|${r.direction}`;
    let m = out.get(key);
    if (!m) out.set(key, (m = new Map()));
    m.set(r.date, Number(r.total));
  }
  return out;
}

async function raise(tx: Tx, rule: RuleRow, firings: Firing[]): Promise<AlertRow[]> {
  if (!firings.length) return [];
  const rows = firings.map((f) => ({
    id: uuidv7(),
    operationId: rule.operationId,
    ruleId: rule.id,
    siteId: rule.siteId,
    direction: rule.direction,
    date: f.date,
    kind: rule.kind,
    window: rule.window,
    observed: f.observed,
    expected: f.expected,
    level: f.level,
  }));
  // One alert per rule and day: a day that fired before stays as it was raised.
  return tx.insert(flowAlerts).values(rows).onConflictDoNothing({ target: [flowAlerts.ruleId, flowAlerts.date] }).returning();
}

/** What an evaluation changed: alerts raised (new), re-opened (were withdrawn) and withdrawn. */
export interface AlertChanges {
  raised: AlertRow[];
  reopened: AlertRow[];
  withdrawn: AlertRow[];
}

/**
 * Called in the transaction that creates, corrects or moves a count: evaluates the active rules of
 * the count's site and direction for every window whose figures the day enters (see
 * evaluateAlertsForCounts). Returns the alerts that are open because of it (raised or re-opened).
 */
export async function evaluateAlertsForCount(tx: Tx, actor: Actor, c: { siteId: string; direction: Direction; date: string }, options?: EvaluateOptions): Promise<AlertRow[]> {
  return evaluateAlertsForCounts(tx, actor, [c], options);
}

export interface EvaluateOptions {
  /**
   * Withdraw alerts whose window no longer fires and re-open withdrawn ones that fire again
   * (default true: counts were written). A rule that is created or changed passes false: its
   * new settings raise alerts but do not unmake the ones raised under the old ones.
   */
  revise?: boolean;
}

/**
 * The same for many counts written at once (a bulk import): one pass per crossing point and
 * direction over the days the counts touch. Call it in the transaction that wrote them.
 * Returns the alerts raised or re-opened.
 */
export async function evaluateAlertsForCounts(tx: Tx, actor: Actor, counts: readonly { siteId: string; direction: Direction; date: string }[], options?: EvaluateOptions): Promise<AlertRow[]> {
  const changes = await reviseAlertsForCounts(tx, actor, counts, options);
  return [...changes.raised, ...changes.reopened];
}

/**
 * Re-evaluates every window a written day enters, as far as counts exist: the day itself (1d
 * rules), the 7 days from it (7-day windows), and for ratio rules also the 28 days after those
 * (the day is in their baseline), so windows ending from the day to 34 days later. A window that
 * fires raises its alert (one per rule and day; an open or acknowledged one keeps the figures it
 * was raised with) or re-opens a withdrawn one with the new figures; a window that no longer fires
 * withdraws its open or acknowledged alert, recording who wrote the count, when, and the flow now.
 * Everything is audited in the caller's transaction.
 */
export async function reviseAlertsForCounts(
  tx: Tx,
  actor: Actor,
  counts: readonly { siteId: string; direction: Direction; date: string }[],
  options: EvaluateOptions = {},
): Promise<AlertChanges> {
  const changes: AlertChanges = { raised: [], reopened: [], withdrawn: [] };
  if (!counts.length) return changes;
  const revise = options.revise ?? true;
  const groups = new Map<string, { siteId: string; direction: Direction; days: Set<string> }>();
  for (const c of counts) {
    const key = `${c.siteId}|${c.direction}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { siteId: c.siteId, direction: c.direction, days: new Set() }));
    g.days.add(c.date);
  }
  const siteIds = [...new Set(counts.map((c) => c.siteId))];
  const allRules = await tx.select().from(flowAlertRules).where(and(inArray(flowAlertRules.siteId, siteIds), eq(flowAlertRules.active, true)));
  if (!allRules.length) return changes;
  const todo = [...groups.values()]
    .map((g) => ({ ...g, rules: allRules.filter((r) => r.siteId === g.siteId && r.direction === g.direction), days: [...g.days].sort() }))
    .filter((g) => g.rules.length > 0);
  if (!todo.length) return changes;
  // The daily flow of every (site, direction) with rules, in one query.
  const series = await dailyFlows(
    tx,
    todo.map((g) => ({ siteId: g.siteId, direction: g.direction, from: addDays(g.days[0]!, -LOOKBACK), to: addDays(g.days[g.days.length - 1]!, LOOKBACK) })),
  );
  // Each rule's windows and their figures.
  const measured: { rule: RuleRow; ends: { end: string; m: Measure | null }[] }[] = [];
  let first = '9999-12-31';
  let last = '0000-01-01';
  for (const g of todo) {
    const daily = series.get(`${g.siteId}|${g.direction}`) ?? new Map<string, number>();
    let lastData = g.days[g.days.length - 1]!;
    for (const d of daily.keys()) if (d > lastData) lastData = d;
    for (const rule of g.rules) {
      const reach = rule.kind === 'ratio' ? LOOKBACK : rule.window === '7d' ? RATIO_WEEK - 1 : 0;
      const ends = new Set<string>();
      for (const d of g.days) {
        for (let k = 0; k <= reach; k++) {
          const e = addDays(d, k);
          if (e > lastData) break;
          ends.add(e);
        }
      }
      const list = [...ends].sort().map((end) => ({ end, m: measureRule(rule, daily, end) }));
      if (list.length) {
        if (list[0]!.end < first) first = list[0]!.end;
        if (list[list.length - 1]!.end > last) last = list[list.length - 1]!.end;
      }
      measured.push({ rule, ends: list });
    }
  }
  // The alerts that exist on those days, in one query (alerts are few next to counts).
  const existing = new Map<string, AlertRow>();
  if (revise && first <= last) {
    const found = await tx
      .select()
      .from(flowAlerts)
      .where(and(inArray(flowAlerts.ruleId, measured.map((x) => x.rule.id)), gte(flowAlerts.date, first), lte(flowAlerts.date, last)));
    for (const a of found) existing.set(`${a.ruleId}|${a.date}`, a);
  }
  const now = new Date();
  for (const { rule, ends } of measured) {
    const firings: Firing[] = [];
    for (const { end, m } of ends) {
      const had = existing.get(`${rule.id}|${end}`);
      if (m?.fires) {
        if (!had) firings.push({ date: end, observed: m.observed, expected: m.expected, level: m.level });
        else if (had.status === 'withdrawn') {
          const [row] = await tx
            .update(flowAlerts)
            .set({ status: 'open', observed: m.observed, expected: m.expected, level: m.level, reopenedAt: now, acknowledgedAt: null, acknowledgedBy: null, acknowledgeNote: null, withdrawnAt: null, withdrawnBy: null, withdrawnObserved: null })
            .where(and(eq(flowAlerts.id, had.id), eq(flowAlerts.status, 'withdrawn')))
            .returning();
          if (row) changes.reopened.push(row);
        }
      } else if (had && had.status !== 'withdrawn') {
        const [row] = await tx
          .update(flowAlerts)
          .set({ status: 'withdrawn', withdrawnAt: now, withdrawnBy: actor.userId, withdrawnObserved: m?.observed ?? null })
          .where(and(eq(flowAlerts.id, had.id), inArray(flowAlerts.status, ['open', 'acknowledged'])))
          .returning();
        if (row) changes.withdrawn.push(row);
      }
    }
    for (let i = 0; i < firings.length; i += 1000) changes.raised.push(...(await raise(tx, rule, firings.slice(i, i + 1000))));
  }
  const was = new Map([...existing.values()].map((a) => [a.id, a]));
  const figures = (a: AlertRow) => ({ observed: a.observed, expected: a.expected, level: a.level });
  // One audit row per change, written together.
  await auditMany(tx, actor, [
    ...changes.raised.map((a) => ({
      action: 'flow_alert.raise',
      entityType: 'flow_alert',
      entityId: a.id,
      operationId: a.operationId,
      after: { ruleId: a.ruleId, siteId: a.siteId, direction: a.direction, date: a.date, ...figures(a) },
    })),
    ...changes.reopened.map((a) => {
      const before = was.get(a.id)!;
      return {
        action: 'flow_alert.reopen',
        entityType: 'flow_alert',
        entityId: a.id,
        operationId: a.operationId,
        before: { status: 'withdrawn', ...figures(before), withdrawnObserved: before.withdrawnObserved, acknowledgedBy: before.acknowledgedBy, acknowledgeNote: before.acknowledgeNote },
        after: { status: 'open', ...figures(a) },
      };
    }),
    ...changes.withdrawn.map((a) => ({
      action: 'flow_alert.withdraw',
      entityType: 'flow_alert',
      entityId: a.id,
      operationId: a.operationId,
      before: { status: was.get(a.id)!.status, observed: a.observed },
      after: { status: 'withdrawn', observed: a.withdrawnObserved },
    })),
  ]);
  return changes;
}

/**
 * Evaluates rules over every day of [from, to] at once (after a bulk load such as the demo seed).
 * Inserts in bulk; existing alerts are kept. Returns the number of alerts raised.
 */
export async function evaluateRulesOverPeriod(tx: Tx, rules: RuleRow[], from: string, to: string): Promise<number> {
  let n = 0;
  const series = new Map<string, Map<string, number>>();
  for (const rule of rules) {
    const key = `${rule.siteId}|${rule.direction}`;
    let daily = series.get(key);
    if (!daily) series.set(key, (daily = await dailyFlow(tx, rule.siteId, rule.direction, addDays(from, -LOOKBACK), to)));
    const firings: Firing[] = [];
    for (let e = from; e <= to; e = addDays(e, 1)) {
      const f = evaluateRule(rule, daily, e);
      if (f) firings.push(f);
    }
    for (let i = 0; i < firings.length; i += 1000) n += (await raise(tx, rule, firings.slice(i, i + 1000))).length;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Rules

function ruleIssues(kind: AlertRuleKind, s: { window: AlertWindow; factor: number | null; threshold: number | null }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (kind === 'ratio') {
    if (s.factor === null) issues.push(issueAt('body.factor', 'flows.ratioNeedsFactor'));
    if (s.window !== '7d') issues.push(issueAt('body.window', 'flows.ratioWindow'));
    if (s.threshold !== null) issues.push(issueAt('body.threshold', 'flows.ratioNoThreshold'));
  } else {
    if (s.threshold === null) issues.push(issueAt('body.threshold', 'flows.absoluteNeedsThreshold'));
    if (s.factor !== null) issues.push(issueAt('body.factor', 'flows.absoluteNoFactor'));
  }
  return issues;
}

async function openCounts(tx: Tx, ruleIds: string[]): Promise<Map<string, number>> {
  if (!ruleIds.length) return new Map();
  const rows = await tx
    .select({ ruleId: flowAlerts.ruleId, n: count() })
    .from(flowAlerts)
    .where(and(inArray(flowAlerts.ruleId, ruleIds), eq(flowAlerts.status, 'open')))
    .groupBy(flowAlerts.ruleId);
  return new Map(rows.map((r) => [r.ruleId, Number(r.n)]));
}

function presentRule(r: RuleRow, site: SiteFacts, open: number): AlertRuleView {
  return {
    id: r.id,
    operationId: r.operationId,
    siteId: r.siteId,
    siteCode: site.code,
    siteName: site.name,
    direction: r.direction,
    kind: r.kind,
    window: r.window,
    factor: r.factor,
    threshold: r.threshold,
    minTotal: r.minTotal,
    active: r.active,
    notes: r.notes,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    openAlerts: open,
  };
}

const ruleAudit = (r: RuleRow) => ({ siteId: r.siteId, direction: r.direction, kind: r.kind, window: r.window, factor: r.factor, threshold: r.threshold, minTotal: r.minTotal, active: r.active, notes: r.notes });

/** The latest day with counts at the site in that direction (to evaluate a new or changed rule on). */
async function latestDay(tx: Tx, siteId: string, direction: Direction): Promise<string | null> {
  const [r] = await tx
    .select({ d: sql<string | null>`max(${flowCounts.date})` })
    .from(flowCounts)
    .where(and(eq(flowCounts.siteId, siteId), eq(flowCounts.direction, direction), eq(flowCounts.current, true)));
  return r?.d ? String(r.d).slice(0, 10) : null;
}

async function reachableRule(tx: Tx, auth: AuthContext, permission: Permission, id: string): Promise<{ rule: RuleRow; site: SiteFacts }> {
  const [rule] = await tx.select().from(flowAlertRules).where(eq(flowAlertRules.id, id)).limit(1);
  const site = rule ? await siteById(tx, rule.siteId) : null;
  if (!rule || !site || !siteInScope(auth.grants, permission, site)) throw notFound('No such alert rule.');
  return { rule, site };
}

export async function createRule(tx: Tx, auth: AuthContext, actor: Actor, body: AlertRuleCreate): Promise<{ created: boolean; rule: AlertRuleView }> {
  const operationId = body.operationId.toUpperCase();
  const site = await siteById(tx, body.siteId);
  if (!site || site.operationId !== operationId || !siteInScope(auth.grants, ALERTS_MANAGE, site)) throw notFound('No such site.');
  const settings = { window: body.window, factor: body.factor ?? null, threshold: body.threshold ?? null };
  const issues = ruleIssues(body.kind, settings);
  if (!site.flowMonitoring) issues.push(issueAt('body.siteId', 'flows.notFlowPoint', { site: site.code }));
  if (issues.length) throw invalid(issues);
  const id = body.id ?? uuidv7();
  const [existing] = await tx.select().from(flowAlertRules).where(eq(flowAlertRules.id, id)).limit(1);
  if (existing) {
    const same = existing.siteId === site.id && existing.direction === body.direction && existing.kind === body.kind && existing.window === settings.window && existing.factor === settings.factor && existing.threshold === settings.threshold && existing.minTotal === body.minTotal;
    if (same && siteInScope(auth.grants, 'flows.read', site)) return { created: false, rule: presentRule(existing, site, (await openCounts(tx, [id])).get(id) ?? 0) };
    throw conflict(msg('conflict.alertRuleIdUsed'), [issueAt('body.id', 'value.used')]);
  }
  const [row] = await tx
    .insert(flowAlertRules)
    .values({ id, operationId, siteId: site.id, direction: body.direction, kind: body.kind, ...settings, minTotal: body.minTotal, active: body.active, notes: body.notes ?? null, createdBy: actor.userId })
    .returning();
  await audit(tx, actor, { action: 'flow_alert_rule.create', entityType: 'flow_alert_rule', entityId: row.id, operationId, after: ruleAudit(row) });
  // A new rule looks at the latest day with counts, so it says at once whether the flow is above it now.
  if (row.active) {
    const last = await latestDay(tx, row.siteId, row.direction);
    if (last) await evaluateAlertsForCount(tx, actor, { siteId: row.siteId, direction: row.direction, date: last }, { revise: false });
  }
  return { created: true, rule: presentRule(row, site, (await openCounts(tx, [row.id])).get(row.id) ?? 0) };
}

export async function updateRule(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: AlertRuleUpdate): Promise<AlertRuleView> {
  const { rule, site } = await reachableRule(tx, auth, ALERTS_MANAGE, id);
  const next = {
    window: body.window ?? rule.window,
    factor: body.factor === undefined ? rule.factor : body.factor,
    threshold: body.threshold === undefined ? rule.threshold : body.threshold,
    minTotal: body.minTotal ?? rule.minTotal,
    active: body.active ?? rule.active,
    notes: body.notes === undefined ? rule.notes : body.notes,
  };
  const issues = ruleIssues(rule.kind, next);
  if (issues.length) throw invalid(issues);
  const [row] = await tx.update(flowAlertRules).set({ ...next, updatedAt: new Date() }).where(eq(flowAlertRules.id, id)).returning();
  await audit(tx, actor, { action: 'flow_alert_rule.update', entityType: 'flow_alert_rule', entityId: id, operationId: row.operationId, before: ruleAudit(rule), after: ruleAudit(row) });
  if (row.active) {
    const last = await latestDay(tx, row.siteId, row.direction);
    if (last) await evaluateAlertsForCount(tx, actor, { siteId: row.siteId, direction: row.direction, date: last }, { revise: false });
  }
  return presentRule(row, site, (await openCounts(tx, [id])).get(id) ?? 0);
}

export async function getRule(tx: Tx, auth: AuthContext, id: string): Promise<AlertRuleView> {
  const { rule, site } = await reachableRule(tx, auth, 'flows.read', id);
  return presentRule(rule, site, (await openCounts(tx, [id])).get(id) ?? 0);
}

export async function listRules(tx: Tx, auth: AuthContext, q: z.infer<typeof alertRulesQuery>): Promise<Page<AlertRuleView>> {
  const { operationId, sites } = await visibleSites(tx, auth, 'flows.read', q.operation);
  const byId = new Map(sites.map((s) => [s.id, s]));
  const ids = q.site ? (byId.has(q.site) ? [q.site] : []) : [...byId.keys()];
  if (!ids.length) return { items: [], total: 0, nextCursor: null };
  const filters: SQL[] = [eq(flowAlertRules.operationId, operationId), inArray(flowAlertRules.siteId, ids)];
  if (q.active !== undefined) filters.push(eq(flowAlertRules.active, q.active));
  const where = and(...filters)!;
  const [{ total }] = await tx.select({ total: count() }).from(flowAlertRules).where(where);
  const after = decodeCursor(q.cursor, 1);
  const list = await tx
    .select()
    .from(flowAlertRules)
    .where(after ? and(where, sql`${flowAlertRules.id} > ${String(after[0])}::uuid`) : where)
    .orderBy(flowAlertRules.id)
    .limit(q.limit + 1);
  const page = takePage(list, q.limit, (r) => [r.id]);
  const open = await openCounts(tx, page.rows.map((r) => r.id));
  return { items: page.rows.map((r) => presentRule(r, byId.get(r.siteId)!, open.get(r.id) ?? 0)), total: Number(total), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------------
// Alerts

async function presentAlerts(tx: Tx, rows: AlertRow[], sites: Map<string, SiteFacts>): Promise<AlertView[]> {
  const ruleIds = [...new Set(rows.map((r) => r.ruleId))];
  const rules = ruleIds.length ? await tx.select({ id: flowAlertRules.id, factor: flowAlertRules.factor }).from(flowAlertRules).where(inArray(flowAlertRules.id, ruleIds)) : [];
  const factor = new Map(rules.map((r) => [r.id, r.factor]));
  const byIds = [...new Set(rows.flatMap((r) => [r.acknowledgedBy, r.withdrawnBy]).filter((x): x is string => !!x))];
  const names = byIds.length ? new Map((await tx.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, byIds))).map((u) => [u.id, u.name])) : new Map<string, string>();
  const missing = rows.map((r) => r.siteId).filter((id) => !sites.has(id));
  const more = missing.length ? await sitesByIds(tx, missing) : new Map<string, SiteFacts>();
  return rows.map((r) => {
    const site = sites.get(r.siteId) ?? more.get(r.siteId)!;
    return {
      id: r.id,
      operationId: r.operationId,
      ruleId: r.ruleId,
      siteId: r.siteId,
      siteCode: site.code,
      siteName: site.name,
      direction: r.direction,
      date: r.date,
      kind: r.kind,
      window: r.window,
      observed: r.observed,
      expected: r.expected,
      level: r.level,
      factor: r.kind === 'ratio' ? (factor.get(r.ruleId) ?? null) : null,
      raisedAt: r.raisedAt.toISOString(),
      status: r.status,
      acknowledged: r.acknowledgedAt
        ? { at: r.acknowledgedAt.toISOString(), by: r.acknowledgedBy, byName: r.acknowledgedBy ? (names.get(r.acknowledgedBy) ?? null) : null, note: r.acknowledgeNote }
        : null,
      withdrawn:
        r.status === 'withdrawn' && r.withdrawnAt
          ? { at: r.withdrawnAt.toISOString(), by: r.withdrawnBy, byName: r.withdrawnBy ? (names.get(r.withdrawnBy) ?? null) : null, observed: r.withdrawnObserved }
          : null,
      reopenedAt: r.reopenedAt ? r.reopenedAt.toISOString() : null,
    };
  });
}

export async function listAlerts(tx: Tx, auth: AuthContext, q: z.infer<typeof alertsQuery>): Promise<Page<AlertView>> {
  const { operationId, sites } = await visibleSites(tx, auth, 'flows.read', q.operation);
  if (q.from && q.to && q.from > q.to) throw invalid([issueAt('querystring.to', 'period.endsBeforeStart')]);
  const byId = new Map(sites.map((s) => [s.id, s]));
  const ids = q.site ? (byId.has(q.site) ? [q.site] : []) : [...byId.keys()];
  if (!ids.length) return { items: [], total: 0, nextCursor: null };
  const filters: SQL[] = [eq(flowAlerts.operationId, operationId), inArray(flowAlerts.siteId, ids)];
  if (q.rule) filters.push(eq(flowAlerts.ruleId, q.rule));
  if (q.status) filters.push(inArray(flowAlerts.status, q.status));
  if (q.direction) filters.push(eq(flowAlerts.direction, q.direction));
  if (q.from) filters.push(gte(flowAlerts.date, q.from));
  if (q.to) filters.push(lte(flowAlerts.date, q.to));
  const where = and(...filters)!;
  const page = await keysetPage(tx, flowAlerts, where, [{ column: flowAlerts.date, type: 'date' }, { column: flowAlerts.id, type: 'uuid' }], 'desc', q, (r) => [r.date, r.id]);
  return { items: await presentAlerts(tx, page.rows, byId), total: page.total, nextCursor: page.nextCursor };
}

export async function acknowledgeAlert(tx: Tx, auth: AuthContext, actor: Actor, id: string, note: string | null | undefined): Promise<AlertView> {
  const [row] = await tx.select().from(flowAlerts).where(eq(flowAlerts.id, id)).limit(1);
  const site = row ? await siteById(tx, row.siteId) : null;
  if (!row || !site || !siteInScope(auth.grants, ALERTS_MANAGE, site)) throw notFound('No such alert.');
  if (row.status === 'acknowledged' && row.acknowledgedAt)
    throw conflict(msg('conflict.alertAcknowledged', { at: row.acknowledgedAt.toISOString() }), [issueAt('status', 'flows.alertAcknowledged')]);
  if (row.status === 'withdrawn')
    throw conflict(msg('conflict.alertWithdrawn', { at: row.withdrawnAt?.toISOString() ?? '?' }), [issueAt('status', 'flows.alertWithdrawn')]);
  const [done] = await tx
    .update(flowAlerts)
    .set({ status: 'acknowledged', acknowledgedAt: new Date(), acknowledgedBy: actor.userId, acknowledgeNote: note ?? null })
    .where(and(eq(flowAlerts.id, id), eq(flowAlerts.status, 'open')))
    .returning();
  if (!done) throw conflict(msg('conflict.alertChanged'));
  await audit(tx, actor, {
    action: 'flow_alert.acknowledge',
    entityType: 'flow_alert',
    entityId: id,
    operationId: done.operationId,
    before: { status: 'open' },
    after: { status: 'acknowledged', note: done.acknowledgeNote },
  });
  return (await presentAlerts(tx, [done], new Map([[site.id, site]])))[0];
}
