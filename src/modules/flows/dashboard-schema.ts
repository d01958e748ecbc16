import { bigint, boolean, doublePrecision, date, integer, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';

/**
 * Dashboard rollups, derived from flow_counts and flow_surveys and kept current by database
 * triggers in the same transaction as every write (custom migration `flows_dashboard_triggers`),
 * whoever writes: the API, imports, the demo seed. A backup restores them as they were (restore
 * switches triggers off). `flow_dash_rebuild()` recomputes everything from the source tables.
 */

/**
 * Counted flow per site × bucket × direction. `grain` 'w' = ISO week (bucket = its Monday),
 * 'm' = calendar month (bucket = the 1st). `pub` false = every current version, true = only the
 * published ones (what holders of reports.published.read alone may see).
 */
export const flowDashCounts = pgTable(
  'flow_dash_counts',
  {
    operationId: text('operation_id').notNull(),
    grain: text('grain', { enum: ['w', 'm'] }).notNull(),
    pub: boolean('pub').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    siteId: uuid('site_id').notNull(),
    direction: text('direction').notNull(),
    days: integer('days').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    men: bigint('men', { mode: 'number' }).notNull(),
    women: bigint('women', { mode: 'number' }).notNull(),
    boys: bigint('boys', { mode: 'number' }).notNull(),
    girls: bigint('girls', { mode: 'number' }).notNull(),
    deported: bigint('deported', { mode: 'number' }).notNull(),
    spontaneous: bigint('spontaneous', { mode: 'number' }).notNull(),
    otherReason: bigint('other_reason', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.operationId, t.grain, t.pub, t.bucket, t.siteId, t.direction] })],
);

/**
 * Survey answers per site × week block × direction × dimension, one row holding every answer of
 * that dimension as parallel arrays (keys sorted): keys[i] was given by surveys[i] surveys of
 * people[i] people, est[i] weighted to the counted flow: in each site-week, est = people × counted
 * / surveyed people, so the weighted total of a site-week equals its counted flow (same direction).
 * One added survey changes the estimate of every answer of its site-week (the weight depends on
 * the surveyed people), so a row per answer meant rewriting ~200 rows per site-week and their
 * blocks; a row per dimension is 7 rows. `lvl` 0 = one ISO week, 1 = 4 weeks, 2 = 52 weeks
 * (blocks counted from Monday 2000-01-03), so a ten-year period reads ~40 buckets instead of 520
 * weeks. `site_key` is the site id, or '*' for all sites of the operation together (levels 1 and
 * 2 only). dims: all ('' key), doc, reason, stay, adm1, adm2, origin ('' = not answered).
 * *_pub arrays count only site-weeks with published counted flow, weighted to that flow (an answer
 * may have surveys_pub 0). The view flow_dash_survey_rows (migration 0021) shows one row per answer.
 */
export const flowDashAnswers = pgTable(
  'flow_dash_answers',
  {
    operationId: text('operation_id').notNull(),
    lvl: smallint('lvl').notNull(),
    siteKey: text('site_key').notNull(),
    direction: text('direction').notNull(),
    bucket: date('bucket', { mode: 'string' }).notNull(),
    dim: text('dim').notNull(),
    keys: text('keys').array().notNull(),
    surveys: integer('surveys').array().notNull(),
    people: bigint('people', { mode: 'number' }).array().notNull(),
    est: doublePrecision('est').array().notNull(),
    surveysPub: integer('surveys_pub').array().notNull(),
    peoplePub: bigint('people_pub', { mode: 'number' }).array().notNull(),
    estPub: doublePrecision('est_pub').array().notNull(),
  },
  // The key is the order both the dashboard and the triggers read in: one site (or '*'),
  // direction and a set of buckets per level.
  (t) => [primaryKey({ columns: [t.operationId, t.lvl, t.siteKey, t.direction, t.bucket, t.dim] })],
);
