import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../db/columns';
import { operations, sites } from '../places/schema';
import { EVENT_TYPES, ROUND_KINDS, ROUND_STATUSES } from './kinds';

const count = (name: string) => integer(name).notNull().default(0);

/**
 * A mobility tracking round: one baseline (per district or settlement), site assessment or
 * event/rapid assessment exercise of an operation. The workflow (draft → submitted → verified →
 * published) is the round's; its assessments are frozen once it is verified.
 */
export const mobilityRounds = pgTable(
  'mobility_rounds',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    kind: text('kind', { enum: ROUND_KINDS }).notNull(),
    roundNumber: integer('round_number').notNull(),
    name: text('name').notNull(),
    /** The date the figures describe (DTM's reportingDate). */
    referenceDate: date('reference_date', { mode: 'string' }).notNull(),
    periodFrom: date('period_from', { mode: 'string' }),
    periodTo: date('period_to', { mode: 'string' }),
    notes: text('notes'),
    status: text('status', { enum: ROUND_STATUSES }).notNull().default('draft'),
    bodyHash: text('body_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    submittedBy: uuid('submitted_by'),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    verifiedBy: uuid('verified_by'),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    publishedBy: uuid('published_by'),
  },
  (t) => [
    unique('mobility_rounds_number_uq').on(t.operationId, t.kind, t.roundNumber),
    index('mobility_rounds_list_idx').on(t.operationId, t.referenceDate, t.id),
    check('mobility_rounds_number_check', sql`${t.roundNumber} >= 1`),
    check('mobility_rounds_period_check', sql`${t.periodFrom} is null or ${t.periodTo} is null or ${t.periodFrom} <= ${t.periodTo}`),
  ],
);

/**
 * One version of an assessment of a round: a baseline row (district or settlement), a site
 * assessment or an event assessment of a district; which columns are filled depends on `kind`
 * (the round's kind). A correction adds version n+1 with the same id and moves `current`.
 */
export const mobilityAssessments = pgTable(
  'mobility_assessments',
  {
    id: uuid('id').notNull(),
    version: integer('version').notNull(),
    current: boolean('current').notNull(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    roundId: uuid('round_id').notNull(),
    kind: text('kind', { enum: ROUND_KINDS }).notNull(),
    admin1Pcode: text('admin1_pcode').notNull(),
    admin2Pcode: text('admin2_pcode').notNull(),
    siteId: uuid('site_id').references(() => sites.id),
    settlement: text('settlement'),
    /** What the assessment is about, unique among a round's current versions (adm2:…, site:…, stl:…). */
    locationKey: text('location_key').notNull(),
    // Baseline: totals (sums of the arrival-period breakdown in by_period).
    idpInd: count('idp_ind'),
    idpHh: count('idp_hh'),
    returneeInd: count('returnee_ind'),
    returneeHh: count('returnee_hh'),
    idpReturneeInd: count('idp_returnee_ind'),
    idpReturneeHh: count('idp_returnee_hh'),
    outMigrantInd: count('out_migrant_ind'),
    outMigrantHh: count('out_migrant_hh'),
    idpMales: integer('idp_males'),
    idpFemales: integer('idp_females'),
    displacementReason: text('displacement_reason'),
    idpOriginAdmin1Pcode: text('idp_origin_admin1_pcode'),
    byPeriod: jsonb('by_period'),
    // Site assessment.
    individuals: integer('individuals'),
    households: integer('households'),
    services: text('services').array(),
    // Event (rapid) assessment.
    eventType: text('event_type', { enum: EVENT_TYPES }),
    eventDate: date('event_date', { mode: 'string' }),
    affectedHh: integer('affected_hh'),
    displacedHh: integer('displaced_hh'),
    /** Displaced individuals (optional; null = not counted). Served by the DTM API as ETT's numPresentIdpInd. */
    displacedInd: integer('displaced_ind'),
    damagedShelters: integer('damaged_shelters'),
    destroyedShelters: integer('destroyed_shelters'),
    /** Sector codes, most urgent first. */
    priorityNeeds: text('priority_needs').array(),
    notes: text('notes'),
    bodyHash: text('body_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.version] }),
    foreignKey({ name: 'mobility_assessments_round_fk', columns: [t.roundId], foreignColumns: [mobilityRounds.id] }),
    uniqueIndex('mobility_assessments_current_uq').on(t.roundId, t.locationKey).where(sql`${t.current}`),
    index('mobility_assessments_round_idx').on(t.roundId, t.admin2Pcode, t.id),
    index('mobility_assessments_area_idx').on(t.operationId, t.admin2Pcode),
    index('mobility_assessments_site_idx').on(t.siteId),
    check('mobility_assessments_version_check', sql`${t.version} >= 1`),
    check('mobility_assessments_displaced_ind_check', sql`${t.displacedInd} is null or ${t.displacedInd} >= 0`),
    check(
      'mobility_assessments_counts_check',
      sql`${t.idpInd} >= 0 and ${t.idpHh} >= 0 and ${t.returneeInd} >= 0 and ${t.returneeHh} >= 0 and ${t.idpReturneeInd} >= 0 and ${t.idpReturneeHh} >= 0 and ${t.outMigrantInd} >= 0 and ${t.outMigrantHh} >= 0`,
    ),
  ],
);
