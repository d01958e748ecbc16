import { and, asc, count, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { notFound } from '../../server/errors';
import { holds } from '../../server/permissions';
import { decodeCursor, encodeCursor } from '../../server/pagination';
import { foldForSearch } from '../../shared/text';
import { adminAreas, operations } from './schema';
import type { AreaView, OperationView } from './contract';
import { z } from 'zod';
import type { areasQuery } from './contract';

/** Operations the user holds places.read in, in display order. */
export async function listOperations(tx: Tx, auth: AuthContext): Promise<OperationView[]> {
  const all = await tx.select().from(operations).orderBy(asc(operations.sortOrder), asc(operations.id));
  return all
    .filter((o) => holds(auth.grants, 'places.read', o.id))
    .map((o) => ({ id: o.id, name: o.name, nameLocal: o.nameLocal, currency: o.currency, languages: o.languages, timeZone: o.timeZone, solarHijri: o.solarHijri }));
}

/** 404 unless the operation exists and the user may read places in it. */
export async function requireOperation(tx: Tx, auth: AuthContext, operationId: string): Promise<void> {
  const [op] = await tx.select({ id: operations.id }).from(operations).where(eq(operations.id, operationId)).limit(1);
  if (!op || !holds(auth.grants, 'places.read', op.id)) throw notFound(`No operation ${operationId}.`);
}

export async function listAreas(tx: Tx, auth: AuthContext, q: z.infer<typeof areasQuery>): Promise<{ items: AreaView[]; total: number; nextCursor: string | null }> {
  const operationId = q.operation.toUpperCase();
  await requireOperation(tx, auth, operationId);
  const filters: SQL[] = [eq(adminAreas.operationId, operationId)];
  if (q.level !== undefined) filters.push(eq(adminAreas.level, q.level));
  if (q.parent) filters.push(eq(adminAreas.parentPcode, q.parent.toUpperCase()));
  if (q.q) {
    const folded = foldForSearch(q.q);
    const terms = folded.split(' ').filter(Boolean);
    const byPcode = ilike(adminAreas.pcode, `${q.q.trim().replace(/[%_\\]/g, '')}%`);
    const byName = terms.length ? and(...terms.map((t) => ilike(adminAreas.searchText, `%${t.replace(/[%_\\]/g, '')}%`))) : undefined;
    filters.push(byName ? or(byPcode, byName)! : byPcode);
  }
  const where = and(...filters)!;
  const [{ total }] = await tx.select({ total: count() }).from(adminAreas).where(where);
  const after = decodeCursor(q.cursor, 1);
  const children = tx
    .select({ parent: adminAreas.parentPcode, n: count().as('n') })
    .from(adminAreas)
    .where(eq(adminAreas.operationId, operationId))
    .groupBy(adminAreas.parentPcode)
    .as('children');
  const rows = await tx
    .select({
      pcode: adminAreas.pcode,
      name: adminAreas.name,
      nameLocal: adminAreas.nameLocal,
      level: adminAreas.level,
      parentPcode: adminAreas.parentPcode,
      hasBoundary: adminAreas.hasBoundary,
      childCount: sql<number>`coalesce(${children.n}, 0)::int`,
    })
    .from(adminAreas)
    .leftJoin(children, eq(children.parent, adminAreas.pcode))
    .where(after ? and(where, gt(adminAreas.pcode, String(after[0]))) : where)
    .orderBy(asc(adminAreas.pcode))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = more ? rows.slice(0, q.limit) : rows;
  return { items, total: Number(total), nextCursor: more ? encodeCursor([items[items.length - 1].pcode]) : null };
}
