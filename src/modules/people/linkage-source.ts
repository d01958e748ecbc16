/**
 * What privacy-preserving linkage (src/modules/linkage) reads from the registry: the people of an
 * operation the user may link, as the matching engine's records, and the households of linked
 * people for the review list. Only households in the user's `people.linkage` scope are read.
 */
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { allows } from '../../server/permissions';
import type { PersonRecord } from '../dedup/engine';
import { displayName, engineRecord } from './keys';
import { peopleHouseholds, peopleIndividuals } from './schema';
import { scopeFilter, targetOf } from './service';

export interface LinkablePerson {
  individualId: string;
  householdId: string;
  record: PersonRecord;
}

/** The people (not removed, household not merged away) of the operation in the user's linkage scope. */
export async function linkablePeople(tx: Tx, auth: AuthContext, operationId: string): Promise<LinkablePerson[]> {
  const year = new Date().getUTCFullYear();
  const list = await tx
    .select({ id: peopleIndividuals.id, householdId: peopleIndividuals.householdId, keys: peopleIndividuals.matchKeys })
    .from(peopleIndividuals)
    .innerJoin(peopleHouseholds, eq(peopleHouseholds.id, peopleIndividuals.householdId))
    .where(and(eq(peopleIndividuals.operationId, operationId), isNull(peopleIndividuals.removedAt), ne(peopleHouseholds.status, 'merged'), scopeFilter(auth, 'people.linkage', operationId)));
  return list.map((r) => ({ individualId: r.id, householdId: r.householdId, record: engineRecord(r.id, r.keys, year) }));
}

export interface LinkedPerson {
  householdId: string;
  reference: string;
  displayName: string;
}

/** Reference and name of these people, for those the user may link (others are left out). */
export async function linkedPeople(tx: Tx, auth: AuthContext, individualIds: string[]): Promise<Map<string, LinkedPerson>> {
  const out = new Map<string, LinkedPerson>();
  if (!individualIds.length) return out;
  const list = await tx
    .select({
      id: peopleIndividuals.id,
      householdId: peopleHouseholds.id,
      reference: peopleHouseholds.reference,
      operationId: peopleHouseholds.operationId,
      currentPcode: peopleHouseholds.currentPcode,
      organisationId: peopleHouseholds.organisationId,
      givenName: peopleIndividuals.givenName,
      familyName: peopleIndividuals.familyName,
      givenNameAr: peopleIndividuals.givenNameAr,
      familyNameAr: peopleIndividuals.familyNameAr,
      fatherName: peopleIndividuals.fatherName,
      fatherNameAr: peopleIndividuals.fatherNameAr,
    })
    .from(peopleIndividuals)
    .innerJoin(peopleHouseholds, eq(peopleHouseholds.id, peopleIndividuals.householdId))
    .where(inArray(peopleIndividuals.id, individualIds));
  for (const r of list) if (allows(auth.grants, 'people.linkage', targetOf(r))) out.set(r.id, { householdId: r.householdId, reference: r.reference, displayName: displayName(r) });
  return out;
}
