/**
 * Deduplication runs, the review queue and merges (API under /api/v1/dedup):
 *   POST /dedup/runs                               runStart → 202 runView (queues a `dedup.run` job)
 *   GET  /dedup/runs?operation=AFG                 → runsPage (newest first)
 *   GET  /dedup/runs/:id                           → runView (with the job's progress)
 *   POST /dedup/runs/:id/cancel                    → runView
 *   POST /dedup/runs/:id/confirm-matches           → confirmResult (merges the run's open match pairs)
 *   GET  /dedup/pairs?operation=AFG&status=open    pairsQuery → pairsPage (sorted by score)
 *   GET  /dedup/pairs/:a/:b                        → pairDetail (side by side, field verdicts)
 *   POST /dedup/pairs/:a/:b/decision               decisionBody → decisionResult
 *   GET  /dedup/merges?operation=AFG[&household=…] → mergesPage
 *   POST /dedup/merges/:id/undo                    → mergeView
 *   GET  /dedup/households/:id                     → householdFlags (open pairs per member, merges)
 *   POST /dedup/flags                              flagsBody → flagsResult (unresolved duplicates)
 */
import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import { messageParts } from '../imports/contract';
import { HUMAN_DECISIONS, PAIR_DECISIONS, PAIR_SOURCES, RUN_STATUSES, RUN_TRIGGERS } from './kinds';

const operation = z.string().min(2).max(10);

export const runStart = z.object({ operationId: operation });
export const runParams = z.object({ id: z.uuid() });
export const runsQuery = pageQuery.extend({ operation, limit: z.coerce.number().int().min(1).max(100).default(20) });

export const RUN_STAGES = ['read', 'normalise', 'block', 'score', 'cluster', 'compare', 'store'] as const;

export const runView = z.object({
  id: z.string(),
  operationId: z.string(),
  trigger: z.enum(RUN_TRIGGERS),
  status: z.enum(RUN_STATUSES),
  /** The step it is at (read, normalise, block, score, cluster, compare, store) while it runs. */
  stage: z.string().nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int().nullable() }),
  message: z.string().nullable(),
  messageParts,
  jobId: z.string().nullable(),
  cancelRequested: z.boolean(),
  /** Whole-registry figures: null for users whose grants cover only part of the operation. */
  records: z.number().int().nullable(),
  candidatePairs: z.number().int().nullable(),
  matchPairs: z.number().int().nullable(),
  reviewPairs: z.number().int().nullable(),
  stats: z.record(z.string(), z.unknown()).nullable(),
  /** Pairs of this run still open that the user may see. */
  openPairs: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** The run the review queue shows (latest succeeded). */
  current: z.boolean(),
});
export type RunView = z.infer<typeof runView>;
export const runsPage = pageOf(runView);

export const PAIR_STATES = ['open', 'skipped', 'duplicate', 'distinct'] as const;

