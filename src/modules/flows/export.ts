import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { csvField } from '../../shared/csv';
import { flowCounts } from './schema';
import type { SiteFacts } from './places-lookup';

/**
 * Counts as CSV with an HXL hashtag row. HXL has no core tag for population flows, so the
 * direction and breakdowns use custom attributes (+inflow, +outflow, +deported, +spontaneous,
 * +afghan, +transport …) on #affected, as the HXL standard allows; partners should read them as such.
 * One row per site × date × direction × neighbour country (current version only): exactly one of
 * the inflow / outflow columns is filled.
 */
export const COUNT_COLUMNS: { header: string; hxl: string }[] = [
  { header: 'date', hxl: '#date+reported' },
  { header: 'site_name', hxl: '#loc+name' },
  { header: 'site_code', hxl: '#loc+code' },
  { header: 'adm1_pcode', hxl: '#adm1+code' },
  { header: 'adm2_pcode', hxl: '#adm2+code' },
  { header: 'neighbour_country', hxl: '#country+code+neighbour' },
  { header: 'direction', hxl: '#indicator+direction' },
  { header: 'inflow', hxl: '#affected+ind+inflow' },
  { header: 'outflow', hxl: '#affected+ind+outflow' },
  { header: 'men', hxl: '#affected+m+adults' },
  { header: 'women', hxl: '#affected+f+adults' },
  { header: 'boys', hxl: '#affected+m+children' },
  { header: 'girls', hxl: '#affected+f+children' },
  { header: 'afghan', hxl: '#affected+afghan' },
  { header: 'other_nationality', hxl: '#affected+other_nationality' },
  { header: 'deported', hxl: '#affected+returnees+deported' },
  { header: 'spontaneous', hxl: '#affected+returnees+spontaneous' },
  { header: 'other_reason', hxl: '#affected+returnees+other' },
  { header: 'transport_foot', hxl: '#affected+transport+foot' },
  { header: 'transport_car', hxl: '#affected+transport+car' },
  { header: 'transport_bus', hxl: '#affected+transport+bus' },
  { header: 'transport_truck', hxl: '#affected+transport+truck' },
  { header: 'transport_other', hxl: '#affected+transport+other' },
  { header: 'status', hxl: '#status+workflow' },
  { header: 'version', hxl: '#meta+version' },
  { header: 'id', hxl: '#meta+id' },
];

const line = (fields: unknown[]) => fields.map(csvField).join(',') + '\r\n';

export interface CountsCsvInput {
  operationId: string;
  from?: string;
  to?: string;
  sites: SiteFacts[];
  /** adm2 → adm1 P-codes of the operation. */
  parents: Map<string, string | null>;
  batchSize?: number;
}

/**
 * Yields the CSV in chunks: header, HXL row, then one chunk per batch of rows read with keyset
 * pagination (date, site, direction, neighbour), so memory stays flat whatever the size.
 */
export async function* countsCsv(db: Tx, input: CountsCsvInput): AsyncGenerator<string> {
  yield line(COUNT_COLUMNS.map((c) => c.header)) + line(COUNT_COLUMNS.map((c) => c.hxl));
  const ids = input.sites.map((s) => s.id);
  if (!ids.length) return;
  const byId = new Map(input.sites.map((s) => [s.id, s]));
  const batch = input.batchSize ?? 2000;
  let after: [string, string, string, string] | null = null;
  for (;;) {
    const filters = [eq(flowCounts.operationId, input.operationId), eq(flowCounts.current, true), inArray(flowCounts.siteId, ids)];
    if (input.from) filters.push(gte(flowCounts.date, input.from));
    if (input.to) filters.push(lte(flowCounts.date, input.to));
    if (after)
      filters.push(
        sql`(${flowCounts.date}, ${flowCounts.siteId}, ${flowCounts.direction}, ${flowCounts.neighbourCountry}) > (${after[0]}::date, ${after[1]}::uuid, ${after[2]}, ${after[3]})`,
      );
    const list = await db
      .select()
      .from(flowCounts)
      .where(and(...filters))
      .orderBy(asc(flowCounts.date), asc(flowCounts.siteId), asc(flowCounts.direction), asc(flowCounts.neighbourCountry))
      .limit(batch);
    if (!list.length) return;
    let chunk = '';
    for (const r of list) {
      const site = byId.get(r.siteId)!;
      const area = site.areaPcode;
      const parent = area ? input.parents.get(area) : null;
      // Sites sit on a district (adm2) or, when not located better, a province or the country.
      const adm2 = area && parent && parent.length > 2 ? area : null;
      const adm1 = adm2 ? parent : area && parent && parent.length === 2 ? area : null;
      chunk += line([
        r.date,
        site.name,
        site.code,
        adm1,
        adm2,
        r.neighbourCountry,
        r.direction,
        r.direction === 'in' ? r.total : null,
        r.direction === 'out' ? r.total : null,
        r.men,
        r.women,
        r.boys,
        r.girls,
        r.afghan,
        r.otherNationality,
        r.deported,
        r.spontaneous,
        r.otherReason,
        r.transportFoot,
        r.transportCar,
        r.transportBus,
        r.transportTruck,
        r.transportOther,
        r.status,
        r.version,
        r.id,
      ]);
    }
    yield chunk;
    if (list.length < batch) return;
    const last = list[list.length - 1];
    after = [last.date, last.siteId, last.direction, last.neighbourCountry];
  }
}
