import { notFound } from './errors';

/**
 * The catalogue of dot-named permissions. A role is a set of these; a grant gives a role to a user
 * in one operation, optionally limited to an admin-area subtree and/or one organisation.
 * Every route declares one of these (or `public` / `authenticated`) in `config.permission`.
 */
export const PERMISSIONS = {
  'places.read': 'See operations, admin areas, sites and organisations',
  'places.manage': 'Create and edit sites and organisations',
  'access.users.read': 'See users, roles and grants',
  'access.users.manage': 'Create, edit and disable users; give and take grants',
  'access.roles.manage': 'Create and edit roles',
  'audit.read': 'Read the audit log',
  'flows.read': 'See flow monitoring counts and surveys',
  'flows.count.write': 'Enter flow monitoring counts at granted crossing points',
  'flows.survey.write': 'Enter flow monitoring surveys at granted crossing points',
  'flows.verify': 'Verify and publish flow monitoring data',
  'flows.export': 'Export flow monitoring data',
  'flows.surveys.rows.export': 'Export row-level flow monitoring surveys',
  'mobility.read': 'See mobility tracking assessments',
  'mobility.write': 'Enter mobility tracking assessments',
  'mobility.verify': 'Open, verify and publish mobility tracking rounds',
  'people.read': 'See registered households and individuals',
  'people.write': 'Register and edit households and individuals',
  'people.sensitive.read': 'See documents, phones and vulnerabilities of registered people',
  'dedup.review': 'Review and merge duplicate records',
  'people.linkage': 'Link the registry with a partner agency through encoded files (privacy-preserving linkage)',
  'dedup.run': 'Start and cancel deduplication runs over an operation\'s registry',
  'assistance.read': 'See programmes, entitlements and distributions',
  'assistance.manage': 'Build target lists, price entitlements, approve payment lists',
  'assistance.payments.export': 'Export payment lists and reconcile them',
  'distributions.write': 'Record hand-overs at a distribution site',
  'pipeline.read': 'See stock, items and requests',
  'pipeline.stock.write': 'Receive, transfer, dispatch and count stock',
  'pipeline.request': 'Request pipeline stock for an organisation',
  'cases.read': 'See protection cases',
  'cases.write': 'Open and work protection cases and referrals',
  'cases.gbv.read': 'See gender-based violence cases (need-to-know)',
  'cases.gbv.write': 'Work gender-based violence cases',
  'feedback.read': 'See complaints and feedback',
  'feedback.write': 'Record and answer complaints and feedback',
  'feedback.psea.read': 'See sexual exploitation, abuse and harassment complaints',
  'coordination.read': 'See plans, indicators and 4W reports',
  'coordination.4w.write': 'Report 4W activities for an organisation',
  'reports.published.read': 'See published aggregate figures',
} as const;

export type Permission = keyof typeof PERMISSIONS;
/** What a route may declare: a permission, or no permission beyond being logged in, or nothing at all. */
export type RoutePermission = Permission | 'authenticated' | 'public';

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(p: string): p is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, p);
}

export interface BuiltInRole {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
}

const READ_ALL_AGGREGATES: Permission[] = ['places.read', 'reports.published.read'];

