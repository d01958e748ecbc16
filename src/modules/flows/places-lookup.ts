/**
 * The few facts flows needs from places (sites, operations, the gazetteer), read without the
 * places module's user-facing access checks: flows applies its own flows.* permissions.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { adminAreas, operations, sites } from '../places/schema';

export interface SiteFacts {
  id: string;
  operationId: string;
  code: string;
  name: string;
  areaPcode: string | null;
  neighbourCountry: string | null;
  flowMonitoring: boolean;
  kind: string;
}

const siteColumns = {
  id: sites.id,
  operationId: sites.operationId,
  code: sites.code,
  name: sites.name,
  areaPcode: sites.areaPcode,
  neighbourCountry: sites.neighbourCountry,
  flowMonitoring: sites.flowMonitoring,
  kind: sites.kind,
};

export async function siteById(tx: Tx, id: string): Promise<SiteFacts | null> {
  const [s] = await tx.select(siteColumns).from(sites).where(eq(sites.id, id)).limit(1);
  return s ?? null;
}

export async function sitesByIds(tx: Tx, ids: string[]): Promise<Map<string, SiteFacts>> {
  if (!ids.length) return new Map();
  const list = await tx.select(siteColumns).from(sites).where(inArray(sites.id, [...new Set(ids)]));
  return new Map(list.map((s) => [s.id, s]));
}

/** Every site of the operation (flows data may outlive a site's flow-monitoring flag), by code. */
export async function operationSites(tx: Tx, operationId: string): Promise<SiteFacts[]> {
  return tx.select(siteColumns).from(sites).where(eq(sites.operationId, operationId)).orderBy(asc(sites.code));
}

export async function flowMonitoringSites(tx: Tx, operationId: string): Promise<SiteFacts[]> {
  return tx.select(siteColumns).from(sites).where(and(eq(sites.operationId, operationId), eq(sites.flowMonitoring, true))).orderBy(asc(sites.code));
}

export async function operationTimeZone(tx: Tx, operationId: string): Promise<string | null> {
  const [o] = await tx.select({ tz: operations.timeZone }).from(operations).where(eq(operations.id, operationId)).limit(1);
  return o?.tz ?? null;
}

/** The area (level and parent) when the P-code exists in the operation's gazetteer. */
export async function areaFacts(tx: Tx, operationId: string, pcode: string): Promise<{ level: number; parentPcode: string | null } | null> {
  const [a] = await tx
    .select({ level: adminAreas.level, parentPcode: adminAreas.parentPcode })
    .from(adminAreas)
    .where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.pcode, pcode)))
    .limit(1);
  return a ?? null;
}

/** Parent (adm1) P-code of each adm2 of an operation: for CSV columns. */
export async function areaParents(tx: Tx, operationId: string): Promise<Map<string, string | null>> {
  const list = await tx.select({ pcode: adminAreas.pcode, parent: adminAreas.parentPcode }).from(adminAreas).where(eq(adminAreas.operationId, operationId));
  return new Map(list.map((a) => [a.pcode, a.parent]));
}
