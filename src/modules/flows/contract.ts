import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import {
  AGE_BANDS,
  ALL_DOCUMENTS,
  COUNT_STATUSES,
  DIRECTIONS,
  INTENDED_STAYS,
  NEEDS,
  ORIGIN_COUNTRIES,
  REASONS,
  SEXES,
  VULNERABILITIES,
} from './kinds';
import { schemaText } from '../../shared/messages';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, schemaText('value.isoDate')).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), schemaText('value.notCalendarDate'));
const n = z.number().int().min(0).max(1_000_000);
const operation = z.string().min(2).max(10);
const iso3 = z.string().trim().regex(/^[A-Za-z]{3}$/, schemaText('value.iso3', { example: 'PAK' }));

// Counts -----------------------------------------------------------------------------------------

/** The counted figures of one version (what a correction replaces). */
export const countFigures = z.object({
  total: n,
  men: n,
  women: n,
  boys: n,
  girls: n,
  afghan: n,
  otherNationality: n,
  /** Inflow only: deported + spontaneous + otherReason = total. Leave out (or null) for outflow. */
  deported: n.nullish(),
  spontaneous: n.nullish(),
  otherReason: n.nullish(),
  /** People by transport mode; may be partial (sum ≤ total), never more than the total. */
  transport: z.object({ foot: n.default(0), car: n.default(0), bus: n.default(0), truck: n.default(0), other: n.default(0) }).default({ foot: 0, car: 0, bus: 0, truck: 0, other: 0 }),
  notes: z.string().trim().max(2000).nullish(),
});

export const countCreate = countFigures.extend({
  /** Client-generated UUIDv7: re-sending the same id and body answers the stored record. */
  id: z.uuid(),
  operationId: operation,
  siteId: z.uuid(),
  date: isoDate,
  direction: z.enum(DIRECTIONS),
  /** Defaults to the site's neighbour country. */
  neighbourCountry: iso3.optional(),
});
export type CountCreate = z.infer<typeof countCreate>;

export const countCorrection = countFigures.extend({
  /** The version being corrected: a stale one answers 409 instead of overwriting someone's change. */
  baseVersion: z.number().int().min(1),
});
export type CountCorrection = z.infer<typeof countCorrection>;

const workflowStamp = z.object({ at: z.string(), by: z.string().nullable() }).nullable();

export const countVersionView = z.object({
  version: z.number().int(),
  current: z.boolean(),
  status: z.enum(COUNT_STATUSES),
  total: z.number().int(),
  men: z.number().int(),
  women: z.number().int(),
  boys: z.number().int(),
  girls: z.number().int(),
  afghan: z.number().int(),
  otherNationality: z.number().int(),
  deported: z.number().int().nullable(),
  spontaneous: z.number().int().nullable(),
  otherReason: z.number().int().nullable(),
  transport: z.object({ foot: z.number().int(), car: z.number().int(), bus: z.number().int(), truck: z.number().int(), other: z.number().int() }),
  notes: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  submitted: workflowStamp,
  verified: workflowStamp,
  published: workflowStamp,
});

export const countView = countVersionView.extend({
  id: z.string(),
  operationId: z.string(),
  siteId: z.string(),
  siteCode: z.string(),
  siteName: z.string(),
  areaPcode: z.string().nullable(),
  date: z.string(),
  direction: z.enum(DIRECTIONS),
  neighbourCountry: z.string(),
});
export type CountView = z.infer<typeof countView>;

export const countDetail = countView.extend({
  /** Every version, newest first (the first is the current one). */
  history: z.array(countVersionView),
});
export type CountDetail = z.infer<typeof countDetail>;

export const countsQuery = pageQuery.extend({
  operation,
  site: z.uuid().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  direction: z.enum(DIRECTIONS).optional(),
  status: z.enum(COUNT_STATUSES).optional(),
});
export const countsPage = pageOf(countView);
export const countParams = z.object({ id: z.uuid() });

export const periodQuery = z.object({ operation, from: isoDate, to: isoDate });

// Surveys ----------------------------------------------------------------------------------------

const pcode = z.string().trim().toUpperCase().min(2).max(20);
const multi = <T extends readonly [string, ...string[]]>(values: T) => z.array(z.enum(values)).max(values.length).default([]);

export const surveyCreate = z.object({
  id: z.uuid(),
  operationId: operation,
  siteId: z.uuid(),
  date: isoDate,
  direction: z.enum(DIRECTIONS),
  respondentSex: z.enum(SEXES),
  respondentAgeBand: z.enum(AGE_BANDS),
  groupSize: z.number().int().min(1).max(500),
  men: n,
  women: n,
  boys: n,
  girls: n,
  originCountry: z.enum(ORIGIN_COUNTRIES),
  /** Pakistani district P-code (e.g. PK513) when the group comes from Pakistan and says where from. */
  originPcode: pcode.nullish(),
  /** Multi-select; the allowed values depend on the origin country (see kinds.ts). */
  documents: z.array(z.enum(ALL_DOCUMENTS)).min(1).max(ALL_DOCUMENTS.length),
  reasons: multi(REASONS),
  intendedStay: z.enum(INTENDED_STAYS),
  destinationAdm1: pcode.nullish(),
  destinationAdm2: pcode.nullish(),
  vulnerabilities: multi(VULNERABILITIES),
  needs: multi(NEEDS),
  /** The group agreed to be interviewed; a survey without consent is not stored. */
  consent: z.boolean(),
});
export type SurveyCreate = z.infer<typeof surveyCreate>;

export const surveyView = z.object({
  id: z.string(),
  operationId: z.string(),
  siteId: z.string(),
  siteCode: z.string(),
  date: z.string(),
  direction: z.enum(DIRECTIONS),
  respondentSex: z.enum(SEXES),
  respondentAgeBand: z.string(),
  groupSize: z.number().int(),
  men: z.number().int(),
  women: z.number().int(),
  boys: z.number().int(),
  girls: z.number().int(),
  originCountry: z.string(),
  originPcode: z.string().nullable(),
  documents: z.array(z.string()),
  reasons: z.array(z.string()),
  intendedStay: z.enum(INTENDED_STAYS),
  destinationAdm1: z.string().nullable(),
  destinationAdm2: z.string().nullable(),
  vulnerabilities: z.array(z.string()),
  needs: z.array(z.string()),
  consent: z.boolean(),
  createdAt: z.string(),
});
export type SurveyView = z.infer<typeof surveyView>;

export const surveysQuery = pageQuery.extend({
  operation,
  site: z.uuid().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  direction: z.enum(DIRECTIONS).optional(),
  originCountry: z.enum(ORIGIN_COUNTRIES).optional(),
});
export const surveysPage = pageOf(surveyView);
export const surveyParams = z.object({ id: z.uuid() });

// Summary ----------------------------------------------------------------------------------------

export const summaryView = z.object({
  operation: z.string(),
  from: z.string(),
  to: z.string(),
  /** Movements counted (current versions, any status) at the sites the caller may see. */
  inflow: z.number().int(),
  outflow: z.number().int(),
  /** Survey records (interviewed groups) in the period. */
  surveys: z.number().int(),
  deported: z.number().int(),
  spontaneous: z.number().int(),
  published: z.object({ inflow: z.number().int(), outflow: z.number().int() }),
  bySite: z.array(z.object({ siteId: z.string(), code: z.string(), name: z.string(), inflow: z.number().int(), outflow: z.number().int(), surveys: z.number().int() })),
});
export type SummaryView = z.infer<typeof summaryView>;
