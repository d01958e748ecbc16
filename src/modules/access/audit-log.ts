import { and, count, desc, eq, gte, inArray, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { notFound } from '../../server/errors';
import { decodeCursor, takePage } from '../../server/pagination';
import { auditLog, users } from './schema';
import type { AuditEntryView, AuditQuery } from './contract';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The audit log, newest first. A reader sees the rows of operations where they hold audit.read,
 * and rows that belong to no operation (logins, users, roles); filtering by an operation they do
 * not hold answers 404.
 */
export async function listAudit(tx: Tx, auth: AuthContext, q: AuditQuery): Promise<{ items: AuditEntryView[]; total: number; nextCursor: string | null }> {
  const ops = [...new Set(auth.grants.filter((g) => g.permissions.has('audit.read')).map((g) => g.operationId))];
  const filters: SQL[] = [];
  if (q.operation) {
    const op = q.operation.toUpperCase();
    if (!ops.includes(op)) throw notFound(`No operation ${op}.`);
    filters.push(eq(auditLog.operationId, op));
  } else {
    filters.push(ops.length ? or(isNull(auditLog.operationId), inArray(auditLog.operationId, ops))! : isNull(auditLog.operationId));
  }
  if (q.action) filters.push(eq(auditLog.action, q.action));
  if (q.entityType) filters.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) filters.push(eq(auditLog.entityId, q.entityId));
  if (q.actorId) filters.push(eq(auditLog.actorId, q.actorId));
  if (q.from) filters.push(gte(auditLog.at, new Date(DATE_ONLY.test(q.from) ? `${q.from}T00:00:00Z` : q.from)));
  if (q.to) {
    if (DATE_ONLY.test(q.to)) filters.push(lt(auditLog.at, new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000)));
    else filters.push(lte(auditLog.at, new Date(q.to)));
  }
  const where = and(...filters)!;
  const [{ total }] = await tx.select({ total: count() }).from(auditLog).where(where);
  const after = decodeCursor(q.cursor, 1);
  const afterId = after ? Number(after[0]) : null;
  const rows = await tx
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorUsername: users.username,
      operationId: auditLog.operationId,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      changes: auditLog.changes,
      sensitiveRead: auditLog.sensitiveRead,
      requestId: auditLog.requestId,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(afterId !== null && Number.isSafeInteger(afterId) ? and(where, lt(auditLog.id, afterId)) : where)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = takePage(rows, q.limit, (r) => [r.id]);
  return {
    items: page.rows.map((r) => ({ ...r, id: Number(r.id), at: r.at.toISOString(), changes: (r.changes as Record<string, unknown> | null) ?? null })),
    total: Number(total),
    nextCursor: page.nextCursor,
  };
}
