import { issueAt, isUniqueViolation } from '../../server/errors';
import { and, asc, count, eq, gt, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../db/client';
import type { Actor } from '../../server/audit';
import { audit } from '../../server/audit';
import type { AuthContext } from '../../server/context';
import { conflict, forbidden, invalid, notFound, type FieldIssue } from '../../server/errors';
import { msg } from '../../shared/messages';
import { holds, type GrantScope, type Permission } from '../../server/permissions';
import { decodeCursor, takePage, type Page } from '../../server/pagination';
import { foldForSearch } from '../../shared/text';
import { adminAreas, operations, organisations, sites } from './schema';
import { siteSearchText } from './reference';
import type {
  AreaDetail,
  AreaView,
  OperationView,
  OrganisationCreate,
  OrganisationPatch,
  OrganisationView,
  SiteCreate,
  SitePatch,
  SiteView,
  areasQuery,
  organisationsQuery,
  sitesQuery,
} from './contract';

export type { Page } from '../../server/pagination';

/** `%`, `_` and `\` are LIKE wildcards: strip them from user text. */
const likeSafe = (s: string) => s.replace(/[%_\\]/g, '');

// ---------------------------------------------------------------------------------------------
// Operations

function presentOperation(o: typeof operations.$inferSelect): OperationView {
  return { id: o.id, name: o.name, nameLocal: o.nameLocal, currency: o.currency, languages: o.languages, timeZone: o.timeZone, solarHijri: o.solarHijri };
}

/** Operations the user holds places.read in, in display order. */
export async function listOperations(tx: Tx, auth: AuthContext): Promise<OperationView[]> {
  const all = await tx.select().from(operations).orderBy(asc(operations.sortOrder), asc(operations.id));
  return all.filter((o) => holds(auth.grants, 'places.read', o.id)).map(presentOperation);
}

/** One operation; 404 when it does not exist or the user may not read places in it. */
export async function getOperation(tx: Tx, auth: AuthContext, operationId: string): Promise<OperationView> {
  const id = operationId.toUpperCase();
  const [op] = await tx.select().from(operations).where(eq(operations.id, id)).limit(1);
  if (!op || !holds(auth.grants, 'places.read', op.id)) throw notFound(`No operation ${operationId}.`);
  return presentOperation(op);
}

/** 404 unless the operation exists and the user may read places in it. */
export async function requireOperation(tx: Tx, auth: AuthContext, operationId: string): Promise<void> {
  const [op] = await tx.select({ id: operations.id }).from(operations).where(eq(operations.id, operationId)).limit(1);
  if (!op || !holds(auth.grants, 'places.read', op.id)) throw notFound(`No operation ${operationId}.`);
}

/** Ids of the operations where the user holds `permission`. */
function operationsWith(grants: readonly GrantScope[], permission: Permission): string[] {
  return [...new Set(grants.filter((g) => g.permissions.has(permission)).map((g) => g.operationId))].sort();
}

// ---------------------------------------------------------------------------------------------
// Admin areas (the gazetteer is reference data: anyone who reads places in the operation sees
// all of it; area-limited grants narrow the operational rows that hang off it, not the map).

const childCounts = (tx: Tx, operationId: string) =>
  tx
    .select({ parent: adminAreas.parentPcode, n: count().as('n') })
    .from(adminAreas)
    .where(eq(adminAreas.operationId, operationId))
    .groupBy(adminAreas.parentPcode)
    .as('children');

/** Areas whose P-code starts with `q`, or whose names (any script, folded) hold every word of it. */
export function areaSearchFilter(q: string): SQL {
  const terms = foldForSearch(q).split(' ').filter(Boolean);
  const byPcode = ilike(adminAreas.pcode, `${likeSafe(q.trim())}%`);
  const byName = terms.length ? and(...terms.map((t) => ilike(adminAreas.searchText, `%${likeSafe(t)}%`))) : undefined;
  return byName ? or(byPcode, byName)! : byPcode;
}

export async function listAreas(tx: Tx, auth: AuthContext, q: z.infer<typeof areasQuery>): Promise<Page<AreaView>> {
  const operationId = q.operation.toUpperCase();
  await requireOperation(tx, auth, operationId);
  const filters: SQL[] = [eq(adminAreas.operationId, operationId)];
  if (q.level !== undefined) filters.push(eq(adminAreas.level, q.level));
  if (q.parent) filters.push(eq(adminAreas.parentPcode, q.parent.toUpperCase()));
  if (q.q) filters.push(areaSearchFilter(q.q));
  const where = and(...filters)!;
  const [{ total }] = await tx.select({ total: count() }).from(adminAreas).where(where);
  const after = decodeCursor(q.cursor, 1);
  const children = childCounts(tx, operationId);
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
  const page = takePage(rows, q.limit, (r) => [r.pcode]);
  return { items: page.rows, total: Number(total), nextCursor: page.nextCursor };
}

/** One area with its ancestors (root first) and the number of areas directly under it. */
export async function getArea(tx: Tx, auth: AuthContext, pcodeIn: string, operationIn?: string): Promise<AreaDetail> {
  const pcode = pcodeIn.toUpperCase();
  let operationId: string;
  if (operationIn) {
    operationId = operationIn.toUpperCase();
    await requireOperation(tx, auth, operationId);
  } else {
    const readable = operationsWith(auth.grants, 'places.read');
    const [hit] = readable.length
      ? await tx.select({ op: adminAreas.operationId }).from(adminAreas).where(and(eq(adminAreas.pcode, pcode), inArray(adminAreas.operationId, readable))).limit(1)
      : [];
    if (!hit) throw notFound(`No area ${pcode}.`);
    operationId = hit.op;
  }
  const [area] = await tx.select().from(adminAreas).where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.pcode, pcode))).limit(1);
  if (!area) throw notFound(`No area ${pcode} in ${operationId}.`);
  const [{ n }] = await tx.select({ n: count() }).from(adminAreas).where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.parentPcode, pcode)));
  // Walk up the parent links (at most four levels), one query per level.
  const ancestors: AreaDetail['ancestors'] = [];
  let parent = area.parentPcode;
  for (let guard = 0; parent && guard < 8; guard++) {
    const [p] = await tx
      .select({ pcode: adminAreas.pcode, name: adminAreas.name, nameLocal: adminAreas.nameLocal, level: adminAreas.level, parentPcode: adminAreas.parentPcode })
      .from(adminAreas)
      .where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.pcode, parent)))
      .limit(1);
    if (!p) break;
    ancestors.unshift({ pcode: p.pcode, name: p.name, nameLocal: p.nameLocal, level: p.level });
    parent = p.parentPcode;
  }
  return {
    operationId,
    pcode: area.pcode,
    name: area.name,
    nameLocal: area.nameLocal,
    level: area.level,
    parentPcode: area.parentPcode,
    hasBoundary: area.hasBoundary,
    childCount: Number(n),
    ancestors,
  };
}

