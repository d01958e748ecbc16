/**
 * Import batches: upload → preview (headers, suggested mapping) → validate (job) → commit (job).
 * A batch is visible to the user who uploaded it, and only while they still hold the kind's
 * permission in the operation; anyone else gets 404.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, desc, eq, getTableColumns, inArray, ne, sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, forbidden, invalid, issueAt, notFound } from '../../server/errors';
import { defineJob, enqueueJob, getJob, getJobs, jobMessageParts, presentJob, type JobContext, type JobRow } from '../../server/jobs';
import { holds } from '../../server/permissions';
import { decodeCursor, encodeCursor, takePage } from '../../server/pagination';
import { uuidv7 } from '../../shared/ids';
import { englishOf, englishOfAll, MESSAGE_CODES, msg, type Message } from '../../shared/messages';
import { suggestMapping } from '../../imports/mapping';
import { readHeaders, runImport, type ImportIssue, type ImportPhase, type ImportRun, type ImportSummary } from '../../imports/pipeline';
import { detectFormat, type FileFormat } from '../../imports/source';
import type { ImportAdapter } from '../../imports/types';
import { loadGrants } from '../access/sessions';
import { users } from '../access/schema';
import { importAdapter, importAdapters } from './adapters';
import type { BatchView, ImportKindView } from './contract';
import { importBatches, type ImportBatchRow, type ImportMode } from './schema';

export const RUN_JOB = 'import.run';
const REPORT_ISSUES = 200;
const STORED_ISSUES = 10_000;

/** Every column but the file itself (read only when a run needs it). */
const { content: _content, ...META } = getTableColumns(importBatches);
type BatchMeta = Omit<ImportBatchRow, 'content'>;
/** List rows leave out the heavy columns (up to 10,000 stored issues, the sample, the headers). */
const { issues: _issues, sample: _sample, headers: _headers, ...LIST_COLUMNS } = META;

/** The file of a batch. Stored gzip-compressed and moved as base64 text: PGlite handles large text far faster than bytea parameters. */
async function loadContent(tx: Tx, id: string): Promise<Buffer> {
  const [r] = await rows<{ c: string }>(tx, sql`select encode(${importBatches.content}, 'base64') as c from ${importBatches} where ${importBatches.id} = ${id}`);
  return gunzipSync(Buffer.from(r.c, 'base64'));
}

const PHASE_TEXT: Record<ImportPhase, string> = {
  validating: englishOf(msg('batch.validating')),
  checking: englishOf(msg('batch.checking')),
  writing: englishOf(msg('batch.writing')),
};
/** The sentences an import batch and its job store as their message (message codes `batch.*`). */
const BATCH_CODES = MESSAGE_CODES.filter((c) => c.startsWith('batch.'));

/**
 * What a run's outcome says, as status sentences (`batch.*`): rows added, the file imported
 * before, nothing written, or the validation's result, then the warnings to look at.
 */
