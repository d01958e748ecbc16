import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { Column } from '../../exports';
import { mobilityAssessments } from './schema';
import type { Gazetteer } from './service';
import type { RoundKind } from './kinds';

type Row = typeof mobilityAssessments.$inferSelect;
export interface ExportRow extends Row {
  roundNumber: number;
  referenceDate: string;
  status: string;
}

/**
 * Assessments as a table with an HXL hashtag row (DOMAIN.md). HXL's core tags cover places and
 * people (#adm1, #adm2, #affected, #inneed …); it has no tag for returnees, out-migrants or
 * damaged shelters, so those use custom attributes (+returnees, +idp_returnees, +out_migrants,
 * +shelters+damaged …) on core hashtags, as the standard allows. Partners should read them as such.
 */
export function columnsFor(kind: RoundKind, g: Gazetteer, sites: Map<string, { code: string; name: string }>): Column<ExportRow>[] {
  const common: Column<ExportRow>[] = [
    { header: 'reference_date', hxl: '#date+reported', value: (r) => r.referenceDate, type: 'date' },
    { header: 'round', hxl: '#meta+round', value: (r) => r.roundNumber, type: 'number' },
    { header: 'adm1_name', hxl: '#adm1+name', value: (r) => g.adm1.get(r.admin1Pcode)?.name ?? null },
    { header: 'adm1_pcode', hxl: '#adm1+code', value: (r) => r.admin1Pcode, type: 'text' },
    { header: 'adm2_name', hxl: '#adm2+name', value: (r) => g.adm2.get(r.admin2Pcode)?.name ?? null },
    { header: 'adm2_pcode', hxl: '#adm2+code', value: (r) => r.admin2Pcode, type: 'text' },
  ];
  const tail: Column<ExportRow>[] = [
    { header: 'notes', hxl: '#description+notes', value: (r) => r.notes, type: 'text' },
    { header: 'status', hxl: '#status+workflow', value: (r) => r.status },
    { header: 'version', hxl: '#meta+version', value: (r) => r.version, type: 'number' },
    { header: 'id', hxl: '#meta+id', value: (r) => r.id, type: 'text' },
  ];
  const site: Column<ExportRow>[] = [
    { header: 'site_code', hxl: '#loc+code', value: (r) => (r.siteId ? sites.get(r.siteId)?.code ?? r.siteId : null), type: 'text' },
    { header: 'site_name', hxl: '#loc+name', value: (r) => (r.siteId ? sites.get(r.siteId)?.name ?? null : r.settlement), type: 'text' },
  ];
  const n = (header: string, hxl: string, value: (r: ExportRow) => unknown): Column<ExportRow> => ({ header, hxl, value, type: 'number' });
  if (kind === 'baseline')
    return [
      ...common,
      ...site,
      n('idps_ind', '#affected+idps+ind', (r) => r.idpInd),
      n('idps_hh', '#affected+idps+hh', (r) => r.idpHh),
      n('returnees_ind', '#affected+returnees+ind', (r) => r.returneeInd),
      n('returnees_hh', '#affected+returnees+hh', (r) => r.returneeHh),
      n('idp_returnees_ind', '#affected+idp_returnees+ind', (r) => r.idpReturneeInd),
      n('idp_returnees_hh', '#affected+idp_returnees+hh', (r) => r.idpReturneeHh),
      n('out_migrants_ind', '#affected+out_migrants+ind', (r) => r.outMigrantInd),
      n('out_migrants_hh', '#affected+out_migrants+hh', (r) => r.outMigrantHh),
      n('idps_m', '#affected+idps+m', (r) => r.idpMales),
      n('idps_f', '#affected+idps+f', (r) => r.idpFemales),
      { header: 'displacement_reason', hxl: '#cause+displacement', value: (r) => r.displacementReason },
      { header: 'idp_origin_adm1_pcode', hxl: '#adm1+code+origin', value: (r) => r.idpOriginAdmin1Pcode, type: 'text' },
      ...tail,
    ];
  if (kind === 'site')
    return [
      ...common,
      ...site,
      n('individuals', '#affected+ind', (r) => r.individuals),
      n('households', '#affected+hh', (r) => r.households),
      { header: 'services', hxl: '#service+available', value: (r) => r.services },
      { header: 'priority_needs', hxl: '#sector+code+priority', value: (r) => r.priorityNeeds },
      ...tail,
    ];
  return [
    ...common,
    { header: 'event_type', hxl: '#event+type', value: (r) => r.eventType },
    { header: 'event_date', hxl: '#date+event', value: (r) => r.eventDate, type: 'date' },
    n('affected_hh', '#affected+hh', (r) => r.affectedHh),
    n('displaced_hh', '#affected+displaced+hh', (r) => r.displacedHh),
    n('displaced_ind', '#affected+displaced+ind', (r) => r.displacedInd),
    n('damaged_shelters', '#affected+shelters+damaged', (r) => r.damagedShelters),
    n('destroyed_shelters', '#affected+shelters+destroyed', (r) => r.destroyedShelters),
    { header: 'priority_needs', hxl: '#sector+code+priority', value: (r) => r.priorityNeeds },
    ...tail,
  ];
}

/** A round's current assessments (filtered by `where`) in keyset batches by (adm2, id): memory stays flat. */
export async function* assessmentBatches(db: Tx, round: { roundNumber: number; referenceDate: string; status: string }, where: SQL, batchSize = 2000): AsyncGenerator<ExportRow[]> {
  let after: [string, string] | null = null;
  for (;;) {
    const key: SQL | undefined = after ? sql`(${mobilityAssessments.admin2Pcode}, ${mobilityAssessments.id}) > (${after[0]}, ${after[1]}::uuid)` : undefined;
    const list: Row[] = await db
      .select()
      .from(mobilityAssessments)
      .where(key ? and(where, key) : where)
      .orderBy(asc(mobilityAssessments.admin2Pcode), asc(mobilityAssessments.id))
      .limit(batchSize);
    if (!list.length) return;
    yield list.map((r) => ({ ...r, roundNumber: round.roundNumber, referenceDate: round.referenceDate, status: round.status }));
    if (list.length < batchSize) return;
    const last: Row = list[list.length - 1];
    after = [last.admin2Pcode, last.id];
  }
}