/** Names and parents of every area of one level, for the boundary files. */
export async function areaNames(tx: Tx, operationId: string, level: number) {
  return tx
    .select({ pcode: adminAreas.pcode, name: adminAreas.name, nameLocal: adminAreas.nameLocal, parentPcode: adminAreas.parentPcode })
    .from(adminAreas)
    .where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.level, level)));
}

// ---------------------------------------------------------------------------------------------
// Sites. A site belongs to an operation and sits in an admin area; grants limited to an area
// subtree see only the sites inside it. Sites are not owned by an organisation, so a grant's
// organisation limit does not narrow them (it narrows organisation-owned rows elsewhere).

/**
 * The area subtrees (P-code prefixes) in which the user holds `permission` in the operation:
 * null = the whole operation, [] = nothing.
 */
export function areaScope(grants: readonly GrantScope[], permission: Permission, operationId: string): string[] | null {
  const relevant = grants.filter((g) => g.permissions.has(permission) && g.operationId === operationId);
  if (relevant.some((g) => g.areaPcode === null)) return null;
  return [...new Set(relevant.map((g) => g.areaPcode!))];
}

function inScope(scope: string[] | null, areaPcode: string | null): boolean {
  if (scope === null) return true;
  return !!areaPcode && scope.some((root) => areaPcode.startsWith(root));
}