export function outcomeMessages(outcome: 'committed' | 'unchanged' | 'rejected' | 'validated', s: ImportSummary, earlier: string | null): Message[] {
  if (outcome === 'committed') {
    const { inserted, existing, invalid } = s;
    const one = inserted === 1;
    if (existing && invalid) return [msg(one ? 'batch.addedOneExistingInvalid' : 'batch.addedExistingInvalid', { inserted, existing, invalid })];
    if (existing) return [msg(one ? 'batch.addedOneExisting' : 'batch.addedExisting', { inserted, existing })];
    if (invalid) return [msg(one ? 'batch.addedOneInvalid' : 'batch.addedInvalid', { inserted, invalid })];
    return [msg(one ? 'batch.addedOne' : 'batch.added', { inserted })];
  }
  if (outcome === 'unchanged') return [msg('batch.importedBefore', { batch: earlier ?? '?' })];
  if (outcome === 'rejected') return [msg('batch.rejected', { invalid: s.invalid, rows: s.rows })];
  const parts = [s.invalid ? msg('batch.problems', { invalid: s.invalid, rows: s.rows }) : s.existing ? msg('batch.allValidExisting', { rows: s.rows, existing: s.existing }) : msg('batch.allValid', { rows: s.rows })];
  if (s.warnings) parts.push(msg(s.warnings === 1 ? 'batch.warningOne' : 'batch.warnings', { warnings: s.warnings }));
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Access

/** The adapter of a kind the user may import in the operation: 403 without the permission anywhere, 404 outside the operation. */
function adapterFor(auth: AuthContext, kind: string, operationId: string): ImportAdapter<unknown> {
  const adapter = importAdapter(kind);
  if (!adapter) throw invalid([issueAt('querystring.kind', 'import.kindUnknown', { kind, kinds: importAdapters().map((a) => a.kind).join(', ') })]);
  if (!holds(auth.grants, adapter.permission)) throw forbidden(adapter.permission);
  if (!holds(auth.grants, adapter.permission, operationId)) throw notFound(`No operation ${operationId}.`);
  return adapter;
}

/** The user's own batch while they may still import its kind there; 404 otherwise. */
async function ownBatch(tx: Tx, auth: AuthContext, id: string): Promise<{ batch: BatchMeta; adapter: ImportAdapter<unknown> }> {
  const [batch] = await tx.select(META).from(importBatches).where(eq(importBatches.id, id)).limit(1);
  const adapter = batch ? importAdapter(batch.kind) : undefined;
  if (!batch || !adapter || batch.createdBy !== auth.user.id || !holds(auth.grants, adapter.permission, batch.operationId)) throw notFound('No such import.');
  return { batch, adapter };
}

export function listKinds(auth: AuthContext, operationIn: string): ImportKindView[] {
  const operationId = operationIn.toUpperCase();
  return importAdapters()
    .filter((a) => holds(auth.grants, a.permission, operationId))
    .map((a) => ({
      kind: a.kind,
      label: a.label,
      permission: a.permission,
      fields: a.fields.map((f) => ({ key: f.key, label: f.label, required: !!f.required, multiple: !!f.multiple, options: [...(f.options ?? [])], description: f.description ?? null })),
    }));
}

// ---------------------------------------------------------------------------------------------
// Views

async function duplicateOf(tx: Tx, b: BatchMeta): Promise<string | null> {
  const [d] = await tx
    .select({ id: importBatches.id })
    .from(importBatches)
    .where(and(eq(importBatches.operationId, b.operationId), eq(importBatches.kind, b.kind), eq(importBatches.fileHash, b.fileHash), eq(importBatches.status, 'committed'), ne(importBatches.id, b.id)))
    .limit(1);
  return d?.id ?? null;
}

/** What an import's list row shows: everything but its headers, sample, mapping suggestion and issues. */
type ListedBatch = Omit<BatchMeta, 'headers' | 'sample' | 'issues'>;
type BatchListItem = Omit<BatchView, 'headers' | 'sample' | 'suggestedMapping' | 'issues'>;

function listItemOf(b: ListedBatch, job: JobRow | null, duplicateOfId: string | null): BatchListItem {
  return {
    id: b.id,
    operationId: b.operationId,
    kind: b.kind,
    fileName: b.fileName,
    format: b.format,
    fileSize: b.fileSize,
    status: b.status,
    mode: b.mode ?? null,
    estimatedRows: b.estimatedRows ?? 0,
    mapping: b.mapping ?? null,
    summary: (b.summary as unknown as ImportSummary | null) ?? null,
    issueCount: b.issueCount,
    message: b.message ?? null,
    // Read back from the stored sentence (no code column): rows from before codes are named too.
    messageParts: jobMessageParts({ kind: RUN_JOB, message: b.message ?? null }),
    duplicateOf: duplicateOfId,
    job: job ? presentJob(job) : null,
    createdAt: b.createdAt.toISOString(),
    committedAt: b.committedAt?.toISOString() ?? null,
  };
}

async function present(tx: Tx, b: BatchMeta, adapter: ImportAdapter<unknown>): Promise<BatchView> {
  const job = b.jobId ? await getJob(tx, b.jobId) : null;
  return {
    ...listItemOf(b, job, await duplicateOf(tx, b)),
    headers: b.headers,
    sample: b.sample ?? [],
    suggestedMapping: suggestMapping(b.headers, adapter.fields),
    issues: (b.issues ?? []).slice(0, REPORT_ISSUES),
  };
}

// ---------------------------------------------------------------------------------------------
// Use cases

export interface UploadInput {
  operation: string;
  kind: string;
  fileName: string;
  contentType?: string;
  bytes: Buffer;
}

async function storeBatch(tx: Tx, auth: AuthContext, actor: Actor, input: UploadInput, status: ImportBatchRow['status'] = 'uploaded'): Promise<{ batch: BatchMeta; adapter: ImportAdapter<unknown> }> {
  const operationId = input.operation.toUpperCase();
  const adapter = adapterFor(auth, input.kind, operationId);
  if (!input.bytes.length) throw invalid([issueAt('body', 'import.fileEmpty')]);
  const format: FileFormat = detectFormat(input.bytes, input.fileName, input.contentType);
  let preview: Awaited<ReturnType<typeof readHeaders>>;
  try {
    preview = await readHeaders(input.bytes, format, { joinRepeats: adapter.joinRepeatSheets });
  } catch (err) {
    throw invalid([issueAt('body', 'import.fileUnreadable', { reason: (err as Error).message })], 'The file cannot be read.');
  }
  const headers = preview.headers;
  if (!headers.length || headers.every((h) => !h)) throw invalid([issueAt('body', 'import.noHeaderRow')]);
  const [batch] = await tx
    .insert(importBatches)
    .values({
      id: uuidv7(),
      operationId,
      kind: adapter.kind,
      fileName: path.basename(input.fileName).slice(0, 200),
      format,
      fileHash: createHash('sha256').update(input.bytes).digest('hex'),
      fileSize: input.bytes.length,
      content: sql`decode(${gzipSync(input.bytes, { level: 1 }).toString('base64')}, 'base64')`,
      headers,
      sample: preview.sample,
      estimatedRows: preview.estimatedRows,
      status,
      createdBy: auth.user.id,
    })
    .returning(META);
  await audit(tx, actor, { action: 'import.upload', entityType: 'import_batch', entityId: batch.id, operationId, details: { kind: adapter.kind, fileName: batch.fileName, format, bytes: batch.fileSize } });
  return { batch, adapter };
}

export async function uploadBatch(tx: Tx, auth: AuthContext, actor: Actor, input: UploadInput): Promise<BatchView> {
  const { batch, adapter } = await storeBatch(tx, auth, actor, input);
  return present(tx, batch, adapter);
}

export async function getBatch(tx: Tx, auth: AuthContext, id: string): Promise<BatchView> {
  const { batch, adapter } = await ownBatch(tx, auth, id);
  return present(tx, batch, adapter);
}

export async function listBatches(tx: Tx, auth: AuthContext, q: { operation: string; kind?: string; limit: number; cursor?: string }) {
  const operationId = q.operation.toUpperCase();
  // With a kind: that kind's permission (403 without it anywhere, 404 outside the operation).
  const kinds = q.kind ? [adapterFor(auth, q.kind, operationId).kind] : importAdapters().filter((a) => holds(auth.grants, a.permission, operationId)).map((a) => a.kind);
  if (!kinds.length) {
    if (!importAdapters().some((a) => holds(auth.grants, a.permission))) throw forbidden('an import permission');
    throw notFound(`No operation ${q.operation}.`);
  }
  const where = and(eq(importBatches.operationId, operationId), eq(importBatches.createdBy, auth.user.id), sql`${importBatches.kind} in ${kinds}`)!;
  const [{ total }] = await tx.select({ total: sql<number>`count(*)::int` }).from(importBatches).where(where);
  const after = decodeCursor(q.cursor, 1);
  const list = await tx
    .select(LIST_COLUMNS)
    .from(importBatches)
    .where(after ? and(where, sql`${importBatches.id} < ${String(after[0])}::uuid`) : where)
    .orderBy(desc(importBatches.id))
    .limit(q.limit + 1);
  const page = takePage(list, q.limit, (b) => [b.id]);
  // The page's jobs and earlier committed copies of the same files, one query each.
  const jobIds = page.rows.map((b) => b.jobId).filter((id): id is string => !!id);
  const jobById = await getJobs(tx, jobIds);
  const hashes = [...new Set(page.rows.map((b) => b.fileHash))];
  const committed = hashes.length
    ? await tx
        .select({ id: importBatches.id, kind: importBatches.kind, fileHash: importBatches.fileHash })
        .from(importBatches)
        .where(and(eq(importBatches.operationId, operationId), eq(importBatches.status, 'committed'), inArray(importBatches.fileHash, hashes)))
    : [];
  const items = page.rows.map((b) =>
    listItemOf(b, b.jobId ? (jobById.get(b.jobId) ?? null) : null, committed.find((c) => c.kind === b.kind && c.fileHash === b.fileHash && c.id !== b.id)?.id ?? null),
  );
  return { items, total: Number(total), nextCursor: page.nextCursor };
}

export async function batchIssues(tx: Tx, auth: AuthContext, id: string, q: { limit: number; cursor?: string }) {
  const { batch } = await ownBatch(tx, auth, id);
  const all = batch.issues ?? [];
  const after = decodeCursor(q.cursor, 1);
  const start = after ? Number(after[0]) : 0;
  const items = all.slice(start, start + q.limit);
  const next = start + q.limit < all.length ? encodeCursor([start + q.limit]) : null;
  return { items, total: all.length, nextCursor: next };
}

const BUSY = new Set(['validating', 'committing']);

async function queueRun(tx: Tx, auth: AuthContext, actor: Actor, id: string, input: { mapping?: Record<string, string>; commit: boolean; mode?: ImportMode }): Promise<BatchView> {
  const { batch, adapter } = await ownBatch(tx, auth, id);
  if (BUSY.has(batch.status)) throw conflict(msg(batch.status === 'validating' ? 'conflict.importValidating' : 'conflict.importCommitting'));
  if (batch.status === 'committed' || batch.status === 'unchanged') throw conflict(msg('conflict.importCommitted'));
  const mapping = input.mapping ?? batch.mapping ?? suggestMapping(batch.headers, adapter.fields);
  const job = await enqueueJob(tx, {
    kind: RUN_JOB,
    operationId: batch.operationId,
    createdBy: auth.user.id,
    payload: { batchId: batch.id, commit: input.commit, mode: input.mode ?? 'all' },
  });
  const [row] = await tx
    .update(importBatches)
    .set({ mapping, status: input.commit ? 'committing' : 'validating', mode: input.commit ? input.mode : batch.mode, jobId: job.id, message: null })
    .where(eq(importBatches.id, batch.id))
    .returning(META);
  if (input.commit) await audit(tx, actor, { action: 'import.commit_requested', entityType: 'import_batch', entityId: batch.id, operationId: batch.operationId, details: { kind: batch.kind, mode: input.mode } });
  return present(tx, row, adapter);
}

export function validateBatch(tx: Tx, auth: AuthContext, actor: Actor, id: string, mapping: Record<string, string>): Promise<BatchView> {
  return queueRun(tx, auth, actor, id, { mapping, commit: false });
}

export function commitBatch(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: { mode: ImportMode; mapping?: Record<string, string> }): Promise<BatchView> {
  return queueRun(tx, auth, actor, id, { mapping: body.mapping, commit: true, mode: body.mode });
}

// ---------------------------------------------------------------------------------------------
// Running (the job, and the CLI / benchmark entry point)

/** The user as the job sees them: their grants now (a grant taken away since the upload counts). */
async function authOf(tx: Tx, userId: string): Promise<AuthContext> {
  const [u] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u || u.disabled) throw new AppError('FORBIDDEN', msg('batch.ownerCannotImport'));
  return {
    user: { id: u.id, username: u.username, displayName: u.displayName, organisationId: u.organisationId, language: u.language, isDemo: u.isDemo },
    grants: await loadGrants(tx, u.id),
    via: 'token',
  };
}

