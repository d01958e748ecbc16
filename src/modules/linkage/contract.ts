/**
 * Privacy-preserving linkage API (Zod), shared by the server and the web app. All under /api/v1;
 * every route needs `people.linkage` in the operation; exports, matches and their links are seen
 * only by the user who started them (404 for anyone else).
 *
 *   POST /linkage/exports                      exportCreate → exportView (202; a background job)
 *   GET  /linkage/exports?operation=AFG        → exportsPage
 *   GET  /linkage/exports/:id                  → exportView
 *   GET  /linkage/exports/:id/file             → the encoded file, CSV `id,clk` (ids are pseudonyms of this export)
 *   POST /linkage/matches                      matchCreate → matchView (202; a background job)
 *   GET  /linkage/matches?operation=AFG        → matchesPage
 *   GET  /linkage/matches/:id                  → matchView
 *   GET  /linkage/matches/:id/links?status=…   → linksPage (best first)
 *   POST /linkage/links/:id/decision           linkDecision → linkView (confirm or reject; audited)
 *
 * The shared secret travels only in request bodies (never in a URL), is held in the server's memory
 * until the job has used it, and is never stored or logged.
 */
import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import { jobView } from '../imports/contract';

const operation = z.string().min(2).max(10);
/** At least 16 characters: a long random value agreed with the partner for this exchange only. */
export const linkageSecret = z.string().min(16, 'The secret must have at least 16 characters.').max(200);

export const LINKAGE_STATUS_VALUES = ['queued', 'running', 'ready', 'failed'] as const;
export const LINK_STATUS_VALUES = ['pending', 'confirmed', 'rejected'] as const;

export const exportCreate = z.object({ operationId: operation, secret: linkageSecret });
export type ExportCreate = z.infer<typeof exportCreate>;

export const exportView = z.object({
  id: z.string(),
  operationId: z.string(),
  status: z.enum(LINKAGE_STATUS_VALUES),
  /** People encoded (null until ready). */
  records: z.number().int().nullable(),
  message: z.string().nullable(),
  job: jobView.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ExportView = z.infer<typeof exportView>;

/** The partner's encoded file (`id,clk`, as `hamrah pprl encode` or an export of theirs writes it) as text. */
export const matchCreate = z.object({
  operationId: operation,
  secret: linkageSecret,
  /** Who the partner is, e.g. the agency's name. */
  partner: z.string().trim().min(1).max(200),
  fileName: z.string().trim().min(1).max(200).default('partner.csv'),
  content: z.string().min(1).max(80 * 1024 * 1024),
});
export type MatchCreate = z.infer<typeof matchCreate>;

export const matchView = z.object({
  id: z.string(),
  operationId: z.string(),
  status: z.enum(LINKAGE_STATUS_VALUES),
  partner: z.string(),
  fileName: z.string(),
  partnerRecords: z.number().int(),
  ourRecords: z.number().int().nullable(),
  matchLinks: z.number().int().nullable(),
  reviewLinks: z.number().int().nullable(),
  /** Links still to decide. */
  pending: z.number().int(),
  message: z.string().nullable(),
  job: jobView.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type MatchView = z.infer<typeof matchView>;

export const linkView = z.object({
  id: z.string(),
  matchId: z.string(),
  /** Our household's reference and the person's name. */
  householdId: z.string(),
  householdReference: z.string(),
  personName: z.string(),
  /** The partner's id for the record: opaque, meaningful only to them. */
  partnerId: z.string(),
  /** Dice similarity of the two encodings (0–1). */
  dice: z.number(),
  decision: z.enum(['match', 'review']),
  status: z.enum(LINK_STATUS_VALUES),
  note: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
});
export type LinkView = z.infer<typeof linkView>;

export const linkDecision = z.object({ status: z.enum(['confirmed', 'rejected']), note: z.string().trim().max(500).nullish() });
export type LinkDecision = z.infer<typeof linkDecision>;

export const idParams = z.object({ id: z.uuid() });
export const listQuery = pageQuery.extend({ operation });
export const linksQuery = pageQuery.extend({ status: z.enum(LINK_STATUS_VALUES).optional() });
export const exportsPage = pageOf(exportView);
export const matchesPage = pageOf(matchView);
export const linksPage = pageOf(linkView);

export const resolveQuery = z.object({ pseudonym: z.string().trim().min(4).max(64) });
export const resolvedPerson = z.object({ householdId: z.string(), householdReference: z.string(), personName: z.string() });
