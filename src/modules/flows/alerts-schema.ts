import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../db/columns';
import { operations, sites } from '../places/schema';
import { ALERT_RULE_KINDS, ALERT_STATUSES, ALERT_WINDOWS } from './alerts-kinds';
import { DIRECTIONS } from './kinds';

/**
 * Surge alert rules, one per crossing point and direction (several may exist):
 * - `ratio`: the 7-day flow ending on a day is above `factor` × the expected 7-day flow, where the
 *   expectation is the daily average of the 28 days before that week × 7;
 * - `absolute`: the flow of the day (`window` 1d) or of the 7 days ending on it (7d) is above `threshold`.
 * `minTotal` keeps tiny flows from firing. Rules are switched off, never deleted (alerts point at them).
 */
export const flowAlertRules = pgTable(
  'flow_alert_rules',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    siteId: uuid('site_id').notNull().references(() => sites.id),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    kind: text('kind', { enum: ALERT_RULE_KINDS }).notNull(),
    window: text('window', { enum: ALERT_WINDOWS }).notNull().default('7d'),
    factor: doublePrecision('factor'),
    threshold: integer('threshold'),
    minTotal: integer('min_total').notNull().default(0),
    active: boolean('active').notNull().default(true),
    notes: text('notes'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('flow_alert_rules_site_idx').on(t.siteId, t.direction),
    index('flow_alert_rules_operation_idx').on(t.operationId),
    check(
      'flow_alert_rules_kind_check',
      sql`(${t.kind} = 'ratio' and ${t.factor} is not null and ${t.factor} > 0 and ${t.window} = '7d') or (${t.kind} = 'absolute' and ${t.threshold} is not null and ${t.threshold} >= 0)`,
    ),
    check('flow_alert_rules_min_check', sql`${t.minTotal} >= 0`),
  ],
);

/**
 * One alert per rule and day it fires (`date` = last day of the evaluated window). The figures
 * are those seen when it was raised (or re-opened). Status: `open` → `acknowledged` (who, when,
 * a note); either becomes `withdrawn` when a count written later makes the window no longer fire
 * (who wrote it, when, the flow then); a withdrawn alert whose window fires again is `open` again
 * with the new figures (`reopened_at`; the acknowledgement is cleared, the audit log keeps it).
 */
export const flowAlerts = pgTable(
  'flow_alerts',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    ruleId: uuid('rule_id').notNull().references(() => flowAlertRules.id),
    siteId: uuid('site_id').notNull().references(() => sites.id),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    kind: text('kind', { enum: ALERT_RULE_KINDS }).notNull(),
    window: text('window', { enum: ALERT_WINDOWS }).notNull(),
    /** The flow in the window. */
    observed: integer('observed').notNull(),
    /** Ratio rules: the expected 7-day flow (28-day daily average × 7). */
    expected: doublePrecision('expected'),
    /** The level the flow went above. */
    level: doublePrecision('level').notNull(),
    raisedAt: createdAt(),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('open'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true, mode: 'date' }),
    acknowledgedBy: uuid('acknowledged_by'),
    acknowledgeNote: text('acknowledge_note'),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }),
    /** The user whose count (entry, correction, import) made the window no longer fire. */
    withdrawnBy: uuid('withdrawn_by'),
    /** The flow in the window when it was withdrawn (null: a ratio rule left without a baseline). */
    withdrawnObserved: integer('withdrawn_observed'),
    /** Last time a withdrawn alert fired again. */
    reopenedAt: timestamp('reopened_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('flow_alerts_rule_day_uq').on(t.ruleId, t.date),
    index('flow_alerts_list_idx').on(t.operationId, t.date, t.id),
    index('flow_alerts_site_idx').on(t.siteId, t.date),
    check('flow_alerts_status_check', sql`${t.status} in ('open', 'acknowledged', 'withdrawn')`),
  ],
);