export interface RunBatchOptions {
  commit: boolean;
  mode: ImportMode;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void | Promise<void>;
  throwIfCancelled?: () => void;
  requestId?: string | null;
}

/** Validates (and commits) a stored batch and records the outcome on it. */
export async function runBatch(database: Database, batchId: string, o: RunBatchOptions): Promise<ImportRun & { status: ImportBatchRow['status']; message: string }> {
  const db = database.db;
  const [batch] = await db.select(META).from(importBatches).where(eq(importBatches.id, batchId)).limit(1);
  if (!batch) throw new AppError('NOT_FOUND', msg('batch.noSuchImport'));
  const content = await loadContent(db, batch.id);
  const adapter = importAdapter(batch.kind);
  if (!adapter) throw new AppError('BAD_REQUEST', msg('batch.unknownKind', { kind: batch.kind }));
  if (!batch.createdBy) throw new AppError('FORBIDDEN', msg('batch.noOwner'));
  const auth = await authOf(db, batch.createdBy);
  if (!holds(auth.grants, adapter.permission, batch.operationId)) throw new AppError('FORBIDDEN', msg('batch.permissionGone', { permission: adapter.permission, operationId: batch.operationId }));
  const actor: Actor = { userId: batch.createdBy, requestId: o.requestId ?? null };
  const earlier = await duplicateOf(db, batch);
  const commit = o.commit && !earlier;
  const mapping = batch.mapping ?? suggestMapping(batch.headers, adapter.fields);
  let status: ImportBatchRow['status'] = 'validated';
  let message = '';
  const run = await runImport({
    database,
    adapter,
    auth,
    userId: batch.createdBy,
    operationId: batch.operationId,
    batch: { id: batch.id, name: batch.fileName },
    bytes: content,
    format: batch.format,
    mapping,
    mode: o.mode,
    commit,
    onProgress: o.onProgress,
    throwIfCancelled: o.throwIfCancelled,
    maxIssues: STORED_ISSUES,
    finish: async (tx, summary) => {
      await tx
        .update(importBatches)
        .set({ status: 'committed', committedAt: new Date(), summary: { ...summary }, issues: [], issueCount: 0, mapping, mode: o.mode })
        .where(eq(importBatches.id, batch.id));
      await audit(tx, actor, {
        action: 'import.commit',
        entityType: 'import_batch',
        entityId: batch.id,
        operationId: batch.operationId,
        details: { kind: batch.kind, fileName: batch.fileName, mode: o.mode, ...summary },
      });
    },
  });
  const s = run.summary;
  const outcome = run.outcome === 'committed' ? 'committed' : o.commit && earlier ? 'unchanged' : run.outcome === 'rejected' ? 'rejected' : 'validated';
  status = outcome === 'rejected' ? 'failed' : outcome;
  message = englishOfAll(outcomeMessages(outcome, s, earlier));
  // The committed state and the audit row were written with the rows; the report goes with the batch.
  await db
    .update(importBatches)
    .set({ status, message, summary: { ...s }, issues: run.issues as ImportIssue[], issueCount: run.issueCount, mapping, ...(status === 'committed' ? {} : { mode: o.commit ? o.mode : batch.mode }) })
    .where(eq(importBatches.id, batch.id));
  return { ...run, status, message };
}

