/**
 * Privacy-preserving linkage use cases (see docs/ARCHITECTURE.md, "Privacy-preserving linkage"):
 * export the registry as keyed Bloom-filter encodings, match a partner's encoded file, review the
 * candidate links. The encoding and matching are dedup/pprl's (`ClkEncoder`, `matchEncodings`).
 *
 * The secret: it arrives in a request body and is put in `secrets` (this process's memory), keyed by
 * the export or match, until its job has run; it is never written to the database, the job's
 * payload, the audit log or the logs. The job is therefore bound to this process (`holder`): with
 * several server processes on one PostgreSQL database only this process's runner claims it, and
 * if this process stops before it ran, the others' job recovery fails it (HOLDER_GONE_MESSAGE)
 * and marks the export or match failed. A job that finds no secret all the same fails with a
 * message asking to start again; a secret left unclaimed is forgotten after SECRET_TTL_MS.
 *
 * Pseudonyms: an export's file names people by random ids made for that export only; which person
 * each stands for is kept in linkage_pseudonyms, so the partner learns nothing from the ids and two
 * exports cannot be joined on them.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { and, count, desc, eq, getTableColumns, lt, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { audit, type Actor } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { AppError, conflict, invalid, issueAt, notFound } from '../../server/errors';
import { defineJob, enqueueJob, getJob, getJobs, presentJob, PROCESS_HOLDER, type JobContext, type JobRow } from '../../server/jobs';
import { decodeCursor, takePage } from '../../server/pagination';
import { holds } from '../../server/permissions';
import { uuidv7 } from '../../shared/ids';
import { englishOf, msg, type MessageCode } from '../../shared/messages';
import { chunksOf, csvRows } from '../../imports/csv';
import { loadGrants } from '../access/sessions';
import { users } from '../access/schema';
import { ClkEncoder, CLK_WORDS, filterFromBase64, filterToBase64, matchEncodings, type Encodings } from '../dedup/pprl';
import { linkablePeople, linkedPeople } from '../people/linkage-source';
import type { ExportView, LinkDecision, LinkView, MatchView } from './contract';
import { linkageCandidates, linkageExports, linkageMatches, linkagePseudonyms, type LinkageStatus } from './schema';

export const EXPORT_JOB = 'linkage.export';
export const MATCH_JOB = 'linkage.match';
const PERMISSION = 'people.linkage' as const;

/** Secrets waiting for their job, by export or match id (memory only; see the file comment). */
const secrets = new Map<string, { secret: string; at: number }>();
const SECRET_TTL_MS = 24 * 3600_000;

function keepSecret(id: string, secret: string) {
  const now = Date.now();
  for (const [k, v] of secrets) if (now - v.at > SECRET_TTL_MS) secrets.delete(k);
  secrets.set(id, { secret, at: now });
}

const notFoundExport = () => notFound('No such linkage export.');
const notFoundMatch = () => notFound('No such linkage match.');

function requireOperation(auth: AuthContext, operationIn: string): string {
  const operationId = operationIn.toUpperCase();
  if (!holds(auth.grants, PERMISSION, operationId)) throw notFound(`No operation ${operationIn}.`);
  return operationId;
}

// Views ------------------------------------------------------------------------------------------

const { content: _ec, ...EXPORT_META } = getTableColumns(linkageExports);
const { content: _mc, ...MATCH_META } = getTableColumns(linkageMatches);
type ExportMeta = Omit<typeof linkageExports.$inferSelect, 'content'>;
type MatchMeta = Omit<typeof linkageMatches.$inferSelect, 'content'>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function presentExport(e: ExportMeta, job: JobRow | null): ExportView {
  return { id: e.id, operationId: e.operationId, status: e.status, records: e.records, message: e.message, job: job ? presentJob(job) : null, createdAt: e.createdAt.toISOString(), finishedAt: iso(e.finishedAt) };
}

