import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';

const operation = z.string().min(2).max(10);

/** One sentence of a status message as a message code (src/shared/messages.ts, docs/errors.md) and its parameters. */
export const messagePart = z.object({
  code: z.string().describe('Message code, e.g. batch.addedExisting'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
/** The sentences of `message` in order (its English is their texts joined by a space); null when the message has no codes (older text, or none). */
export const messageParts = z.array(messagePart).nullable().describe('The sentences of message as message codes with parameters, for clients that show them in their own language; null when the message has no codes');

export const jobView = z.object({
  id: z.string(),
  kind: z.string(),
  operationId: z.string().nullable(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.object({ done: z.number().int(), total: z.number().int().nullable() }),
  message: z.string().nullable(),
  messageParts,
  result: z.unknown(),
  attempts: z.number().int(),
  cancelRequested: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobViewT = z.infer<typeof jobView>;
export const jobParams = z.object({ id: z.uuid() });

export const importField = z.object({
  key: z.string(),
  label: z.string(),
  required: z.boolean(),
  multiple: z.boolean(),
  options: z.array(z.string()),
  description: z.string().nullable(),
});
export const importKind = z.object({ kind: z.string(), label: z.string(), permission: z.string(), fields: z.array(importField) });
export const importKinds = z.object({ items: z.array(importKind) });
export const kindsQuery = z.object({ operation });
export type ImportKindView = z.infer<typeof importKind>;

/** `sheet`: in a Kobo/ODK workbook read with its repeat sheet, the sheet whose row `row` is. */
export const importIssue = z.object({
  row: z.number().int(),
  sheet: z.string().optional(),
  field: z.string(),
  column: z.string().nullable(),
  /** Message code (src/shared/messages.ts, docs/errors.md) and its parameters: clients show them in their own language. */
  code: z.string().optional().describe('Message code, e.g. cell.notYesNo (absent in reports stored before codes existed)'),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** The English sentence of code and params. */
  message: z.string(),
  severity: z.literal('warning').optional(),
});
export type ImportIssueView = z.infer<typeof importIssue>;

export const IMPORT_STATUS_VALUES = ['uploaded', 'validating', 'validated', 'committing', 'committed', 'unchanged', 'failed', 'cancelled'] as const;

export const importSummary = z.object({ rows: z.number().int(), valid: z.number().int(), invalid: z.number().int(), existing: z.number().int(), inserted: z.number().int(), warnings: z.number().int().optional() });

export const batchView = z.object({
  id: z.string(),
  operationId: z.string(),
  kind: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  fileSize: z.number().int(),
  status: z.enum(IMPORT_STATUS_VALUES),
  mode: z.enum(['all', 'valid']).nullable(),
  headers: z.array(z.string()),
  /** The first rows of the file, to help mapping (shown to the uploader only). */
  sample: z.array(z.array(z.string())),
  estimatedRows: z.number().int(),
  suggestedMapping: z.record(z.string(), z.string()),
  mapping: z.record(z.string(), z.string()).nullable(),
  summary: importSummary.nullable(),
  issueCount: z.number().int(),
  /** The first problems (all of them: GET /imports/:id/issues). */
  issues: z.array(importIssue),
  message: z.string().nullable(),
  messageParts,
  /** A committed batch of the same file, when there is one (re-importing it adds nothing). */
  duplicateOf: z.string().nullable(),
  job: jobView.nullable(),
  createdAt: z.string(),
  committedAt: z.string().nullable(),
});
export type BatchView = z.infer<typeof batchView>;

export const uploadQuery = z.object({
  operation,
  kind: z.string().min(3).max(60),
  fileName: z.string().trim().min(1).max(200).default('upload'),
});
export const batchParams = z.object({ id: z.uuid() });
export const mappingBody = z.record(z.string().max(60), z.string().max(300));
export const validateBody = z.object({ mapping: mappingBody });
export const commitBody = z.object({ mode: z.enum(['all', 'valid']), mapping: mappingBody.optional() });
export const batchesQuery = pageQuery.extend({ operation, kind: z.string().max(60).optional() });
export const batchesPage = pageOf(batchView.omit({ sample: true, headers: true, suggestedMapping: true, issues: true }));
export const issuesQuery = pageQuery;
export const issuesPage = pageOf(importIssue);
