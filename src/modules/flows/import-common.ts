/** What the flows import adapters share: the sites a user reaches, site lookup by code or name, today. */
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import type { Permission } from '../../server/permissions';
import type { IssueSink } from '../../imports/types';
import { msg } from '../../shared/messages';
import { operationSites, operationTimeZone, type SiteFacts } from './places-lookup';
import { siteInScope, todayIn } from './service';

export interface SiteResolver {
  /** The site a cell names (code, name or id), reporting unknown or unreachable sites on the row. */
  resolve(v: string | string[] | undefined, issue: IssueSink): SiteFacts | null;
  today: string;
  timeZone: string;
}

const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * Sites of the operation by code, name and id. A site outside the user's grants for `permission`
 * is an error on its row, as entering it by hand would be (sites are reference data everybody
 * with places.read sees, so naming it leaks nothing).
 */
export async function siteResolver(tx: Tx, auth: AuthContext, permission: Permission, operationId: string, kind: 'counts' | 'surveys'): Promise<SiteResolver> {
  const all = await operationSites(tx, operationId);
  const timeZone = (await operationTimeZone(tx, operationId)) ?? 'UTC';
  const byName = new Map<string, SiteFacts>();
  for (const s of all) {
    byName.set(s.id.toLowerCase(), s);
    byName.set(squash(s.code), s);
    // "Torkham" for BCP-TORKHAM, as forms often carry the short name.
    byName.set(squash(s.code.replace(/^BCP-/i, '')), s);
    if (!byName.has(squash(s.name))) byName.set(squash(s.name), s);
  }
  const inScope = new Map(all.map((s) => [s.id, siteInScope(auth.grants, permission, s)]));
  // Files name the same few sites over and over.
  const seen = new Map<string, SiteFacts | null>();
  return {
    today: todayIn(timeZone),
    timeZone,
    resolve(v, issue) {
      if (v === undefined || v === '' || Array.isArray(v)) {
        issue('site', msg('flows.crossingRequired'));
        return null;
      }
      let s = seen.get(v);
      if (s === undefined) {
        s = byName.get(squash(v)) ?? byName.get(v.toLowerCase()) ?? null;
        if (seen.size < 10_000) seen.set(v, s);
      }
      if (!s) {
        issue('site', msg('place.noSiteQuoted', { site: v, operationId }));
        return null;
      }
      if (!inScope.get(s.id)) {
        issue('site', msg(kind === 'counts' ? 'flows.noCountsHere' : 'flows.noSurveysHere', { site: s.code }));
        return null;
      }
      return s;
    },
  };
}

export const DIRECTION_SYNONYMS: Record<string, 'in' | 'out'> = {
  inflow: 'in', incoming: 'in', entry: 'in', arrival: 'in', arrivals: 'in', i: 'in',
  outflow: 'out', outgoing: 'out', exit: 'out', departure: 'out', departures: 'out', o: 'out',
};

export const COUNTRY_SYNONYMS: Record<string, 'PAK' | 'IRN'> = { pakistan: 'PAK', pk: 'PAK', iran: 'IRN', ir: 'IRN' };
