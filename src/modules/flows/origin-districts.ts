/**
 * Pakistani districts for the survey's "coming from" question. Enumerators in Afghanistan hold no
 * grant in the PAK operation, so they cannot browse its gazetteer; the district list is public
 * reference data (COD-AB), offered here to whoever reads flow data.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { adminAreas } from '../places/schema';
import { areaSearchFilter } from '../places/service';

export const originDistrictsQuery = z.object({
  q: z.string().trim().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export const originDistrictView = z.object({ pcode: z.string(), name: z.string(), nameLocal: z.string().nullable(), province: z.string().nullable() });
export const originDistrictsResponse = z.object({ items: z.array(originDistrictView) });
export type OriginDistrict = z.infer<typeof originDistrictView>;

export async function originDistricts(tx: Tx, q: z.infer<typeof originDistrictsQuery>): Promise<{ items: OriginDistrict[] }> {
  const filters = [eq(adminAreas.operationId, 'PAK'), eq(adminAreas.level, 2)];
  // The gazetteer's own search: P-code prefix, or every word of the name in any spelling or script.
  if (q.q.trim()) filters.push(areaSearchFilter(q.q));
  const rows = await tx
    .select({
      pcode: adminAreas.pcode,
      name: adminAreas.name,
      nameLocal: adminAreas.nameLocal,
      province: sql<string | null>`(select p.name from admin_areas p where p.operation_id = ${adminAreas.operationId} and p.pcode = ${adminAreas.parentPcode})`,
    })
    .from(adminAreas)
    .where(and(...filters))
    .orderBy(asc(adminAreas.name))
    .limit(q.limit);
  return { items: rows };
}
