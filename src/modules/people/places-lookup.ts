/**
 * The few facts the registry needs from places (gazetteer, sites, organisations, operations),
 * read without the places module's user-facing access checks: people applies people.* grants.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { adminAreas, operations, organisations, sites } from '../places/schema';

export async function operationExists(tx: Tx, id: string): Promise<boolean> {
  const [o] = await tx.select({ id: operations.id }).from(operations).where(eq(operations.id, id)).limit(1);
  return !!o;
}

export async function operationTimeZone(tx: Tx, operationId: string): Promise<string> {
  const [o] = await tx.select({ tz: operations.timeZone }).from(operations).where(eq(operations.id, operationId)).limit(1);
  return o?.tz ?? 'UTC';
}

/** Which of these P-codes exist in the operation's gazetteer. */
export async function existingPcodes(tx: Tx, operationId: string, pcodes: string[]): Promise<Set<string>> {
  const list = [...new Set(pcodes.filter(Boolean))];
  if (!list.length) return new Set();
  const rows = await tx.select({ pcode: adminAreas.pcode }).from(adminAreas).where(and(eq(adminAreas.operationId, operationId), inArray(adminAreas.pcode, list)));
  return new Set(rows.map((r) => r.pcode));
}

export async function sitesOf(tx: Tx, ids: string[]): Promise<Map<string, { operationId: string; areaPcode: string | null; kind: string; code: string }>> {
  const list = [...new Set(ids.filter(Boolean))];
  if (!list.length) return new Map();
  const rows = await tx.select({ id: sites.id, operationId: sites.operationId, areaPcode: sites.areaPcode, kind: sites.kind, code: sites.code }).from(sites).where(inArray(sites.id, list));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function organisationExists(tx: Tx, id: string): Promise<boolean> {
  const [o] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id)).limit(1);
  return !!o;
}

/** Every P-code of the operation's gazetteer (bulk import checks whole files against it). */
export async function operationPcodes(tx: Tx, operationId: string): Promise<Set<string>> {
  const rows = await tx.select({ pcode: adminAreas.pcode }).from(adminAreas).where(eq(adminAreas.operationId, operationId));
  return new Set(rows.map((r) => r.pcode));
}

/** Every site of the operation, by id, as sitesOf gives them (with the site code). */
export async function operationSites(tx: Tx, operationId: string): Promise<Map<string, { operationId: string; areaPcode: string | null; kind: string; code: string }>> {
  const rows = await tx.select({ id: sites.id, operationId: sites.operationId, areaPcode: sites.areaPcode, kind: sites.kind, code: sites.code }).from(sites).where(eq(sites.operationId, operationId));
  return new Map(rows.map((r) => [r.id, r]));
}
