import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import { ARRIVAL_PERIODS, DISPLACEMENT_REASONS, EVENT_TYPES, ROUND_KINDS, ROUND_STATUSES, SECTORS, SITE_SERVICES } from './kinds';
import { schemaText } from '../../shared/messages';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, schemaText('value.isoDate'))
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), schemaText('value.notCalendarDate'));
const n = z.number().int().min(0).max(50_000_000);
const operation = z.string().min(2).max(10);
const pcode = z.string().trim().toUpperCase().min(2).max(20);
const text = (max: number) => z.string().trim().min(1).max(max);

// Rounds -----------------------------------------------------------------------------------------

export const roundCreate = z.object({
  /** Client-generated UUIDv7: re-sending the same id and body answers the stored round. */
  id: z.uuid(),
  operationId: operation,
  kind: z.enum(ROUND_KINDS),
  /** Defaults to the next number for the operation and kind. */
  roundNumber: z.number().int().min(1).max(10_000).optional(),
  name: text(200),
  /** The date the figures describe (DTM's reportingDate). */
  referenceDate: isoDate,
  periodFrom: isoDate.nullish(),
  periodTo: isoDate.nullish(),
  notes: z.string().trim().max(2000).nullish(),
});
export type RoundCreate = z.infer<typeof roundCreate>;

export const roundPatch = z
  .object({
    name: text(200),
    referenceDate: isoDate,
    periodFrom: isoDate.nullable(),
    periodTo: isoDate.nullable(),
    notes: z.string().trim().max(2000).nullable(),
  })
  .partial();
export type RoundPatch = z.infer<typeof roundPatch>;

const workflowStamp = z.object({ at: z.string(), by: z.string().nullable() }).nullable();

const groupTotals = z.object({ ind: z.number().int(), hh: z.number().int() });
export const baselineTotals = z.object({ idps: groupTotals, returnees: groupTotals, idpReturnees: groupTotals, outMigrants: groupTotals });
export type BaselineTotals = z.infer<typeof baselineTotals>;

export const roundView = z.object({
  id: z.string(),
  operationId: z.string(),
  kind: z.enum(ROUND_KINDS),
  roundNumber: z.number().int(),
  name: z.string(),
  referenceDate: z.string(),
  periodFrom: z.string().nullable(),
  periodTo: z.string().nullable(),
  notes: z.string().nullable(),
  status: z.enum(ROUND_STATUSES),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  submitted: workflowStamp,
  verified: workflowStamp,
  published: workflowStamp,
  /** Assessments (current versions) the caller may see. */
  assessments: z.number().int(),
});
export type RoundView = z.infer<typeof roundView>;

export const roundsQuery = pageQuery.extend({
  operation,
  kind: z.enum(ROUND_KINDS).optional(),
  status: z.enum(ROUND_STATUSES).optional(),
});
export const roundsPage = pageOf(roundView);
export const idParams = z.object({ id: z.uuid() });

// Assessments ------------------------------------------------------------------------------------

const group = z.object({ ind: n.default(0), hh: n.default(0) });
const groups = z.object({
  /** Internally displaced people living in the location. */
  idps: group.default({ ind: 0, hh: 0 }),
  /** Returnees from abroad (Pakistan, Iran, …) living in the location. */
  returnees: group.default({ ind: 0, hh: 0 }),
  /** Former IDPs who went back to their home location. */
  idpReturnees: group.default({ ind: 0, hh: 0 }),
  /** People who left the location for abroad. */
  outMigrants: group.default({ ind: 0, hh: 0 }),
});
const needs = z
  .array(z.enum(SECTORS))
  .max(6)
  .default([])
  .refine((xs) => new Set(xs).size === xs.length, schemaText('mobility.needsOnce'));

export const baselineFigures = z.object({
  kind: z.literal('baseline'),
  /** The district (admin 2) P-code; checked against the gazetteer. */
  admin2Pcode: pcode,
  /** A settlement or site of the district, when the row is not for the whole district. */
  siteId: z.uuid().nullish(),
  settlement: z.string().trim().min(1).max(200).nullish(),
  /** Totals per population group (individuals and households). */
  figures: groups,
  /** The same figures by arrival period; when given, each group's periods add up to its total. */
  byPeriod: z.partialRecord(z.enum(ARRIVAL_PERIODS), groups.partial()).nullish(),
  /** IDPs by sex (optional; when both are given they add up to the IDP individuals). */
  idpMales: n.nullish(),
  idpFemales: n.nullish(),
  displacementReason: z.enum(DISPLACEMENT_REASONS).nullish(),
  /** Province the IDPs mainly come from. */
  idpOriginAdmin1Pcode: pcode.nullish(),
  notes: z.string().trim().max(2000).nullish(),
});

export const siteFigures = z.object({
  kind: z.literal('site'),
  /** A site from the places module (camp, informal settlement, transit centre …). */
  siteId: z.uuid(),
  individuals: n,
  households: n,
  /** Services available on the site. */
  services: z.array(z.enum(SITE_SERVICES)).max(SITE_SERVICES.length).default([]),
  /** Sectors, most urgent first. */
  priorityNeeds: needs,
  notes: z.string().trim().max(2000).nullish(),
});