export const pairsQuery = pageQuery.extend({
  operation,
  /** Default: the latest succeeded run. */
  run: z.uuid().optional(),
  status: z.enum(['open', 'skipped', 'decided', 'all']).default('open'),
  decision: z.enum(PAIR_DECISIONS).optional(),
  minScore: z.coerce.number().optional(),
  maxScore: z.coerce.number().optional(),
  /** Pairs with a member of this household. */
  household: z.uuid().optional(),
  sort: z.enum(['score_desc', 'score_asc']).default('score_desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PairsQuery = z.infer<typeof pairsQuery>;

export const personBrief = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  householdId: z.string(),
  householdReference: z.string(),
  relationship: z.string(),
  sex: z.string(),
  birthInput: z.string().nullable(),
  currentPcode: z.string().nullable(),
  registeredAt: z.string(),
});
export type PersonBrief = z.infer<typeof personBrief>;

export const pairView = z.object({
  runId: z.string(),
  idA: z.string(),
  idB: z.string(),
  score: z.number(),
  /** The engine's outcome: match pairs are proposed as duplicates, review pairs need a look. */
  decision: z.enum(PAIR_DECISIONS),
  state: z.enum(PAIR_STATES),
  /** run: a whole-registry run; import: flagged by a household import (`importBatch` names it). */
  source: z.enum(PAIR_SOURCES),
  importBatch: z.object({ id: z.string(), name: z.string() }).nullable(),
  a: personBrief,
  b: personBrief,
});
export type PairView = z.infer<typeof pairView>;
export const pairsPage = pageOf(pairView);

export const pairParams = z.object({ a: z.uuid(), b: z.uuid() });

export const FIELD_VERDICTS = ['agree', 'similar', 'differ', 'missing', 'info'] as const;
export const COMPARED_FIELDS = [
  'givenName',
  'fatherName',
  'familyName',
  'givenNameAr',
  'fatherNameAr',
  'familyNameAr',
  'sex',
  'birth',
  'documents',
  'phones',
  'currentPcode',
  'originPcode',
  'destinationPcode',
  'crossing',
  'household',
  'relationship',
  'registeredAt',
] as const;

export const fieldComparison = z.object({
  field: z.enum(COMPARED_FIELDS),
  a: z.string().nullable(),
  b: z.string().nullable(),
  verdict: z.enum(FIELD_VERDICTS),
});
export type FieldComparison = z.infer<typeof fieldComparison>;

export const recordView = z.object({
  id: z.string(),
  householdId: z.string(),
  householdReference: z.string(),
  householdStatus: z.string(),
  householdSize: z.number().int(),
  relationship: z.string(),
  displayName: z.string().nullable(),
  sensitive: z.boolean(),
  /** As stored, for display in the user's language (the field rows carry English-neutral text). */
  birth: z.object({ precision: z.string(), input: z.string(), date: z.string().nullable(), yearFrom: z.number().nullable(), yearTo: z.number().nullable() }).nullable(),
  /** Null unless the user may see this household's sensitive data. */
  documents: z.array(z.object({ type: z.string(), number: z.string(), issuingCountry: z.string(), status: z.string() })).nullable(),
});

export const pairDetail = z.object({
  pair: pairView,
  a: recordView,
  b: recordView,
  fields: z.array(fieldComparison),
  /** The engine's weight per field (log2 likelihood ratio; positive = evidence for the same person). */
  parts: z.record(z.string(), z.number()).nullable(),
  /** Which record a duplicate decision keeps by default. */
  suggestedSurvivorId: z.string(),
  /** Other open pairs between the two households (merge those before the heads). */
  related: z.array(pairView),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  mergeId: z.string().nullable(),
});
export type PairDetail = z.infer<typeof pairDetail>;

export const decisionBody = z.object({
  decision: z.enum([...HUMAN_DECISIONS, 'skip']),
  /** For duplicate: which of the two records survives (default: suggestedSurvivorId). */
  survivorId: z.uuid().optional(),
  note: z.string().trim().max(500).nullish(),
});
export type DecisionBody = z.infer<typeof decisionBody>;

export const mergeView = z.object({
  id: z.string(),
  operationId: z.string(),
  survivorId: z.string(),
  mergedId: z.string(),
  survivorName: z.string().nullable(),
  mergedName: z.string().nullable(),
  survivorHouseholdId: z.string(),
  survivorHouseholdReference: z.string(),
  mergedHouseholdId: z.string(),
  mergedHouseholdReference: z.string(),
  householdsMerged: z.boolean(),
  score: z.number().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  undoneAt: z.string().nullable(),
  undoneBy: z.string().nullable(),
});
export type MergeView = z.infer<typeof mergeView>;
export const mergesQuery = pageQuery.extend({ operation, household: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(100).default(50) });
export const mergesPage = pageOf(mergeView);
export const mergeParams = z.object({ id: z.uuid() });

export const decisionResult = z.object({ state: z.enum(PAIR_STATES), merge: mergeView.nullable() });
export type DecisionResult = z.infer<typeof decisionResult>;

export const confirmResult = z.object({
  merged: z.number().int(),
  /** Match pairs left open: blocked (a head with members, already merged) or beyond this request's limit. */
  left: z.number().int(),
  blocked: z.array(z.object({ idA: z.string(), idB: z.string(), reason: z.string() })),
});

export const householdParams = z.object({ id: z.uuid() });
export const householdFlags = z.object({
  /** Member id → unresolved possible duplicates (open match/review pairs of the latest run). */
  members: z.record(z.string(), z.object({ pairs: z.number().int(), maxScore: z.number(), match: z.boolean() })),
  merges: z.array(mergeView),
  /** Set when the household was merged into another. */
  mergedInto: z.object({ id: z.string(), reference: z.string() }).nullable(),
  canReview: z.boolean(),
});
export type HouseholdFlags = z.infer<typeof householdFlags>;

export const flagsBody = z.object({ operationId: operation, individualIds: z.array(z.uuid()).min(1).max(5000) });
export const flagsResult = z.object({ flagged: z.array(z.object({ id: z.string(), pairs: z.number().int(), maxScore: z.number(), match: z.boolean() })) });