/**
 * After a commit that wrote rows: on PGlite, vacuums and analyses the tables the kind names
 * (`tidyTables`), outside any transaction. The import job and `hamrah import` call it once the
 * import itself is reported; PostgreSQL needs nothing (autovacuum). Returns the tables tidied.
 */
export async function tidyAfterImport(database: Database, kind: string): Promise<string[]> {
  const tables = importAdapter(kind)?.tidyTables ?? [];
  if (database.kind !== 'pglite' || tables.length === 0) return [];
  for (const t of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(t)) throw new Error(`Not a table name: ${t}`);
    await database.db.execute(sql.raw(`vacuum (analyze) ${t}`));
  }
  return [...tables];
}

/**
 * The batch a run left busy, once its job failed or was cancelled (running, or still queued: then
 * inside the cancelling transaction): failed or cancelled with the job's sentence, so it can be
 * validated or committed again.
 */
async function failBatch(db: Tx, job: JobRow, message: string, cancelled = false) {
  const batchId = (job.payload as { batchId?: string }).batchId;
  if (!batchId) return;
  await db
    .update(importBatches)
    .set({ status: cancelled ? 'cancelled' : 'failed', message })
    .where(and(eq(importBatches.id, batchId), eq(importBatches.jobId, job.id), sql`${importBatches.status} in ('validating', 'committing')`));
}