/** SQL admitting the rows the user may see with `permission`; null when no operation is visible. */
function siteVisibility(grants: readonly GrantScope[], permission: Permission, only?: string): SQL | null {
  const ops = (only ? [only] : operationsWith(grants, permission)).filter((op) => holds(grants, permission, op));
  const parts: SQL[] = [];
  for (const op of ops) {
    const scope = areaScope(grants, permission, op);
    if (scope === null) parts.push(eq(sites.operationId, op));
    else if (scope.length)
      parts.push(and(eq(sites.operationId, op), or(...scope.map((root) => sql`${sites.areaPcode} like ${likeSafe(root) + '%'}`)))!);
  }
  return parts.length ? or(...parts)! : null;
}

function presentSite(s: typeof sites.$inferSelect): SiteView {
  return {
    id: s.id,
    operationId: s.operationId,
    code: s.code,
    name: s.name,
    nameLocal: s.nameLocal,
    kind: s.kind,
    lat: s.lat,
    lon: s.lon,
    coordPrecision: s.coordPrecision,
    areaPcode: s.areaPcode,
    neighbourCountry: s.neighbourCountry,
    flowMonitoring: s.flowMonitoring,
    active: s.active,
    notes: s.notes,
  };
}

export async function listSites(tx: Tx, auth: AuthContext, q: z.infer<typeof sitesQuery>): Promise<Page<SiteView>> {
  let only: string | undefined;
  if (q.operation) {
    only = q.operation.toUpperCase();
    await requireOperation(tx, auth, only);
  }
  const visible = siteVisibility(auth.grants, 'places.read', only);
  if (!visible) return { items: [], total: 0, nextCursor: null };
  const filters: SQL[] = [visible];
  if (q.kind) filters.push(eq(sites.kind, q.kind));
  if (q.area) filters.push(sql`${sites.areaPcode} like ${likeSafe(q.area.trim().toUpperCase()) + '%'}`);
  if (q.flowMonitoring !== undefined) filters.push(eq(sites.flowMonitoring, q.flowMonitoring));
  if (q.active !== undefined) filters.push(eq(sites.active, q.active));
  if (q.q) {
    const terms = foldForSearch(q.q).split(' ').filter(Boolean);
    const byCode = ilike(sites.code, `${likeSafe(q.q.trim())}%`);
    const byText = terms.length ? and(...terms.map((t) => ilike(sites.searchText, `%${likeSafe(t)}%`))) : undefined;
    filters.push(byText ? or(byCode, byText)! : byCode);
  }
  const where = and(...filters)!;
  const [{ total }] = await tx.select({ total: count() }).from(sites).where(where);
  const after = decodeCursor(q.cursor, 2);
  const afterKey = after ? sql`(${sites.operationId}, ${sites.code}) > (${String(after[0])}, ${String(after[1])})` : undefined;
  const rows = await tx
    .select()
    .from(sites)
    .where(afterKey ? and(where, afterKey) : where)
    .orderBy(asc(sites.operationId), asc(sites.code))
    .limit(q.limit + 1);
  const page = takePage(rows, q.limit, (r) => [r.operationId, r.code]);
  return { items: page.rows.map(presentSite), total: Number(total), nextCursor: page.nextCursor };
}

/** The site row, or 404 when it does not exist or lies outside what the user may see. */
async function visibleSite(tx: Tx, auth: AuthContext, id: string): Promise<typeof sites.$inferSelect> {
  const [site] = await tx.select().from(sites).where(eq(sites.id, id)).limit(1);
  if (!site || !holds(auth.grants, 'places.read', site.operationId) || !inScope(areaScope(auth.grants, 'places.read', site.operationId), site.areaPcode))
    throw notFound('No such site.');
  return site;
}

export async function getSite(tx: Tx, auth: AuthContext, id: string): Promise<SiteView> {
  return presentSite(await visibleSite(tx, auth, id));
}

/** The sites among `ids` that the user may see (places.read), by id; the others are left out. */
export async function visibleSitesByIds(tx: Tx, auth: AuthContext, ids: Iterable<string>): Promise<Map<string, SiteView>> {
  const wanted = [...new Set(ids)];
  const visible = siteVisibility(auth.grants, 'places.read');
  if (!wanted.length || !visible) return new Map();
  const list = await tx.select().from(sites).where(and(inArray(sites.id, wanted), visible));
  return new Map(list.map((s) => [s.id, presentSite(s)]));
}

