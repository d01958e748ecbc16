import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from '../../db/columns';
import { operations, sites } from '../places/schema';
import { COUNT_STATUSES, DIRECTIONS, INTENDED_STAYS, SEXES } from './kinds';

const count = (name: string) => integer(name).notNull().default(0);

/**
 * Flow Monitoring Counting: one row per version of a count. A count is identified by its
 * client-generated id (UUIDv7); a correction adds version n+1 with the same id and moves the
 * `current` flag, so earlier versions stay readable. Workflow fields (status, who/when) change on
 * the current version; the counted figures of a version never change.
 */
export const flowCounts = pgTable(
  'flow_counts',
  {
    id: uuid('id').notNull(),
    version: integer('version').notNull(),
    current: boolean('current').notNull(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    siteId: uuid('site_id').notNull().references(() => sites.id),
    date: date('date', { mode: 'string' }).notNull(),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    neighbourCountry: text('neighbour_country').notNull(),
    total: integer('total').notNull(),
    men: count('men'),
    women: count('women'),
    boys: count('boys'),
    girls: count('girls'),
    afghan: count('afghan'),
    otherNationality: count('other_nationality'),
    /** Inflow only (null for outflow). */
    deported: integer('deported'),
    spontaneous: integer('spontaneous'),
    otherReason: integer('other_reason'),
    transportFoot: count('transport_foot'),
    transportCar: count('transport_car'),
    transportBus: count('transport_bus'),
    transportTruck: count('transport_truck'),
    transportOther: count('transport_other'),
    notes: text('notes'),
    status: text('status', { enum: COUNT_STATUSES }).notNull().default('draft'),
    /** sha256 of the canonical request body that created this version (idempotent re-sends). */
    bodyHash: text('body_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    submittedBy: uuid('submitted_by'),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    verifiedBy: uuid('verified_by'),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    publishedBy: uuid('published_by'),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.version] }),
    unique('flow_counts_key_uq').on(t.operationId, t.siteId, t.date, t.direction, t.neighbourCountry, t.version),
    // One current version per counted key.
    uniqueIndex('flow_counts_current_uq').on(t.operationId, t.siteId, t.date, t.direction, t.neighbourCountry).where(sql`${t.current}`),
    index('flow_counts_site_date_idx').on(t.siteId, t.date),
    index('flow_counts_period_idx').on(t.operationId, t.date, t.siteId).where(sql`${t.current}`),
    check('flow_counts_version_check', sql`${t.version} >= 1`),
    check('flow_counts_total_check', sql`${t.total} >= 0`),
    check(
      'flow_counts_breakdown_check',
      sql`${t.men} >= 0 and ${t.women} >= 0 and ${t.boys} >= 0 and ${t.girls} >= 0 and ${t.afghan} >= 0 and ${t.otherNationality} >= 0
        and ${t.transportFoot} >= 0 and ${t.transportCar} >= 0 and ${t.transportBus} >= 0 and ${t.transportTruck} >= 0 and ${t.transportOther} >= 0`,
    ),
  ],
);

/** Flow Monitoring Survey: one interviewed group. No names or other identifiers of people. */
export const flowSurveys = pgTable(
  'flow_surveys',
  {
    id: uuid('id').primaryKey(),
    // operation and site: one composite foreign key (below), which also holds the site to the operation.
    operationId: text('operation_id').notNull(),
    siteId: uuid('site_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    direction: text('direction', { enum: DIRECTIONS }).notNull(),
    respondentSex: text('respondent_sex', { enum: SEXES }).notNull(),
    respondentAgeBand: text('respondent_age_band').notNull(),
    groupSize: integer('group_size').notNull(),
    men: count('men'),
    women: count('women'),
    boys: count('boys'),
    girls: count('girls'),
    originCountry: text('origin_country').notNull(),
    /** Pakistani district (adm2) P-code when known. */
    originPcode: text('origin_pcode'),
    documents: text('documents').array().notNull(),
    reasons: text('reasons').array().notNull(),
    intendedStay: text('intended_stay', { enum: INTENDED_STAYS }).notNull(),
    destinationAdm1: text('destination_adm1'),
    destinationAdm2: text('destination_adm2'),
    vulnerabilities: text('vulnerabilities').array().notNull(),
    needs: text('needs').array().notNull(),
    consent: boolean('consent').notNull(),
    bodyHash: text('body_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    // One check per inserted row instead of two (operation, then site): a survey import writes tens of thousands.
    foreignKey({ name: 'flow_surveys_site_fk', columns: [t.operationId, t.siteId], foreignColumns: [sites.operationId, sites.id] }),
    // Leads with the foreign key's columns; a site has one operation, so per site it is in date order.
    index('flow_surveys_site_date_idx').on(t.siteId, t.operationId, t.date),
    index('flow_surveys_period_idx').on(t.operationId, t.date, t.siteId),
    check('flow_surveys_consent_check', sql`${t.consent}`),
    check('flow_surveys_group_check', sql`${t.groupSize} >= 1`),
  ],
);