defineJob(
  RUN_JOB,
  async (ctx: JobContext) => {
    const p = ctx.job.payload as { batchId: string; commit: boolean; mode: ImportMode };
    const run = await runBatch(ctx.database, p.batchId, {
      commit: p.commit,
      mode: p.mode,
      throwIfCancelled: ctx.throwIfCancelled,
      onProgress: (phase, done, total) => ctx.progress(done, total, PHASE_TEXT[phase]),
    });
    await ctx.progress(run.summary.rows, run.summary.rows, run.message, true);
    if (run.status === 'committed' && run.summary.inserted > 0) {
      const [b] = await ctx.database.db.select({ kind: importBatches.kind }).from(importBatches).where(eq(importBatches.id, p.batchId));
      if (b) await tidyAfterImport(ctx.database, b.kind);
    }
    return { batchId: p.batchId, status: run.status, summary: run.summary, issueCount: run.issueCount };
  },
  {
    onFailed: (database, job, message, cancelled) => failBatch(database.db, job, message, cancelled),
    onAbandoned: (database, job, message) => failBatch(database.db, job, message),
    onCancelledQueued: (tx, job, message) => failBatch(tx, job, message, true),
    messages: BATCH_CODES,
  },
);

// ---------------------------------------------------------------------------------------------
// Direct use: CLI and benchmarks

