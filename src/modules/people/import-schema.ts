import { sql } from 'drizzle-orm';
import { check, index, pgTable, real, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from '../../db/columns';
import { operations } from '../places/schema';
import { peopleHouseholds, peopleIndividuals } from './schema';

/**
 * Possible duplicates found by the bulk import's check before commit (the batch against itself
 * and against the registry). The officer imported anyway; each row flags one imported person and
 * the person they may be (an earlier household, or another row of the same file). The review
 * queue reads these; nothing is merged here.
 */
export const peopleImportDuplicates = pgTable(
  'people_import_duplicates',
  {
    id: uuid('id').primaryKey(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    /** The imported person and household. */
    individualId: uuid('individual_id').notNull().references(() => peopleIndividuals.id),
    householdId: uuid('household_id').notNull().references(() => peopleHouseholds.id),
    /** Who they may be: an earlier registration or another person of the same file. */
    candidateIndividualId: uuid('candidate_individual_id').notNull().references(() => peopleIndividuals.id),
    candidateHouseholdId: uuid('candidate_household_id').notNull().references(() => peopleHouseholds.id),
    /** registry: against households stored before the import; batch: within the file. */
    source: text('source', { enum: ['registry', 'batch'] }).notNull(),
    score: real('score').notNull(),
    decision: text('decision', { enum: ['match', 'review'] }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('people_import_duplicates_operation_idx').on(t.operationId, t.createdAt),
    index('people_import_duplicates_individual_idx').on(t.individualId),
    index('people_import_duplicates_household_idx').on(t.householdId),
    index('people_import_duplicates_candidate_idx').on(t.candidateIndividualId),
    index('people_import_duplicates_candidate_household_idx').on(t.candidateHouseholdId),
    check('people_import_duplicates_distinct_check', sql`${t.individualId} <> ${t.candidateIndividualId}`),
  ],
);