function presentMatch(m: MatchMeta, job: JobRow | null, pending: number): MatchView {
  return {
    id: m.id,
    operationId: m.operationId,
    status: m.status,
    partner: m.partner,
    fileName: m.fileName,
    partnerRecords: m.partnerRecords,
    ourRecords: m.ourRecords,
    matchLinks: m.matchLinks,
    reviewLinks: m.reviewLinks,
    pending,
    message: m.message,
    job: job ? presentJob(job) : null,
    createdAt: m.createdAt.toISOString(),
    finishedAt: iso(m.finishedAt),
  };
}

/** The user's own export while they hold people.linkage in its operation; 404 otherwise. */
async function ownExport(tx: Tx, auth: AuthContext, id: string): Promise<ExportMeta> {
  const [e] = await tx.select(EXPORT_META).from(linkageExports).where(eq(linkageExports.id, id)).limit(1);
  if (!e || e.createdBy !== auth.user.id || !holds(auth.grants, PERMISSION, e.operationId)) throw notFoundExport();
  return e;
}

async function ownMatch(tx: Tx, auth: AuthContext, id: string): Promise<MatchMeta> {
  const [m] = await tx.select(MATCH_META).from(linkageMatches).where(eq(linkageMatches.id, id)).limit(1);
  if (!m || m.createdBy !== auth.user.id || !holds(auth.grants, PERMISSION, m.operationId)) throw notFoundMatch();
  return m;
}

async function pendingOf(tx: Tx, matchIds: string[]): Promise<Map<string, number>> {
  if (!matchIds.length) return new Map();
  const rows = await tx
    .select({ id: linkageCandidates.matchId, n: count() })
    .from(linkageCandidates)
    .where(and(sql`${linkageCandidates.matchId} in ${matchIds}`, eq(linkageCandidates.status, 'pending')))
    .groupBy(linkageCandidates.matchId);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

// Exports ----------------------------------------------------------------------------------------

export async function createExport(tx: Tx, auth: AuthContext, actor: Actor, body: { operationId: string; secret: string }): Promise<ExportView> {
  const operationId = requireOperation(auth, body.operationId);
  const id = uuidv7();
  const job = await enqueueJob(tx, { kind: EXPORT_JOB, operationId, createdBy: auth.user.id, payload: { exportId: id }, holder: PROCESS_HOLDER });
  const [e] = await tx.insert(linkageExports).values({ id, operationId, status: 'queued', jobId: job.id, createdBy: auth.user.id }).returning(EXPORT_META);
  await audit(tx, actor, { action: 'linkage.export', entityType: 'linkage_export', entityId: id, operationId, details: { scheme: 'hamrah-clk-v1' } });
  keepSecret(id, body.secret);
  return presentExport(e, job);
}

export async function getExport(tx: Tx, auth: AuthContext, id: string): Promise<ExportView> {
  const e = await ownExport(tx, auth, id);
  return presentExport(e, e.jobId ? await getJob(tx, e.jobId) : null);
}

async function listOf<T extends { id: string; createdAt: Date; jobId: string | null }>(
  tx: Tx,
  auth: AuthContext,
  table: typeof linkageExports | typeof linkageMatches,
  columns: typeof EXPORT_META | typeof MATCH_META,
  q: { operation: string; limit: number; cursor?: string },
) {
  const operationId = requireOperation(auth, q.operation);
  const where = and(eq(table.operationId, operationId), eq(table.createdBy, auth.user.id))!;
  const [{ n }] = await tx.select({ n: count() }).from(table).where(where);
  const after = decodeCursor(q.cursor, 1);
  const list = (await tx
    .select(columns)
    .from(table)
    .where(after ? and(where, lt(table.id, String(after[0]))) : where)
    .orderBy(desc(table.id))
    .limit(q.limit + 1)) as unknown as T[];
  const page = takePage(list, q.limit, (r) => [r.id]);
  const jobs = await getJobs(tx, page.rows.map((r) => r.jobId).filter((x): x is string => !!x));
  return { page, total: Number(n), jobs };
}

export async function listExports(tx: Tx, auth: AuthContext, q: { operation: string; limit: number; cursor?: string }) {
  const { page, total, jobs } = await listOf<ExportMeta>(tx, auth, linkageExports, EXPORT_META, q);
  return { items: page.rows.map((e) => presentExport(e, e.jobId ? (jobs.get(e.jobId) ?? null) : null)), total, nextCursor: page.nextCursor };
}

/** The encoded file of a ready export (the download is audited). */
export async function exportFile(tx: Tx, auth: AuthContext, actor: Actor, id: string): Promise<{ csv: Buffer; records: number; operationId: string }> {
  const e = await ownExport(tx, auth, id);
  if (e.status !== 'ready') throw conflict(msg('conflict.exportNotReady', { status: e.status }));
  const [r] = await tx.select({ content: linkageExports.content }).from(linkageExports).where(eq(linkageExports.id, id));
  await audit(tx, actor, { action: 'linkage.export.download', entityType: 'linkage_export', entityId: id, operationId: e.operationId, details: { records: e.records } });
  return { csv: gunzipSync(r.content!), records: e.records ?? 0, operationId: e.operationId };
}

/** The job's user with their grants now (a grant taken away since the request counts). */
async function authOf(tx: Tx, userId: string): Promise<AuthContext> {
  const [u] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u || u.disabled) throw new AppError('FORBIDDEN', 'The user who started this can no longer use linkage.');
  return {
    user: { id: u.id, username: u.username, displayName: u.displayName, organisationId: u.organisationId, language: u.language, isDemo: u.isDemo },
    grants: await loadGrants(tx, u.id),
    via: 'token',
  };
}