/** Rough bounding boxes (with a margin) to catch swapped or mistyped coordinates. */
export const COUNTRY_BOXES: Record<string, { latMin: number; latMax: number; lonMin: number; lonMax: number; name: string }> = {
  AFG: { name: 'Afghanistan', latMin: 29.3, latMax: 38.6, lonMin: 60.4, lonMax: 75.0 },
  PAK: { name: 'Pakistan', latMin: 23.6, latMax: 37.1, lonMin: 60.8, lonMax: 77.9 },
};

interface SiteFields {
  lat?: number | null;
  lon?: number | null;
  areaPcode?: string | null;
  neighbourCountry?: string | null;
}

/** Coordinate and area checks shared by create and update; every problem is reported at once. */
async function checkSiteFields(tx: Tx, operationId: string, v: SiteFields): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const hasLat = v.lat !== null && v.lat !== undefined;
  const hasLon = v.lon !== null && v.lon !== undefined;
  if (hasLat !== hasLon) issues.push(issueAt(hasLat ? 'body.lon' : 'body.lat', 'place.latLonPair'));
  const box = COUNTRY_BOXES[operationId];
  if (box && hasLat && hasLon) {
    if (v.lat! < box.latMin || v.lat! > box.latMax)
      issues.push(issueAt('body.lat', 'place.latOutside', { lat: v.lat!, area: box.name, min: box.latMin, max: box.latMax }));
    if (v.lon! < box.lonMin || v.lon! > box.lonMax)
      issues.push(issueAt('body.lon', 'place.lonOutside', { lon: v.lon!, area: box.name, min: box.lonMin, max: box.lonMax }));
  }
  if (v.areaPcode) {
    const [a] = await tx
      .select({ pcode: adminAreas.pcode })
      .from(adminAreas)
      .where(and(eq(adminAreas.operationId, operationId), eq(adminAreas.pcode, v.areaPcode)))
      .limit(1);
    if (!a) issues.push(issueAt('body.areaPcode', 'place.noArea', { pcode: v.areaPcode, operationId }));
  }
  return issues;
}

async function codeTaken(tx: Tx, operationId: string, code: string, exceptId?: string): Promise<boolean> {
  const where = and(eq(sites.operationId, operationId), sql`upper(${sites.code}) = ${code.toUpperCase()}`, exceptId ? ne(sites.id, exceptId) : undefined);
  const [hit] = await tx.select({ id: sites.id }).from(sites).where(where).limit(1);
  return !!hit;
}

const codeConflict = (operationId: string, code: string) =>
  conflict(msg('conflict.siteCodeUsed', { code, operationId }), [issueAt('body.code', 'place.siteCodeUsed')]);

/** Unique violations that slip past the pre-check (two requests at once) become 409s too. */
/** Manage rights for a site in an area: 403 when the user reads the operation but may not change there. */
function requireManage(auth: AuthContext, operationId: string, areaPcode: string | null | undefined) {
  if (!inScope(areaScope(auth.grants, 'places.manage', operationId), areaPcode ?? null)) throw forbidden('places.manage');
}

export async function createSite(tx: Tx, auth: AuthContext, actor: Actor, body: SiteCreate): Promise<SiteView> {
  const operationId = body.operationId.toUpperCase();
  const [op] = await tx.select({ id: operations.id }).from(operations).where(eq(operations.id, operationId)).limit(1);
  if (!op || !holds(auth.grants, 'places.read', operationId))
    throw invalid([issueAt('body.operationId', 'place.noOperation', { operationId: body.operationId })]);
  const areaPcode = body.areaPcode ? body.areaPcode.toUpperCase() : null;
  requireManage(auth, operationId, areaPcode);
  const values = {
    operationId,
    code: body.code,
    name: body.name,
    nameLocal: body.nameLocal ?? null,
    kind: body.kind,
    lat: body.lat ?? null,
    lon: body.lon ?? null,
    coordPrecision: body.coordPrecision ?? null,
    areaPcode,
    neighbourCountry: body.neighbourCountry ? body.neighbourCountry.toUpperCase() : null,
    flowMonitoring: body.flowMonitoring,
    active: body.active,
    notes: body.notes ?? null,
    searchText: siteSearchText(body.code, body.name, body.nameLocal),
  };
  const issues = await checkSiteFields(tx, operationId, values);
  if (issues.length) throw invalid(issues);
  if (await codeTaken(tx, operationId, body.code)) throw codeConflict(operationId, body.code);
  let row: typeof sites.$inferSelect;
  try {
    [row] = await tx.insert(sites).values(values).returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw codeConflict(operationId, body.code);
    throw err;
  }
  const view = presentSite(row);
  await audit(tx, actor, { action: 'site.create', entityType: 'site', entityId: row.id, operationId, after: view });
  return view;
}

