/**
 * Demo surge alert rules at Torkham and Spin Boldak, evaluated over the seeded demo series so that
 * `serve --demo` shows real alerts: Spin Boldak's inflow doubling after Torkham closed on
 * 21 Feb 2025, its week above 30,000 in the run-up to the 31 March 2025 deadline, and Torkham's
 * IFRP surge in April–May 2024 (acknowledged by the analyst, as handled long ago).
 */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { users } from '../access/schema';
import { flowAlertRules, flowAlerts } from './alerts-schema';
import { evaluateRulesOverPeriod } from './alerts-service';
import { DEMO_RANGE } from './demo';
import { flowMonitoringSites } from './places-lookup';

type NewRule = typeof flowAlertRules.$inferInsert;

export const DEMO_ALERT_RULES: (Omit<NewRule, 'operationId' | 'siteId'> & { site: string })[] = [
  { id: '01950000-0000-7000-8000-00000000a001', site: 'BCP-SPIN-BOLDAK', direction: 'in', kind: 'ratio', window: '7d', factor: 2, notes: 'Inflow doubles: a neighbouring crossing may have closed.' },
  { id: '01950000-0000-7000-8000-00000000a002', site: 'BCP-SPIN-BOLDAK', direction: 'in', kind: 'absolute', window: '7d', threshold: 30_000, notes: 'Reception capacity of the Spin Boldak transit centre for a week.' },
  { id: '01950000-0000-7000-8000-00000000a003', site: 'BCP-TORKHAM', direction: 'in', kind: 'ratio', window: '7d', factor: 1.4, notes: 'Inflow 40 % above the usual week.' },
  { id: '01950000-0000-7000-8000-00000000a004', site: 'BCP-TORKHAM', direction: 'in', kind: 'absolute', window: '1d', threshold: 3_000, notes: 'More than 3,000 arrivals in one day.' },
];
/** Alerts before this day are acknowledged by the demo analyst. */
const HANDLED_BEFORE = '2025-01-01';

export async function seedFlowAlertsDemo(tx: Tx): Promise<{ rules: number; alerts: number; ms: number }> {
  const t0 = Date.now();
  const sites = new Map((await flowMonitoringSites(tx, 'AFG')).map((s) => [s.code, s.id]));
  const values = DEMO_ALERT_RULES.filter((r) => sites.has(r.site)).map(({ site, ...r }) => ({ ...r, operationId: 'AFG', siteId: sites.get(site)! }));
  if (!values.length) return { rules: 0, alerts: 0, ms: 0 };
  const inserted = await tx.insert(flowAlertRules).values(values).onConflictDoNothing().returning();
  if (!inserted.length) return { rules: 0, alerts: 0, ms: Date.now() - t0 };
  const alerts = await evaluateRulesOverPeriod(tx, inserted, DEMO_RANGE.from, DEMO_RANGE.to);
  const ruleIds = inArray(flowAlerts.ruleId, inserted.map((r) => r.id));
  // Raised the evening the day's counts came in (as the demo counts are entered at 18:00 UTC).
  await tx.update(flowAlerts).set({ raisedAt: sql`(${flowAlerts.date} + time '18:05') at time zone 'UTC'` }).where(ruleIds);
  const [analyst] = await tx.select({ id: users.id }).from(users).where(eq(users.username, 'analyst')).limit(1);
  if (analyst)
    await tx
      .update(flowAlerts)
      .set({ status: 'acknowledged', acknowledgedAt: sql`(${flowAlerts.date} + 1 + time '09:30') at time zone 'UTC'`, acknowledgedBy: analyst.id, acknowledgeNote: 'IFRP second phase: partners informed, reception scaled up.' })
      .where(and(ruleIds, lt(flowAlerts.date, HANDLED_BEFORE), eq(flowAlerts.status, 'open')));
  return { rules: inserted.length, alerts, ms: Date.now() - t0 };
}
