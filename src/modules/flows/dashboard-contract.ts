import { z } from 'zod';
import { DIRECTIONS } from './kinds';
import { schemaText } from '../../shared/messages';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, schemaText('value.isoDate'))
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), schemaText('value.notCalendarDate'));

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const SURVEY_DIMS = ['doc', 'reason', 'stay', 'adm1', 'adm2', 'origin'] as const;
export type SurveyDim = (typeof SURVEY_DIMS)[number];
/** A day series covers at most this many days (choose week or month beyond). */
export const MAX_DAY_SERIES = 400;

export const dashboardQuery = z.object({
  operation: z.string().min(2).max(10),
  from: isoDate,
  to: isoDate,
  granularity: z.enum(GRANULARITIES).default('week'),
  /** Comma-separated site ids (BCPs); default every site the caller may see. */
  sites: z.string().max(2000).optional(),
  direction: z.enum(DIRECTIONS).optional(),
  /** ISO3 of the neighbour country: keeps the crossings on that border. */
  neighbour: z.string().regex(/^[A-Za-z]{3}$/).optional(),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

const figures = z.object({
  total: z.number(),
  men: z.number(),
  women: z.number(),
  boys: z.number(),
  girls: z.number(),
  deported: z.number(),
  spontaneous: z.number(),
  otherReason: z.number(),
});
export type Figures = z.infer<typeof figures>;

export const seriesPoint = z.object({ bucket: z.string(), siteId: z.string(), direction: z.enum(DIRECTIONS), total: z.number(), deported: z.number(), spontaneous: z.number(), otherReason: z.number() });

export const surveyItem = z.object({
  key: z.string(),
  /** Surveys (interviewed groups) that gave this answer. */
  surveys: z.number(),
  /** People in those groups. */
  people: z.number(),
  /** People in the counted flow this answer stands for: each site-week weighted to its count. */
  weighted: z.number(),
});

export const dashboardView = z.object({
  operation: z.string(),
  from: z.string(),
  to: z.string(),
  granularity: z.enum(GRANULARITIES),
  /** 'all': every current version at the sites the caller may see (flows.read); 'published': published versions only (reports.published.read). */
  mode: z.enum(['all', 'published']),
  sites: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), neighbourCountry: z.string().nullable(), areaPcode: z.string().nullable() })),
  headline: z.object({
    inflow: z.number(),
    outflow: z.number(),
    surveys: z.number(),
    /** Inflow in the 7 days ending `to`, the 7 days before, and the change in percent (null without a base). */
    lastWeekInflow: z.number(),
    previousWeekInflow: z.number(),
    weekOnWeekPct: z.number().nullable(),
  }),
  inflow: figures,
  outflow: figures,
  series: z.array(seriesPoint),
  surveys: z.object({
    /** Survey figures cover the ISO weeks (Monday–Sunday) that start inside the period. */
    weeks: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
    surveys: z.number(),
    people: z.number(),
    /** Counted flow of the surveyed site-weeks (= the weighted total). */
    weightedTotal: z.number(),
    /** Counted flow in those weeks at the selected sites, surveyed or not. */
    countedInWeeks: z.number(),
    dims: z.record(z.string(), z.array(surveyItem)),
  }),
  /**
   * Baseline (mobility tracking) per district: IDPs present in the latest published baseline round
   * the caller may read (through the mobility module's DTM service); null when there is none.
   */
  baseline: z.object({ roundNumber: z.number(), referenceDate: z.string(), districts: z.array(z.object({ pcode: z.string(), idps: z.number() })) }).nullable(),
});
export type DashboardView = z.infer<typeof dashboardView>;