export async function updateSite(tx: Tx, auth: AuthContext, actor: Actor, id: string, patch: SitePatch): Promise<SiteView> {
  const before = await visibleSite(tx, auth, id);
  requireManage(auth, before.operationId, before.areaPcode);
  const next = { ...before };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  if (patch.areaPcode !== undefined) next.areaPcode = patch.areaPcode ? patch.areaPcode.toUpperCase() : null;
  if (patch.neighbourCountry !== undefined) next.neighbourCountry = patch.neighbourCountry ? patch.neighbourCountry.toUpperCase() : null;
  if (next.areaPcode !== before.areaPcode) requireManage(auth, before.operationId, next.areaPcode);
  const issues = await checkSiteFields(tx, before.operationId, next);
  if (issues.length) throw invalid(issues);
  if (next.code !== before.code && (await codeTaken(tx, before.operationId, next.code, id))) throw codeConflict(before.operationId, next.code);
  const { id: _id, createdAt: _c, updatedAt: _u, ...values } = next;
  values.searchText = siteSearchText(next.code, next.name, next.nameLocal);
  let row: typeof sites.$inferSelect;
  try {
    [row] = await tx.update(sites).set({ ...values, updatedAt: new Date() }).where(eq(sites.id, id)).returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw codeConflict(before.operationId, next.code);
    throw err;
  }
  const view = presentSite(row);
  await audit(tx, actor, { action: 'site.update', entityType: 'site', entityId: id, operationId: before.operationId, before: presentSite(before), after: view });
  return view;
}

// ---------------------------------------------------------------------------------------------
// Organisations. They are shared across operations; a user sees those that work in an
// operation where she reads places (and, to manage them, every organisation when she manages
// places somewhere: a new organisation may not have operations yet).

function presentOrganisation(o: typeof organisations.$inferSelect): OrganisationView {
  return { id: o.id, acronym: o.acronym, name: o.name, type: o.type, operationIds: [...o.operationIds].sort() };
}

function organisationVisibility(auth: AuthContext): SQL | null {
  if (holds(auth.grants, 'places.manage')) return sql`true`;
  const ops = operationsWith(auth.grants, 'places.read');
  if (!ops.length) return null;
  return sql`${organisations.operationIds} && ${sql`array[${sql.join(ops.map((o) => sql`${o}`), sql`, `)}]::text[]`}`;
}

export async function listOrganisations(tx: Tx, auth: AuthContext, q: z.infer<typeof organisationsQuery>): Promise<Page<OrganisationView>> {
  const visible = organisationVisibility(auth);
  if (!visible) return { items: [], total: 0, nextCursor: null };
  const filters: SQL[] = [visible];
  if (q.operation) {
    const op = q.operation.toUpperCase();
    await requireOperation(tx, auth, op);
    filters.push(sql`${op} = any(${organisations.operationIds})`);
  }
  if (q.type) filters.push(eq(organisations.type, q.type));
  if (q.q) {
    const text = `%${likeSafe(q.q.trim())}%`;
    filters.push(or(ilike(organisations.acronym, text), ilike(organisations.name, text))!);
  }
  const where = and(...filters)!;
  const [{ total }] = await tx.select({ total: count() }).from(organisations).where(where);
  const after = decodeCursor(q.cursor, 2);
  const afterKey = after ? sql`(upper(${organisations.acronym}), ${organisations.id}) > (${String(after[0])}, ${String(after[1])}::uuid)` : undefined;
  const rows = await tx
    .select()
    .from(organisations)
    .where(afterKey ? and(where, afterKey) : where)
    .orderBy(sql`upper(${organisations.acronym})`, asc(organisations.id))
    .limit(q.limit + 1);
  const page = takePage(rows, q.limit, (r) => [r.acronym.toUpperCase(), r.id]);
  return { items: page.rows.map(presentOrganisation), total: Number(total), nextCursor: page.nextCursor };
}

