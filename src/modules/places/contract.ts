import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';

export const operationView = z.object({
  id: z.string(),
  name: z.string(),
  nameLocal: z.string().nullable(),
  currency: z.string(),
  languages: z.array(z.string()),
  timeZone: z.string(),
  solarHijri: z.boolean(),
});
export type OperationView = z.infer<typeof operationView>;

export const areaView = z.object({
  pcode: z.string(),
  name: z.string(),
  nameLocal: z.string().nullable(),
  level: z.number().int(),
  parentPcode: z.string().nullable(),
  hasBoundary: z.boolean(),
  /** Number of areas directly under this one. */
  childCount: z.number().int(),
});
export type AreaView = z.infer<typeof areaView>;

export const areasQuery = pageQuery.extend({
  operation: z.string().min(2).max(10),
  level: z.coerce.number().int().min(0).max(4).optional(),
  parent: z.string().max(20).optional(),
  /** Name (English or local script, any folding) or P-code prefix. */
  q: z.string().trim().max(100).optional(),
});
export const areasPage = pageOf(areaView);