/** The roles Hamrah ships, one per persona in the domain brief. Admins may add their own. */
export const BUILT_IN_ROLES: BuiltInRole[] = [
  { id: 'admin', name: 'Administrator', description: 'Sets up the operation, users and grants', permissions: ALL_PERMISSIONS.filter((p) => p !== 'cases.gbv.read' && p !== 'cases.gbv.write' && p !== 'feedback.psea.read') },
  { id: 'enumerator', name: 'DTM enumerator', description: 'Enters daily flow counts and surveys at assigned crossing points', permissions: [...READ_ALL_AGGREGATES, 'flows.read', 'flows.count.write', 'flows.survey.write', 'mobility.read', 'mobility.write'] },
  { id: 'analyst', name: 'DTM analyst', description: 'Checks, publishes and exports flow and mobility data', permissions: [...READ_ALL_AGGREGATES, 'flows.read', 'flows.verify', 'flows.export', 'flows.surveys.rows.export', 'mobility.read', 'mobility.write', 'mobility.verify'] },
  { id: 'registrar', name: 'Registration officer', description: 'Registers households at a transit centre and resolves duplicates', permissions: [...READ_ALL_AGGREGATES, 'people.read', 'people.write', 'people.sensitive.read', 'dedup.review', 'dedup.run', 'people.linkage'] },
  { id: 'cash', name: 'Cash officer', description: 'Targets, prices entitlements, exports and reconciles payment lists', permissions: [...READ_ALL_AGGREGATES, 'people.read', 'assistance.read', 'assistance.manage', 'assistance.payments.export'] },
  { id: 'distributor', name: 'Distribution officer', description: 'Hands over cash and kits at a site', permissions: [...READ_ALL_AGGREGATES, 'people.read', 'assistance.read', 'distributions.write'] },
  { id: 'caseworker', name: 'Caseworker', description: 'Protection cases and referrals', permissions: [...READ_ALL_AGGREGATES, 'people.read', 'people.sensitive.read', 'cases.read', 'cases.write'] },
  { id: 'gbv', name: 'GBV specialist', description: 'Gender-based violence cases, need-to-know', permissions: [...READ_ALL_AGGREGATES, 'people.read', 'people.sensitive.read', 'cases.read', 'cases.write', 'cases.gbv.read', 'cases.gbv.write'] },
  { id: 'cfm', name: 'CFM operator', description: 'Takes hotline calls and desk feedback', permissions: [...READ_ALL_AGGREGATES, 'feedback.read', 'feedback.write'] },
  { id: 'psea', name: 'PSEA focal point', description: 'The only one who sees sexual exploitation and abuse complaints', permissions: [...READ_ALL_AGGREGATES, 'feedback.read', 'feedback.write', 'feedback.psea.read'] },
  { id: 'warehouse', name: 'Warehouse manager', description: 'Receipts, transfers, dispatches and counts', permissions: [...READ_ALL_AGGREGATES, 'pipeline.read', 'pipeline.stock.write'] },
  { id: 'partner', name: 'Partner user', description: 'S-NFI partner: requests pipeline stock and reports 4W for its own organisation', permissions: [...READ_ALL_AGGREGATES, 'pipeline.read', 'pipeline.request', 'coordination.read', 'coordination.4w.write'] },
  { id: 'viewer', name: 'Donor / viewer', description: 'Read-only published aggregates', permissions: [...READ_ALL_AGGREGATES, 'coordination.read'] },
];

export interface GrantScope {
  roleId: string;
  operationId: string;
  areaPcode: string | null;
  organisationId: string | null;
  permissions: ReadonlySet<string>;
}

export interface Target {
  operationId: string;
  /** The P-code of the object's place; undefined when the object has none. */
  areaPcode?: string | null;
  /** The organisation that owns the object. */
  organisationId?: string | null;
}

/** P-codes nest by prefix: AF01 ⊃ AF0101; PK5 ⊃ PK513 ⊃ PK51303. */
export function inSubtree(pcode: string | null | undefined, root: string | null): boolean {
  if (root === null) return true;
  if (!pcode) return false;
  return pcode.startsWith(root);
}

/** True when one of the grants gives `permission` for the target object. */
export function allows(grants: readonly GrantScope[], permission: Permission, target: Target): boolean {
  return grants.some(
    (g) =>
      g.permissions.has(permission) &&
      g.operationId === target.operationId &&
      inSubtree(target.areaPcode, g.areaPcode) &&
      (g.organisationId === null || g.organisationId === target.organisationId),
  );
}

/** True when the user holds `permission` somewhere (optionally in one operation). */
export function holds(grants: readonly GrantScope[], permission: Permission, operationId?: string): boolean {
  return grants.some((g) => g.permissions.has(permission) && (!operationId || g.operationId === operationId));
}

/**
 * The operation an API call names (any case), upper-cased, when the user holds `permission`
 * there; otherwise 404 "No operation …" (an operation the user may not see does not exist for them).
 */
export function operationHeld(grants: readonly GrantScope[], permission: Permission, operationIn: string): string {
  const operationId = operationIn.toUpperCase();
  if (!holds(grants, permission, operationId)) throw notFound(`No operation ${operationIn}.`);
  return operationId;
}

/**
 * The row filter a list query must apply for `permission` in an operation: `null` when the
 * user holds it without limits there, otherwise the list of (area, org) scopes, any of which
 * admits a row. An empty list means: nothing.
 */
export function scopesFor(
  grants: readonly GrantScope[],
  permission: Permission,
  operationId: string,
): { areaPcode: string | null; organisationId: string | null }[] | null {
  const relevant = grants.filter((g) => g.permissions.has(permission) && g.operationId === operationId);
  if (relevant.some((g) => g.areaPcode === null && g.organisationId === null)) return null;
  return relevant.map((g) => ({ areaPcode: g.areaPcode, organisationId: g.organisationId }));
}
