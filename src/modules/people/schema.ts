import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, unique, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../db/columns';
import { operations, organisations } from '../places/schema';
import {
  BIRTH_PRECISIONS,
  CONSENT_PURPOSES,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  HOUSEHOLD_STATUSES,
  POPULATION_GROUPS,
  RELATIONSHIPS,
  REMOVAL_REASONS,
  SEXES,
} from './kinds';

/** Per-operation counter behind household references (AFG-HH-000123); one row per operation. */
export const peopleSequences = pgTable('people_sequences', {
  operationId: text('operation_id').primaryKey().references(() => operations.id),
  lastHousehold: integer('last_household').notNull().default(0),
});

/**
 * A registered household. `version` counts edits of the household or anything in it (members,
 * documents, consent); each version's full picture is a row of people_household_versions.
 */
export const peopleHouseholds = pgTable(
  'people_households',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    reference: text('reference').notNull(),
    /** Random, unguessable token printed as a QR code on the household's card. */
    qrToken: text('qr_token').notNull(),
    status: text('status', { enum: HOUSEHOLD_STATUSES }).notNull().default('active'),
    populationGroup: text('population_group', { enum: POPULATION_GROUPS }).notNull(),
    organisationId: uuid('organisation_id').references(() => organisations.id),
    currentPcode: text('current_pcode'),
    currentSiteId: uuid('current_site_id'),
    originPcode: text('origin_pcode'),
    destinationPcode: text('destination_pcode'),
    destinationSiteId: uuid('destination_site_id'),
    crossingSiteId: uuid('crossing_site_id'),
    crossingDate: date('crossing_date', { mode: 'string' }),
    femaleHeaded: boolean('female_headed').notNull().default(false),
    notes: text('notes'),
    /** Set when every member was merged into another household (status `merged`); see people/merge.ts. */
    mergedInto: uuid('merged_into').references((): AnyPgColumn => peopleHouseholds.id),
    version: integer('version').notNull().default(1),
    /** sha256 of the canonical create body (idempotent re-POST). */
    bodyHash: text('body_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('people_households_reference_uq').on(t.reference),
    unique('people_households_qr_uq').on(t.qrToken),
    index('people_households_list_idx').on(t.operationId, t.createdAt, t.id),
    index('people_households_pcode_idx').on(t.operationId, t.currentPcode),
    index('people_households_organisation_idx').on(t.organisationId),
    index('people_households_merged_into_idx').on(t.mergedInto),
    check('people_households_version_check', sql`${t.version} >= 1`),
  ],
);

/**
 * A person, member of one household. Names in Latin and Arabic script (all optional, at least one).
 * `searchKeys` and `matchKeys` are derived from the other fields on every write (see keys.ts).
 */
export const peopleIndividuals = pgTable(
  'people_individuals',
  {
    id: uuid('id').primaryKey(),
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    operationId: text('operation_id').notNull().references(() => operations.id),
    relationship: text('relationship', { enum: RELATIONSHIPS }).notNull(),
    /** Position in the household (the head is 0). */
    position: smallint('position').notNull().default(0),
    givenName: text('given_name'),
    fatherName: text('father_name'),
    familyName: text('family_name'),
    givenNameAr: text('given_name_ar'),
    fatherNameAr: text('father_name_ar'),
    familyNameAr: text('family_name_ar'),
    sex: text('sex', { enum: SEXES }).notNull(),
    birthPrecision: text('birth_precision', { enum: BIRTH_PRECISIONS }),
    /** The date of birth exactly as typed. */
    birthInput: text('birth_input'),
    /** Normalised Gregorian date (first plausible day for coarse precisions). */
    birthDate: date('birth_date', { mode: 'string' }),
    birthYearFrom: smallint('birth_year_from'),
    birthYearTo: smallint('birth_year_to'),
    phones: jsonb('phones').$type<{ number: string; label: string | null }[]>().notNull().default(sql`'[]'::jsonb`),
    washingtonGroup: jsonb('washington_group').$type<Record<string, string | null> | null>(),
    specificNeeds: text('specific_needs').array().notNull().default(sql`'{}'::text[]`),
    uasc: boolean('uasc').notNull().default(false),
    elsewhereOperationId: text('elsewhere_operation_id').references(() => operations.id),
    removedAt: timestamp('removed_at', { withTimezone: true, mode: 'date' }),
    removalReason: text('removal_reason', { enum: REMOVAL_REASONS }),
    /** The surviving record this one was merged into (removed with reason `duplicate`); see people/merge.ts. */
    mergedInto: uuid('merged_into').references((): AnyPgColumn => peopleIndividuals.id),
    /** Normalised tokens for search: n:<name key>, s:<skeleton>, d:<document (and one-deletion variants)>, p:<phone>. */
    searchKeys: text('search_keys').array().notNull().default(sql`'{}'::text[]`),
    /** The engine's input for duplicate lookup, normalised (see keys.ts). */
    matchKeys: jsonb('match_keys').$type<Record<string, string | number | null>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('people_individuals_household_idx').on(t.householdId, t.position),
    index('people_individuals_operation_idx').on(t.operationId, t.id),
    index('people_individuals_elsewhere_idx').on(t.elsewhereOperationId),
    index('people_individuals_merged_into_idx').on(t.mergedInto),
    // fastupdate off: a pending list left by bulk inserts made every search scan it (PGlite has no autovacuum to flush it).
    index('people_individuals_search_idx').using('gin', t.searchKeys).with({ fastupdate: false }),
  ],
);

/** Identity documents of a person; the status lives in people_document_statuses (history). */
export const peopleDocuments = pgTable(
  'people_documents',
  {
    id: uuid('id').primaryKey(),
    individualId: uuid('individual_id').notNull().references(() => peopleIndividuals.id),
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    operationId: text('operation_id').notNull().references(() => operations.id),
    type: text('type', { enum: DOCUMENT_TYPES }).notNull(),
    number: text('number').notNull(),
    issuingCountry: text('issuing_country').notNull(),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    /** Current status (copy of the latest history row, for filters). */
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('people_documents_individual_idx').on(t.individualId),
    index('people_documents_household_idx').on(t.householdId),
    index('people_documents_operation_idx').on(t.operationId, t.type),
  ],
);

export const peopleDocumentStatuses = pgTable(
  'people_document_statuses',
  {
    id: uuid('id').primaryKey(),
    documentId: uuid('document_id').notNull().references(() => peopleDocuments.id),
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull(),
    on: date('on', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    note: text('note'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('people_document_statuses_doc_idx').on(t.documentId, t.createdAt), index('people_document_statuses_household_idx').on(t.householdId)],
);

/** Consent given for a purpose; withdrawn by setting withdrawn_at (never deleted). */
export const peopleConsents = pgTable(
  'people_consents',
  {
    id: uuid('id').primaryKey(),
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    individualId: uuid('individual_id').references(() => peopleIndividuals.id),
    purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
    givenOn: date('given_on', { mode: 'string' }).notNull(),
    notes: text('notes'),
    recordedBy: uuid('recorded_by'),
    recordedAt: createdAt(),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }),
    withdrawnBy: uuid('withdrawn_by'),
    withdrawalReason: text('withdrawal_reason'),
  },
  (t) => [index('people_consents_household_idx').on(t.householdId), index('people_consents_individual_idx').on(t.individualId)],
);

/** Every version of a household: a JSON snapshot of the whole household as it was after the change. */
export const peopleHouseholdVersions = pgTable(
  'people_household_versions',
  {
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    version: integer('version').notNull(),
    action: text('action').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.householdId, t.version] })],
);