function takeSecret(id: string): string {
  const s = secrets.get(id)?.secret;
  secrets.delete(id);
  if (!s) throw conflict(msg('conflict.linkageSecretGone'));
  return s;
}

const ENCODE_CHUNK = 5000;

/** Encodes the user's visible registry in chunks, with progress. */
async function encodeRegistry(ctx: JobContext, auth: AuthContext, operationId: string, secret: string, weight: number) {
  const people = await linkablePeople(ctx.database.db, auth, operationId);
  const encoder = new ClkEncoder({ secret });
  const bits = new Uint32Array(people.length * CLK_WORDS);
  for (let i = 0; i < people.length; i += ENCODE_CHUNK) {
    ctx.throwIfCancelled();
    const part = encoder.encode(people.slice(i, i + ENCODE_CHUNK).map((p) => p.record));
    bits.set(part.bits, i * CLK_WORDS);
    await ctx.progress(Math.round(Math.min(i + ENCODE_CHUNK, people.length) * weight), Math.max(1, people.length), ENCODING);
  }
  return { people, bits };
}

/** An export or match whose job failed or was cancelled (running, or still queued: then inside the cancelling transaction). */
async function finishRow(db: Tx, table: typeof linkageExports | typeof linkageMatches, id: string, status: LinkageStatus, message: string) {
  secrets.delete(id);
  await db.update(table).set({ status, message, finishedAt: new Date() }).where(eq(table.id, id));
}

/** The progress sentences of the linkage jobs (message codes, so the web shows them translated). */
const ENCODING = englishOf(msg('job.encodingRegistry'));
const READY = englishOf(msg('job.ready'));
const JOB_MESSAGES: MessageCode[] = ['job.encodingRegistry', 'job.ready', 'conflict.linkageSecretGone'];

