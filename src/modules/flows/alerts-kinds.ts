/** Value lists of surge alerts, shared by the tables, the contract and the web app (no database imports). */

export const ALERT_RULE_KINDS = ['ratio', 'absolute'] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** The window an absolute rule looks at: the day itself, or the 7 days ending on it. Ratio rules use 7d. */
export const ALERT_WINDOWS = ['7d', '1d'] as const;
export type AlertWindow = (typeof ALERT_WINDOWS)[number];

/** open → acknowledged; open or acknowledged → withdrawn (a later count lowered the flow); withdrawn → open (it rose again). */
export const ALERT_STATUSES = ['open', 'acknowledged', 'withdrawn'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
