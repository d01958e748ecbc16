import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import { ALERT_RULE_KINDS, ALERT_STATUSES, ALERT_WINDOWS } from './alerts-kinds';
import { DIRECTIONS } from './kinds';
import { schemaText } from '../../shared/messages';

const operation = z.string().min(2).max(10);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, schemaText('value.isoDate'));
const boolish = z.enum(['true', 'false']).transform((v) => v === 'true');

/** What a rule checks; `kind` decides which of factor / threshold is needed. */
const ruleSettings = z.object({
  direction: z.enum(DIRECTIONS).default('in'),
  kind: z.enum(ALERT_RULE_KINDS),
  /** Absolute rules: the day itself (1d) or the 7 days ending on it (7d). Ratio rules always use 7d. */
  window: z.enum(ALERT_WINDOWS).default('7d'),
  /** Ratio rules: fire when the 7-day flow is above factor × (the previous 28 days' daily average × 7). */
  factor: z.number().gt(0).max(100).nullish(),
  /** Absolute rules: fire when the flow in the window is above this number. */
  threshold: z.number().int().min(0).max(100_000_000).nullish(),
  /** Never fire when the flow in the window is below this (keeps small flows quiet). */
  minTotal: z.number().int().min(0).max(100_000_000).default(0),
  active: z.boolean().default(true),
  notes: z.string().trim().max(1000).nullish(),
});

export const alertRuleCreate = ruleSettings.extend({
  /** Client-generated UUIDv7 (optional). */
  id: z.uuid().optional(),
  operationId: operation,
  siteId: z.uuid(),
});
export type AlertRuleCreate = z.infer<typeof alertRuleCreate>;

export const alertRuleUpdate = z.object({
  window: z.enum(ALERT_WINDOWS).optional(),
  factor: z.number().gt(0).max(100).nullish(),
  threshold: z.number().int().min(0).max(100_000_000).nullish(),
  minTotal: z.number().int().min(0).max(100_000_000).optional(),
  active: z.boolean().optional(),
  notes: z.string().trim().max(1000).nullish(),
});
export type AlertRuleUpdate = z.infer<typeof alertRuleUpdate>;

export const alertRuleView = z.object({
  id: z.string(),
  operationId: z.string(),
  siteId: z.string(),
  siteCode: z.string(),
  siteName: z.string(),
  direction: z.enum(DIRECTIONS),
  kind: z.enum(ALERT_RULE_KINDS),
  window: z.enum(ALERT_WINDOWS),
  factor: z.number().nullable(),
  threshold: z.number().int().nullable(),
  minTotal: z.number().int(),
  active: z.boolean(),
  notes: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Alerts of this rule not acknowledged yet. */
  openAlerts: z.number().int(),
});
export type AlertRuleView = z.infer<typeof alertRuleView>;

export const alertRulesQuery = pageQuery.extend({
  operation,
  site: z.uuid().optional(),
  active: boolish.optional(),
});
export const alertRulesPage = pageOf(alertRuleView);
export const alertRuleParams = z.object({ id: z.uuid() });

export const alertView = z.object({
  id: z.string(),
  operationId: z.string(),
  ruleId: z.string(),
  siteId: z.string(),
  siteCode: z.string(),
  siteName: z.string(),
  direction: z.enum(DIRECTIONS),
  /** Last day of the window that went above the level. */
  date: z.string(),
  kind: z.enum(ALERT_RULE_KINDS),
  window: z.enum(ALERT_WINDOWS),
  observed: z.number().int(),
  /** Ratio rules: the expected 7-day flow (28-day daily average × 7). */
  expected: z.number().nullable(),
  /** The level the flow went above (factor × expected, or the threshold). */
  level: z.number(),
  factor: z.number().nullable(),
  raisedAt: z.string(),
  /** open → acknowledged; withdrawn when a later count put the window below the rule; open again if it rises again. */
  status: z.enum(ALERT_STATUSES),
  acknowledged: z.object({ at: z.string(), by: z.string().nullable(), byName: z.string().nullable(), note: z.string().nullable() }).nullable(),
  /** Withdrawn alerts: when, whose count did it, and the window's flow then (null: a ratio rule left without a baseline). */
  withdrawn: z.object({ at: z.string(), by: z.string().nullable(), byName: z.string().nullable(), observed: z.number().int().nullable() }).nullable(),
  /** When a withdrawn alert last fired again (its figures are then the new ones). */
  reopenedAt: z.string().nullable(),
});
export type AlertView = z.infer<typeof alertView>;

export const alertsQuery = pageQuery.extend({
  operation,
  site: z.uuid().optional(),
  rule: z.uuid().optional(),
  /** One status or several, comma-separated (`open,acknowledged`: all but the withdrawn). */
  status: z
    .string()
    .transform((v) => [...new Set(v.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.enum(ALERT_STATUSES)).min(1))
    .optional(),
  direction: z.enum(DIRECTIONS).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const alertsPage = pageOf(alertView);
export const alertParams = z.object({ id: z.uuid() });
/** The body may be left out (no note). */
export const alertAcknowledge = z.preprocess((v) => v ?? {}, z.object({ note: z.string().trim().max(1000).nullish() }));