defineJob(
  EXPORT_JOB,
  async (ctx) => {
    const { exportId } = ctx.job.payload as { exportId: string };
    const secret = takeSecret(exportId);
    const db = ctx.database.db;
    const [e] = await db.select(EXPORT_META).from(linkageExports).where(eq(linkageExports.id, exportId));
    if (!e) throw new AppError('NOT_FOUND', 'No such linkage export.');
    await db.update(linkageExports).set({ status: 'running' }).where(eq(linkageExports.id, exportId));
    const auth = await authOf(db, e.createdBy);
    if (!holds(auth.grants, PERMISSION, e.operationId)) throw new AppError('FORBIDDEN', `You no longer hold ${PERMISSION} in ${e.operationId}.`);
    const { people, bits } = await encodeRegistry(ctx, auth, e.operationId, secret, 1);
    // Per-export pseudonyms: 12 random base64url characters each.
    const pseudonyms = people.map(() => randomBytes(9).toString('base64url'));
    let csv = 'id,clk\n';
    for (let i = 0; i < people.length; i++) csv += `${pseudonyms[i]},${filterToBase64(bits, i)}\n`;
    await db.transaction(async (tx) => {
      for (let i = 0; i < people.length; i += 5000) {
        const json = JSON.stringify(people.slice(i, i + 5000).map((p, j) => [pseudonyms[i + j], p.individualId]));
        await tx.execute(sql`insert into linkage_pseudonyms (export_id, pseudonym, individual_id) select ${exportId}::uuid, x->>0, (x->>1)::uuid from json_array_elements(${json}::json) x`);
      }
      await tx
        .update(linkageExports)
        .set({ status: 'ready', records: people.length, content: gzipSync(Buffer.from(csv)), message: `${people.length} people encoded.`, finishedAt: new Date() })
        .where(eq(linkageExports.id, exportId));
    });
    await ctx.progress(people.length, people.length, READY, true);
    return { exportId, records: people.length };
  },
  {
    retryOnRestart: false,
    onFailed: (database, job, message) => finishRow(database.db, linkageExports, (job.payload as { exportId: string }).exportId, 'failed', message),
    onAbandoned: (database, job, message) => finishRow(database.db, linkageExports, (job.payload as { exportId: string }).exportId, 'failed', message),
    onCancelledQueued: (tx, job, message) => finishRow(tx, linkageExports, (job.payload as { exportId: string }).exportId, 'failed', message),
    messages: JOB_MESSAGES,
  },
);

// Matches ----------------------------------------------------------------------------------------

/** Reads an encoded file (`id,clk`); the message names the row of a bad filter. */
export async function parseEncodings(text: string): Promise<Encodings> {
  const ids: string[] = [];
  const clks: string[] = [];
  let header: string[] | null = null;
  let ii = 0;
  let ci = 1;
  for await (const batch of csvRows(chunksOf(Buffer.from(text, 'utf8'), 1 << 20))) {
    for (const row of batch) {
      if (row.length === 1 && row[0] === '') continue;
      if (!header) {
        header = row.map((h) => h.trim().toLowerCase());
        ii = header.indexOf('id');
        ci = header.indexOf('clk');
        if (ii < 0 || ci < 0) throw invalid([issueAt('body.content', 'linkage.encodedColumns')]);
        continue;
      }
      ids.push(row[ii] ?? '');
      clks.push(row[ci] ?? '');
    }
  }
  if (!ids.length) throw invalid([issueAt('body.content', 'linkage.noRecords')]);
  const bits = new Uint32Array(ids.length * CLK_WORDS);
  const seen = new Set<string>();
  clks.forEach((c, i) => {
    if (!ids[i] || seen.has(ids[i])) throw invalid([issueAt('body.content', ids[i] ? 'linkage.idTwice' : 'linkage.idEmpty', { row: i + 2 })]);
    seen.add(ids[i]);
    try {
      filterFromBase64(c, bits, i);
    } catch (err) {
      throw invalid([issueAt('body.content', 'linkage.rowInvalid', { row: i + 2, reason: (err as Error).message })]);
    }
  });
  return { ids, bits };
}

export async function createMatch(tx: Tx, auth: AuthContext, actor: Actor, body: { operationId: string; secret: string; partner: string; fileName: string; content: string }): Promise<MatchView> {
  const operationId = requireOperation(auth, body.operationId);
  const enc = await parseEncodings(body.content);
  const id = uuidv7();
  const job = await enqueueJob(tx, { kind: MATCH_JOB, operationId, createdBy: auth.user.id, payload: { matchId: id }, holder: PROCESS_HOLDER });
  const [m] = await tx
    .insert(linkageMatches)
    .values({ id, operationId, status: 'queued', partner: body.partner, fileName: body.fileName, content: gzipSync(Buffer.from(body.content)), partnerRecords: enc.ids.length, jobId: job.id, createdBy: auth.user.id })
    .returning(MATCH_META);
  await audit(tx, actor, { action: 'linkage.match', entityType: 'linkage_match', entityId: id, operationId, details: { partner: body.partner, fileName: body.fileName, partnerRecords: enc.ids.length } });
  keepSecret(id, body.secret);
  return presentMatch(m, job, 0);
}

