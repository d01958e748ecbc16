import { z } from 'zod';
import { COUNT_STATUSES, DIRECTIONS, ORIGIN_COUNTRIES } from './kinds';
import { periodQuery } from './contract';

/**
 * Query strings of the flows exports (GET /api/v1/flows/exports/<kind>.<csv|xlsx>). Every
 * export is limited to the sites the caller reaches with its permission; an open period means
 * "everything the caller may see".
 */
const common = {
  operation: periodQuery.shape.operation,
  from: periodQuery.shape.from.optional(),
  to: periodQuery.shape.to.optional(),
  site: z.uuid().optional(),
  direction: z.enum(DIRECTIONS).optional(),
};

export const countsExportQuery = z.object({ ...common, status: z.enum(COUNT_STATUSES).optional() });
export type CountsExportQueryIn = z.infer<typeof countsExportQuery>;

export const surveyRowsExportQuery = z.object({ ...common, originCountry: z.enum(ORIGIN_COUNTRIES).optional() });

export const surveysExportQuery = surveyRowsExportQuery.extend({
  period: z.enum(['week', 'month']).default('week').describe('Aggregate per ISO week (Monday to Sunday) or calendar month'),
});

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

/** The export URLs, without the format suffix, for the web app's <ExportMenu>. */
export const FLOWS_EXPORT_URLS = {
  counts: '/api/v1/flows/exports/counts',
  surveys: '/api/v1/flows/exports/surveys',
  surveyRows: '/api/v1/flows/exports/survey-rows',
} as const;