export interface ImportFileOptions {
  operation: string;
  /** Field → column; fields not given use the suggested mapping. */
  mapping?: Record<string, string>;
  mode?: ImportMode;
  fileName?: string;
  /** false: validate only. */
  commit?: boolean;
}

export interface ImportFileResult {
  batchId: string;
  status: ImportBatchRow['status'];
  message: string;
  summary: ImportSummary;
  issues: ImportIssue[];
  issueCount: number;
  mapping: Record<string, string>;
}

/**
 * Imports a file in this process, without the job queue: stores the batch (so a re-import is
 * recognised), validates, commits, reports progress. `user` is a user id or username.
 */
export async function importFile(
  database: Database,
  user: string,
  kind: string,
  file: string | Buffer,
  options: ImportFileOptions,
  onProgress?: (phase: ImportPhase, done: number, total: number) => void | Promise<void>,
): Promise<ImportFileResult> {
  const bytes = typeof file === 'string' ? await fs.readFile(file) : file;
  const [u] = await database.db
    .select({ id: users.id })
    .from(users)
    .where(/^[0-9a-f-]{36}$/i.test(user) ? eq(users.id, user) : eq(users.username, user))
    .limit(1);
  if (!u) throw new AppError('NOT_FOUND', `No user ${user}.`);
  const auth = await authOf(database.db, u.id);
  const actor: Actor = { userId: u.id, requestId: null };
  const { batch, adapter } = await database.db.transaction((tx) =>
    storeBatch(tx as unknown as Tx, auth, actor, { operation: options.operation, kind, fileName: options.fileName ?? (typeof file === 'string' ? path.basename(file) : 'upload.csv'), bytes }),
  );
  const mapping = { ...suggestMapping(batch.headers, adapter.fields), ...(options.mapping ?? {}) };
  await database.db.update(importBatches).set({ mapping, status: options.commit === false ? 'validating' : 'committing' }).where(eq(importBatches.id, batch.id));
  try {
    const run = await runBatch(database, batch.id, { commit: options.commit !== false, mode: options.mode ?? 'all', onProgress });
    return { batchId: batch.id, status: run.status, message: run.message, summary: run.summary, issues: run.issues, issueCount: run.issueCount, mapping };
  } catch (err) {
    await database.db.update(importBatches).set({ status: 'failed', message: (err as Error).message }).where(eq(importBatches.id, batch.id));
    throw err;
  }
}

/** The job of a user (404 for anyone else). */
export async function ownJob(tx: Tx, auth: AuthContext, id: string): Promise<JobRow> {
  const job = await getJob(tx, id);
  if (!job || job.createdBy !== auth.user.id) throw notFound('No such job.');
  return job;
}