export async function getMatch(tx: Tx, auth: AuthContext, id: string): Promise<MatchView> {
  const m = await ownMatch(tx, auth, id);
  const pending = await pendingOf(tx, [m.id]);
  return presentMatch(m, m.jobId ? await getJob(tx, m.jobId) : null, pending.get(m.id) ?? 0);
}

export async function listMatches(tx: Tx, auth: AuthContext, q: { operation: string; limit: number; cursor?: string }) {
  const { page, total, jobs } = await listOf<MatchMeta>(tx, auth, linkageMatches, MATCH_META, q);
  const pending = await pendingOf(tx, page.rows.map((m) => m.id));
  return { items: page.rows.map((m) => presentMatch(m, m.jobId ? (jobs.get(m.jobId) ?? null) : null, pending.get(m.id) ?? 0)), total, nextCursor: page.nextCursor };
}

defineJob(
  MATCH_JOB,
  async (ctx) => {
    const { matchId } = ctx.job.payload as { matchId: string };
    const secret = takeSecret(matchId);
    const db = ctx.database.db;
    const [m] = await db.select().from(linkageMatches).where(eq(linkageMatches.id, matchId));
    if (!m) throw new AppError('NOT_FOUND', 'No such linkage match.');
    await db.update(linkageMatches).set({ status: 'running' }).where(eq(linkageMatches.id, matchId));
    const auth = await authOf(db, m.createdBy);
    if (!holds(auth.grants, PERMISSION, m.operationId)) throw new AppError('FORBIDDEN', `You no longer hold ${PERMISSION} in ${m.operationId}.`);
    const partner = await parseEncodings(gunzipSync(m.content!).toString('utf8'));
    const { people, bits } = await encodeRegistry(ctx, auth, m.operationId, secret, 0.8);
    ctx.throwIfCancelled();
    const ours: Encodings = { ids: people.map((p) => p.individualId), bits };
    const { links, stats } = matchEncodings(ours, partner);
    const householdOf = new Map(people.map((p) => [p.individualId, p.householdId]));
    await db.transaction(async (tx) => {
      for (let i = 0; i < links.length; i += 5000) {
        const json = JSON.stringify(links.slice(i, i + 5000).map((l) => [uuidv7(), l.a, householdOf.get(l.a), l.b, l.dice, l.decision]));
        await tx.execute(sql`insert into linkage_candidates (id, match_id, operation_id, individual_id, household_id, partner_id, dice, decision, status)
          select (x->>0)::uuid, ${matchId}::uuid, ${m.operationId}, (x->>1)::uuid, (x->>2)::uuid, x->>3, (x->>4)::real, x->>5, 'pending' from json_array_elements(${json}::json) x
          on conflict (match_id, individual_id, partner_id) do nothing`);
      }
      await tx
        .update(linkageMatches)
        .set({ status: 'ready', content: null, ourRecords: people.length, matchLinks: stats.matchLinks, reviewLinks: stats.reviewLinks, message: `${stats.matchLinks} likely and ${stats.reviewLinks} possible links for review.`, finishedAt: new Date() })
        .where(eq(linkageMatches.id, matchId));
    });
    await ctx.progress(people.length, Math.max(1, people.length), READY, true);
    return { matchId, ours: people.length, partner: partner.ids.length, links: links.length };
  },
  {
    retryOnRestart: false,
    onFailed: (database, job, message) => finishRow(database.db, linkageMatches, (job.payload as { matchId: string }).matchId, 'failed', message),
    onAbandoned: (database, job, message) => finishRow(database.db, linkageMatches, (job.payload as { matchId: string }).matchId, 'failed', message),
    onCancelledQueued: (tx, job, message) => finishRow(tx, linkageMatches, (job.payload as { matchId: string }).matchId, 'failed', message),
    messages: JOB_MESSAGES,
  },
);

