import { auditLog } from '../modules/access/schema';
import type { Tx } from '../db/client';

/** Fields never written to the audit log, whatever the entity. */
const SECRET_FIELDS = new Set(['passwordHash', 'password', 'tokenHash', 'csrfToken', 'idHash']);

export interface Actor {
  userId: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  operationId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Extra context that is neither before nor after (e.g. the count of rows read). */
  details?: Record<string, unknown>;
  sensitiveRead?: boolean;
}

function norm(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** `{field: {before, after}}` for the fields that differ; secrets are marked, never copied. */
export function diff(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, { before?: unknown; after?: unknown }> {
  const out: Record<string, { before?: unknown; after?: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    if (k === 'updatedAt' || k === 'createdAt') continue;
    const b = norm(before?.[k]);
    const a = norm(after?.[k]);
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    out[k] = SECRET_FIELDS.has(k) ? { before: b === undefined ? undefined : '[secret]', after: a === undefined ? undefined : '[changed]' } : { before: b ?? null, after: a ?? null };
  }
  return out;
}

/** The audit_log row of an entry. */
function auditRow(actor: Actor, entry: AuditEntry) {
  const changes = entry.before !== undefined || entry.after !== undefined ? diff(entry.before, entry.after) : null;
  return {
    actorId: actor.userId,
    operationId: entry.operationId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    changes: entry.details ? { ...(changes ?? {}), _details: entry.details } : changes,
    sensitiveRead: entry.sensitiveRead ?? false,
    requestId: actor.requestId,
  };
}

/** Writes one audit row inside the caller's transaction: if the change rolls back, so does this. */
export async function audit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(auditRow(actor, entry));
}

/** Writes many audit rows, one statement per 1,000 (bulk work such as an import raising alerts). */
export async function auditMany(tx: Tx, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) await tx.insert(auditLog).values(entries.slice(i, i + 1000).map((e) => auditRow(actor, e)));
}

export interface SensitiveRead {
  entityType: string;
  entityId?: string | null;
  operationId?: string | null;
  /** What was shown, e.g. `{ fields: ['email'] }` or `{ rows: 120 }`. Never the data itself. */
  details?: Record<string, unknown>;
}

/**
 * Records that someone saw sensitive data (action `<entityType>.read`, sensitive_read = true), in
 * the caller's transaction: a read whose audit row cannot be written is not served.
 */
export async function auditRead(tx: Tx, actor: Actor, read: SensitiveRead): Promise<void> {
  await audit(tx, actor, {
    action: `${read.entityType}.read`,
    entityType: read.entityType,
    entityId: read.entityId ?? null,
    operationId: read.operationId ?? null,
    details: read.details,
    sensitiveRead: true,
  });
}