async function visibleOrganisation(tx: Tx, auth: AuthContext, id: string): Promise<typeof organisations.$inferSelect> {
  const visible = organisationVisibility(auth);
  const [org] = visible ? await tx.select().from(organisations).where(and(eq(organisations.id, id), visible)).limit(1) : [];
  if (!org) throw notFound('No such organisation.');
  return org;
}

export async function getOrganisation(tx: Tx, auth: AuthContext, id: string): Promise<OrganisationView> {
  return presentOrganisation(await visibleOrganisation(tx, auth, id));
}

/** Operations named must exist and the user must manage places in each she adds or removes. */
async function checkOrganisationOperations(tx: Tx, auth: AuthContext, wanted: string[], before: string[] = []): Promise<string[]> {
  const ops = [...new Set(wanted.map((o) => o.toUpperCase()))].sort();
  const known = new Set((await tx.select({ id: operations.id }).from(operations)).map((o) => o.id));
  const issues: FieldIssue[] = [];
  ops.forEach((op, i) => {
    if (!known.has(op) || !holds(auth.grants, 'places.read', op)) issues.push(issueAt(`body.operationIds.${i}`, 'place.noOperation', { operationId: op }));
  });
  if (issues.length) throw invalid(issues);
  const changed = [...ops.filter((o) => !before.includes(o)), ...before.filter((o) => !ops.includes(o))];
  for (const op of changed) if (!holds(auth.grants, 'places.manage', op)) throw forbidden('places.manage');
  return ops;
}

const acronymConflict = (acronym: string) =>
  conflict(msg('conflict.acronymUsed', { acronym }), [issueAt('body.acronym', 'place.acronymUsed')]);

async function acronymTaken(tx: Tx, acronym: string, exceptId?: string): Promise<boolean> {
  const where = and(sql`upper(${organisations.acronym}) = ${acronym.toUpperCase()}`, exceptId ? ne(organisations.id, exceptId) : undefined);
  const [hit] = await tx.select({ id: organisations.id }).from(organisations).where(where).limit(1);
  return !!hit;
}

export async function createOrganisation(tx: Tx, auth: AuthContext, actor: Actor, body: OrganisationCreate): Promise<OrganisationView> {
  const operationIds = await checkOrganisationOperations(tx, auth, body.operationIds);
  if (await acronymTaken(tx, body.acronym)) throw acronymConflict(body.acronym);
  let row: typeof organisations.$inferSelect;
  try {
    [row] = await tx.insert(organisations).values({ acronym: body.acronym, name: body.name, type: body.type, operationIds }).returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw acronymConflict(body.acronym);
    throw err;
  }
  const view = presentOrganisation(row);
  await audit(tx, actor, { action: 'organisation.create', entityType: 'organisation', entityId: row.id, after: view });
  return view;
}

export async function updateOrganisation(tx: Tx, auth: AuthContext, actor: Actor, id: string, patch: OrganisationPatch): Promise<OrganisationView> {
  const before = await visibleOrganisation(tx, auth, id);
  const set: Partial<typeof organisations.$inferInsert> = {};
  if (patch.acronym !== undefined && patch.acronym !== before.acronym) {
    if (await acronymTaken(tx, patch.acronym, id)) throw acronymConflict(patch.acronym);
    set.acronym = patch.acronym;
  }
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.type !== undefined) set.type = patch.type;
  if (patch.operationIds !== undefined) set.operationIds = await checkOrganisationOperations(tx, auth, patch.operationIds, before.operationIds);
  if (!Object.keys(set).length) return presentOrganisation(before);
  let row: typeof organisations.$inferSelect;
  try {
    [row] = await tx.update(organisations).set({ ...set, updatedAt: new Date() }).where(eq(organisations.id, id)).returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw acronymConflict(patch.acronym ?? before.acronym);
    throw err;
  }
  const view = presentOrganisation(row);
  await audit(tx, actor, { action: 'organisation.update', entityType: 'organisation', entityId: id, before: presentOrganisation(before), after: view });
  return view;
}
