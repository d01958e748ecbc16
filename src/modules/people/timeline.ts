/**
 * A household's journey across modules. The people module contributes registration, edits,
 * members, document status changes and consent; other modules add their own events by
 * registering a source (e.g. assistance: "received MPCA 20,005 AFN at Torkham").
 *
 *   registerTimelineSource({ module: 'assistance', events: async (tx, household, auth) => [...] });
 *
 * A source receives the household the user may read and returns events it may show to this user
 * (a source applies its own permissions; it returns [] when the user may not see its data).
 */
import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import type { TimelineEvent } from './contract';
import { peopleConsents, peopleDocuments, peopleDocumentStatuses, peopleHouseholdVersions } from './schema';
import { canSeeSensitive, loadHousehold } from './service';

export interface TimelineHousehold {
  id: string;
  operationId: string;
  reference: string;
  currentPcode: string | null;
  organisationId: string | null;
}

export interface TimelineSource {
  module: string;
  events(tx: Tx, household: TimelineHousehold, auth: AuthContext): Promise<TimelineEvent[]>;
}

const sources: TimelineSource[] = [];

/** Adds a module's events to every household timeline (call once, at import time of the module). */
export function registerTimelineSource(source: TimelineSource): void {
  if (!sources.some((s) => s.module === source.module)) sources.push(source);
}

const TITLES: Record<string, string> = {
  'household.create': 'Household registered',
  'household.import': 'Household registered by bulk import',
  'household.update': 'Household details edited',
  'member.add': 'Member added',
  'member.update': 'Member details edited',
  'member.remove': 'Member removed',
  'document.add': 'Document added',
};

/** The people module's own events. Version rows cover edits; documents and consent have their own dates. */
const peopleSource: TimelineSource = {
  module: 'people',
  async events(tx, household, auth) {
    const out: TimelineEvent[] = [];
    const versions = await tx
      .select({ version: peopleHouseholdVersions.version, action: peopleHouseholdVersions.action, at: peopleHouseholdVersions.createdAt, by: peopleHouseholdVersions.createdBy })
      .from(peopleHouseholdVersions)
      .where(eq(peopleHouseholdVersions.householdId, household.id))
      .orderBy(asc(peopleHouseholdVersions.version));
    for (const v of versions) {
      const title = TITLES[v.action];
      if (!title) continue; // document.status and consent.* come from their own rows below
      out.push({ at: v.at.toISOString(), module: 'people', kind: v.action, title, by: v.by, individualId: null, details: { version: v.version } });
    }
    const sensitive = canSeeSensitive(auth, household);
    if (sensitive) {
      const statuses = await tx
        .select({ status: peopleDocumentStatuses.status, on: peopleDocumentStatuses.on, at: peopleDocumentStatuses.createdAt, by: peopleDocumentStatuses.createdBy, type: peopleDocuments.type, individualId: peopleDocuments.individualId, validTo: peopleDocumentStatuses.validTo })
        .from(peopleDocumentStatuses)
        .innerJoin(peopleDocuments, eq(peopleDocuments.id, peopleDocumentStatuses.documentId))
        .where(eq(peopleDocumentStatuses.householdId, household.id));
      for (const s of statuses)
        out.push({ at: s.at.toISOString(), module: 'people', kind: 'document.status', title: `Document ${s.type}: ${s.status}`, by: s.by, individualId: s.individualId, details: { type: s.type, status: s.status, on: s.on, validTo: s.validTo } });
    }
    const consents = await tx.select().from(peopleConsents).where(eq(peopleConsents.householdId, household.id));
    for (const c of consents) {
      out.push({ at: c.recordedAt.toISOString(), module: 'people', kind: 'consent.give', title: `Consent given: ${c.purpose}`, by: c.recordedBy, individualId: c.individualId, details: { purpose: c.purpose, givenOn: c.givenOn } });
      if (c.withdrawnAt) out.push({ at: c.withdrawnAt.toISOString(), module: 'people', kind: 'consent.withdraw', title: `Consent withdrawn: ${c.purpose}`, by: c.withdrawnBy, individualId: c.individualId, details: { purpose: c.purpose } });
    }
    return out;
  },
};
registerTimelineSource(peopleSource);

/** Every event of the household, oldest first. */
export async function timeline(tx: Tx, auth: AuthContext, id: string): Promise<{ items: TimelineEvent[] }> {
  const h = await loadHousehold(tx, auth, id, 'people.read');
  const all: TimelineEvent[] = [];
  for (const s of sources) all.push(...(await s.events(tx, h, auth)));
  all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { items: all };
}
