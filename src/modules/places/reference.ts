import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Tx } from '../../db/client';
import { parseCsvObjects } from '../../shared/csv';
import { foldForSearch } from '../../shared/text';
import { adminAreas, operations, sites } from './schema';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data');

const readCsv = (file: string) => parseCsvObjects(fs.readFileSync(path.join(DATA_DIR, 'geo', file), 'utf8'));

/** The operations Hamrah knows out of the box. */
export const OPERATIONS = [
  { id: 'AFG', name: 'Afghanistan', nameLocal: 'افغانستان', currency: 'AFN', languages: ['fa-AF', 'ps', 'en'], timeZone: 'Asia/Kabul', solarHijri: true, sortOrder: 1 },
  { id: 'PAK', name: 'Pakistan', nameLocal: 'پاکستان', currency: 'PKR', languages: ['ur', 'ps', 'en'], timeZone: 'Asia/Karachi', solarHijri: false, sortOrder: 2 },
  { id: 'IRN', name: 'Iran (Islamic Republic of)', nameLocal: 'ایران', currency: 'IRR', languages: ['fa-AF', 'en'], timeZone: 'Asia/Tehran', solarHijri: true, sortOrder: 3 },
];

type AreaRow = typeof adminAreas.$inferInsert;

function area(operationId: string, level: number, pcode: string, name: string, parentPcode: string | null, nameLocal?: string | null, hasBoundary = false): AreaRow {
  return {
    operationId, level, pcode, name, parentPcode,
    nameLocal: nameLocal || null,
    searchText: [pcode.toLowerCase(), foldForSearch(name), foldForSearch(nameLocal)].filter(Boolean).join(' '),
    hasBoundary,
  };
}

/** The gazetteer rows (COD-AB): AFG 1 + 34 + 401, PAK 1 + 7 + 160 + 577. */
export function gazetteer(): AreaRow[] {
  const rows: AreaRow[] = [area('AFG', 0, 'AF', 'Afghanistan', null, 'افغانستان'), area('PAK', 0, 'PK', 'Pakistan', null, 'پاکستان')];
  for (const r of readCsv('afg_adm1.csv')) rows.push(area('AFG', 1, r.adm1_pcode, r.adm1_name_en, 'AF', r.adm1_name_da, true));
  for (const r of readCsv('afg_adm2.csv'))
    rows.push(area('AFG', 2, r.adm2_pcode, r.adm2_name_en, r.adm1_pcode, r.adm2_name_da, r.has_2018_polygon === 'yes'));
  for (const r of readCsv('pak_adm1.csv')) rows.push(area('PAK', 1, r.adm1_pcode, r.adm1_name_en, 'PK'));
  for (const r of readCsv('pak_adm2.csv')) rows.push(area('PAK', 2, r.adm2_pcode, r.adm2_name_en, r.adm1_pcode));
  for (const r of readCsv('pak_adm3_tehsils.csv')) rows.push(area('PAK', 3, r.adm3_pcode, r.adm3_name_en, r.adm2_pcode));
  return rows;
}

/** What site search matches: the code, the names, folded like area names. */
export function siteSearchText(code: string, name: string, nameLocal?: string | null): string {
  return [code.toLowerCase(), foldForSearch(code), foldForSearch(name), foldForSearch(nameLocal)].filter(Boolean).join(' ');
}

/**
 * The 11 border crossing points, as sites of the AFG operation (the Afghan side). The two not yet
 * located (Dak, Nazar Posta) hang off the country root `AF`, so that every crossing has a P-code
 * and only users with country-wide grants see them.
 */
export function borderCrossings(): (typeof sites.$inferInsert)[] {
  return readCsv('border_crossing_points.csv').map((r) => ({
    operationId: 'AFG',
    code: `BCP-${r.bcp_id.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`,
    name: r.name,
    searchText: siteSearchText(`BCP-${r.bcp_id.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`, [r.name, ...(r.alt_names ? r.alt_names.split('|') : [])].join(' ')),
    kind: 'border_crossing_point' as const,
    lat: r.lat ? Number(r.lat) : null,
    lon: r.lon ? Number(r.lon) : null,
    coordPrecision: r.coord_precision || null,
    areaPcode: r.afg_adm2_pcode || r.afg_adm1_pcode || 'AF',
    neighbourCountry: r.other_side_country || null,
    flowMonitoring: true,
    notes: [r.alt_names && `Also: ${r.alt_names.split('|').join(', ')}`, r.notes].filter(Boolean).join('. ') || null,
  }));
}

/**
 * Loads operations, the gazetteer and the border crossings when missing. Idempotent: runs at
 * every start and adds only what is not there.
 */
export async function ensureReferenceData(tx: Tx): Promise<{ areas: number; sites: number }> {
  await tx.insert(operations).values(OPERATIONS).onConflictDoNothing();
  const areas = gazetteer();
  let added = 0;
  for (let i = 0; i < areas.length; i += 500) {
    const res = await tx.insert(adminAreas).values(areas.slice(i, i + 500)).onConflictDoNothing().returning({ pcode: adminAreas.pcode });
    added += res.length;
  }
  const bcps = await tx.insert(sites).values(borderCrossings()).onConflictDoNothing().returning({ id: sites.id });
  return { areas: added, sites: bcps.length };
}