// Links ------------------------------------------------------------------------------------------

type CandidateRow = typeof linkageCandidates.$inferSelect;

async function presentLinks(tx: Tx, auth: AuthContext, list: CandidateRow[]): Promise<LinkView[]> {
  const people = await linkedPeople(tx, auth, list.map((c) => c.individualId));
  const out: LinkView[] = [];
  for (const c of list) {
    const p = people.get(c.individualId);
    if (!p) continue;
    out.push({
      id: c.id,
      matchId: c.matchId,
      householdId: p.householdId,
      householdReference: p.reference,
      personName: p.displayName,
      partnerId: c.partnerId,
      dice: Math.round(c.dice * 1000) / 1000,
      decision: c.decision,
      status: c.status,
      note: c.note,
      decidedBy: c.decidedBy,
      decidedAt: iso(c.decidedAt),
    });
  }
  return out;
}

/** A match's candidate links, best first (people outside the user's scope now are left out). */
export async function listLinks(tx: Tx, auth: AuthContext, matchId: string, q: { status?: 'pending' | 'confirmed' | 'rejected'; limit: number; cursor?: string }) {
  const m = await ownMatch(tx, auth, matchId);
  const conds: SQL[] = [eq(linkageCandidates.matchId, m.id)];
  if (q.status) conds.push(eq(linkageCandidates.status, q.status));
  const where = and(...conds)!;
  const [{ n }] = await tx.select({ n: count() }).from(linkageCandidates).where(where);
  const after = decodeCursor(q.cursor, 2) as [number, string] | null;
  const list = await tx
    .select()
    .from(linkageCandidates)
    .where(after ? and(where, sql`(${linkageCandidates.dice}, ${linkageCandidates.id}) < (${after[0]}::real, ${after[1]}::uuid)`) : where)
    .orderBy(desc(linkageCandidates.dice), desc(linkageCandidates.id))
    .limit(q.limit + 1);
  const page = takePage(list, q.limit, (c) => [c.dice, c.id]);
  return { items: await presentLinks(tx, auth, page.rows), total: Number(n), nextCursor: page.nextCursor };
}

/** Confirms or rejects a candidate link (nothing is merged); audited. */
export async function decideLink(tx: Tx, auth: AuthContext, actor: Actor, id: string, body: LinkDecision): Promise<LinkView> {
  const [c] = await tx.select().from(linkageCandidates).where(eq(linkageCandidates.id, id)).limit(1).for('update');
  if (!c) throw notFound('No such link.');
  try {
    await ownMatch(tx, auth, c.matchId);
  } catch {
    throw notFound('No such link.');
  }
  const [visible] = await presentLinks(tx, auth, [c]);
  if (!visible) throw notFound('No such link.');
  const [row] = await tx
    .update(linkageCandidates)
    .set({ status: body.status, note: body.note ?? null, decidedBy: auth.user.id, decidedAt: new Date() })
    .where(eq(linkageCandidates.id, id))
    .returning();
  await audit(tx, actor, {
    action: body.status === 'confirmed' ? 'linkage.link.confirm' : 'linkage.link.reject',
    entityType: 'linkage_link',
    entityId: id,
    operationId: c.operationId,
    before: { status: c.status },
    after: { status: body.status, household: visible.householdReference, partnerId: c.partnerId },
  });
  return (await presentLinks(tx, auth, [row]))[0];
}

/** Which person a pseudonym of one of the user's exports stands for (e.g. when a partner sends links back). */
export async function pseudonymPerson(tx: Tx, auth: AuthContext, exportId: string, pseudonym: string) {
  await ownExport(tx, auth, exportId);
  const [p] = await tx.select().from(linkagePseudonyms).where(and(eq(linkagePseudonyms.exportId, exportId), eq(linkagePseudonyms.pseudonym, pseudonym))).limit(1);
  if (!p) return null;
  return (await linkedPeople(tx, auth, [p.individualId])).get(p.individualId) ?? null;
}
