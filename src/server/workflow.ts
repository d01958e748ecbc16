/**
 * The publication workflow and the versioning of records that modules share (flow counts,
 * mobility rounds and assessments): the draft → submitted → verified → published steps with who
 * took them when, and corrections as new versions of the same id with a `current` flag. Each
 * module keeps its own checks, messages' nouns and audit pictures; what is here is the part that
 * was the same in each. Runs inside the caller's transaction like every service.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client';
import { audit, type Actor } from './audit';
import { msg } from '../shared/messages';
import { conflict, issueAt } from './errors';
import type { Permission } from './permissions';

// ---------------------------------------------------------------------------------------------
// Workflow

export const WORKFLOW_STATUSES = ['draft', 'submitted', 'verified', 'published'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

const STEPS = {
  submit: { from: 'draft', to: 'submitted' },
  verify: { from: 'submitted', to: 'verified' },
  publish: { from: 'verified', to: 'published' },
} as const satisfies Record<string, { from: WorkflowStatus; to: WorkflowStatus }>;
export type WorkflowAction = keyof typeof STEPS;
export const WORKFLOW_ACTIONS = Object.keys(STEPS) as WorkflowAction[];

/** The three steps with the permission each needs: `write` submits, `verify` verifies and publishes. */
export function workflowSteps<W extends Permission, V extends Permission>(write: W, verify: V) {
  return {
    submit: { ...STEPS.submit, permission: write },
    verify: { ...STEPS.verify, permission: verify },
    publish: { ...STEPS.publish, permission: verify },
  } as const;
}

/** The records that go through the workflow or are versioned, as their messages name them. */
export type WorkflowRecord = { noun: 'count'; version: number } | { noun: 'round' };
export type VersionedNoun = 'count' | 'assessment';

/**
 * 409 unless a record at `status` may take `step`: "Version 2 is submitted; only a draft count
 * can be submitted." (a count names its version, a round says "The round").
 */
export function checkStep(step: { from: WorkflowStatus; to: WorkflowStatus }, status: WorkflowStatus, record: WorkflowRecord): void {
  if (status === step.from) return;
  const fields = [issueAt('status', 'status.is', { status })];
  const to = step.to === 'submitted' ? 'Submit' : step.to === 'verified' ? 'Verify' : 'Publish';
  if (record.noun === 'count') throw conflict(msg(`conflict.count${to}`, { version: record.version, status }), fields);
  throw conflict(msg(`conflict.round${to}`, { status }), fields);
}

/** The columns a step sets: the new status, and who took the step when. */
export function stepColumns<A extends WorkflowAction>(action: A, to: (typeof STEPS)[A]['to'], userId: string | null, now: Date) {
  return action === 'submit'
    ? { status: to, submittedAt: now, submittedBy: userId }
    : action === 'verify'
      ? { status: to, verifiedAt: now, verifiedBy: userId }
      : { status: to, publishedAt: now, publishedBy: userId };
}

/** `{at, by}` of a step taken, null when not (yet) taken. */
export const stamp = (at: Date | null, by: string | null) => (at ? { at: at.toISOString(), by } : null);

/** The submitted/verified/published stamps of a row, as the API shows them. */
export function workflowStamps(r: { submittedAt: Date | null; submittedBy: string | null; verifiedAt: Date | null; verifiedBy: string | null; publishedAt: Date | null; publishedBy: string | null }) {
  return { submitted: stamp(r.submittedAt, r.submittedBy), verified: stamp(r.verifiedAt, r.verifiedBy), published: stamp(r.publishedAt, r.publishedBy) };
}

/** Audits a step as `<entityType>.<action>` with the status before and after (and `details` when given). */
export async function auditStep(
  tx: Tx,
  actor: Actor,
  entry: { entityType: string; entityId: string; operationId: string; action: WorkflowAction; before: WorkflowStatus; after: WorkflowStatus; details?: Record<string, unknown> },
): Promise<void> {
  await audit(tx, actor, {
    action: `${entry.entityType}.${entry.action}`,
    entityType: entry.entityType,
    entityId: entry.entityId,
    operationId: entry.operationId,
    before: { status: entry.before },
    after: { status: entry.after },
    ...(entry.details ? { details: entry.details } : {}),
  });
}

/** 409 for a write that lost a race with another one on the same record. */
export const changedMeanwhile = (noun: 'count' | 'round' | 'assessment') => conflict(msg(`conflict.${noun}Changed`));

// ---------------------------------------------------------------------------------------------
// Versions: one row per version, `(id, version)` key, the `current` flag on the latest one.

/** A table of versioned records. */
export type VersionedTable = PgTable & { id: AnyPgColumn; version: AnyPgColumn; current: AnyPgColumn };

/** Every version of a record, newest first (none when the id is unknown). */
export async function versionsOf<T extends VersionedTable>(tx: Tx, table: T, id: string): Promise<T['$inferSelect'][]> {
  return (await tx
    .select()
    .from(table as PgTable)
    .where(eq(table.id, id))
    .orderBy(desc(table.version))) as T['$inferSelect'][];
}

/** The version that created the record (versions newest first, as `versionsOf` gives them). */
export const firstVersion = <V>(versions: readonly V[]): V => versions[versions.length - 1];

/**
 * Weighs a correction against the current version: 'unchanged' for a re-sent one (same body
 * hash, based on this version or an earlier one), 409 when it is based on another version than
 * the current one, else 'new' (the caller adds version `current.version + 1`).
 */
export function correctionOf(cur: { version: number; bodyHash: string }, baseVersion: number, bodyHash: string, noun: VersionedNoun): 'unchanged' | 'new' {
  if (bodyHash === cur.bodyHash && baseVersion <= cur.version) return 'unchanged';
  if (baseVersion !== cur.version)
    throw conflict(msg(`conflict.${noun}Version`, { version: cur.version, baseVersion }), [
      issueAt('body.baseVersion', 'version.current', { version: cur.version }),
    ]);
  return 'new';
}

/**
 * Takes the `current` flag off `version` if it still holds it, which locks that row, so that
 * two corrections at once cannot both win; 409 ("The `noun` changed meanwhile") when it does not.
 */
export async function retireVersion(tx: Tx, table: VersionedTable, id: string, version: number, noun: VersionedNoun): Promise<void> {
  const [locked] = await tx
    .update(table as PgTable)
    .set({ current: false } as never)
    .where(and(eq(table.id, id), eq(table.version, version), eq(table.current, true)))
    .returning({ version: table.version });
  if (!locked) throw changedMeanwhile(noun);
}

/** The history after a correction: the new version first, the one it replaced no longer current. */
export function historyAfterCorrection<V extends { version: number; current: boolean }>(added: V, versions: readonly V[], replaced: number): V[] {
  return [added, ...versions.map((v) => (v.version === replaced ? { ...v, current: false } : v))];
}