export const eventFigures = z.object({
  kind: z.literal('event'),
  admin2Pcode: pcode,
  eventType: z.enum(EVENT_TYPES),
  eventDate: isoDate,
  affectedHh: n,
  displacedHh: n,
  /** Displaced individuals, when counted (DTM API ETT rows serve this; null = not counted). */
  displacedInd: n.nullish(),
  damagedShelters: n.default(0),
  destroyedShelters: n.default(0),
  /** Sectors, most urgent first. */
  priorityNeeds: needs,
  notes: z.string().trim().max(2000).nullish(),
});

export const assessmentFigures = z.discriminatedUnion('kind', [baselineFigures, siteFigures, eventFigures]);
export type AssessmentFigures = z.infer<typeof assessmentFigures>;

export const assessmentCreate = z.discriminatedUnion('kind', [
  baselineFigures.extend({ id: z.uuid() }),
  siteFigures.extend({ id: z.uuid() }),
  eventFigures.extend({ id: z.uuid() }),
]);
export type AssessmentCreate = z.infer<typeof assessmentCreate>;

export const assessmentCorrection = z.discriminatedUnion('kind', [
  baselineFigures.extend({ baseVersion: z.number().int().min(1) }),
  siteFigures.extend({ baseVersion: z.number().int().min(1) }),
  eventFigures.extend({ baseVersion: z.number().int().min(1) }),
]);
export type AssessmentCorrection = z.infer<typeof assessmentCorrection>;

const periodGroups = z.object({ idps: groupTotals, returnees: groupTotals, idpReturnees: groupTotals, outMigrants: groupTotals });

export const assessmentVersionView = z.object({
  version: z.number().int(),
  current: z.boolean(),
  admin1Pcode: z.string(),
  admin2Pcode: z.string(),
  siteId: z.string().nullable(),
  settlement: z.string().nullable(),
  figures: baselineTotals.nullable(),
  byPeriod: z.record(z.string(), periodGroups).nullable(),
  idpMales: z.number().int().nullable(),
  idpFemales: z.number().int().nullable(),
  displacementReason: z.string().nullable(),
  idpOriginAdmin1Pcode: z.string().nullable(),
  individuals: z.number().int().nullable(),
  households: z.number().int().nullable(),
  services: z.array(z.string()).nullable(),
  eventType: z.string().nullable(),
  eventDate: z.string().nullable(),
  affectedHh: z.number().int().nullable(),
  displacedHh: z.number().int().nullable(),
  displacedInd: z.number().int().nullable(),
  damagedShelters: z.number().int().nullable(),
  destroyedShelters: z.number().int().nullable(),
  priorityNeeds: z.array(z.string()).nullable(),
  notes: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});

export const assessmentView = assessmentVersionView.extend({
  id: z.string(),
  operationId: z.string(),
  roundId: z.string(),
  kind: z.enum(ROUND_KINDS),
  admin1Name: z.string().nullable(),
  admin2Name: z.string().nullable(),
  /** Names in the local script (Dari for AFG), when the gazetteer has them. */
  admin1NameLocal: z.string().nullable(),
  admin2NameLocal: z.string().nullable(),
  siteCode: z.string().nullable(),
  siteName: z.string().nullable(),
});
export type AssessmentView = z.infer<typeof assessmentView>;

export const assessmentDetail = assessmentView.extend({
  roundStatus: z.enum(ROUND_STATUSES),
  /** Every version, newest first (the first is the current one). */
  history: z.array(assessmentVersionView),
});
export type AssessmentDetail = z.infer<typeof assessmentDetail>;

export const assessmentsQuery = pageQuery.extend({
  /** A province or district P-code prefix (AF01, AF0101). */
  area: pcode.optional(),
});
export const assessmentsPage = pageOf(assessmentView);

// Summary ----------------------------------------------------------------------------------------

export const districtSummary = z.object({
  admin1Pcode: z.string(),
  admin2Pcode: z.string(),
  assessments: z.number().int(),
  idps: z.number().int(),
  returnees: z.number().int(),
  idpReturnees: z.number().int(),
  outMigrants: z.number().int(),
  idpHh: z.number().int(),
  returneeHh: z.number().int(),
  individuals: z.number().int(),
  households: z.number().int(),
  affectedHh: z.number().int(),
  displacedHh: z.number().int(),
  /** Sum of the displaced individuals of the event assessments that counted them. */
  displacedInd: z.number().int(),
  damagedShelters: z.number().int(),
  destroyedShelters: z.number().int(),
});
export const roundSummary = z.object({
  roundId: z.string(),
  kind: z.enum(ROUND_KINDS),
  status: z.enum(ROUND_STATUSES),
  totals: districtSummary.omit({ admin1Pcode: true, admin2Pcode: true }),
  /** One entry per district with at least one visible assessment, by P-code. */
  districts: z.array(districtSummary),
  /** Per province, by P-code. */
  provinces: z.array(districtSummary.omit({ admin2Pcode: true })),
});
export type RoundSummary = z.infer<typeof roundSummary>;
