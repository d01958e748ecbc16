/**
 * Synthetic, calibrated DTM mobility tracking data for the demo (never real data about people).
 *
 * - Baseline round 15 (reference date 31 Dec 2022), published: one row per district of the
 *   gazetteer (all 401 AFG districts). National totals equal DTM's published round 15 figures
 *   exactly: 5,894,220 IDPs and 5,676,122 returnees from abroad. They are spread over provinces
 *   with weights that put most returnees in the east, south and west (Nangarhar, Kandahar, Herat,
 *   Kabul …) and most IDPs in the big cities' provinces, then over districts (the provincial
 *   centre, xx01, weighs most). IDP returnees (≈40% of IDPs) and out-migrants (≈9% of returnees)
 *   are illustrative: DOMAIN.md gives no figure for them. Households use 6.4–7.8 people each; every
 *   group is split by arrival period (before 2021, 2021–2023) and IDPs by sex, all adding up exactly.
 * - A site assessment round (verified) over two demo sites it creates in the places module.
 * - A rapid assessment round (submitted) after a flash flood in eastern Afghanistan.
 *
 * Fixed-seed PRNG: two runs give the same figures. Rows go in with multi-row inserts.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { ALL_PERMISSIONS } from '../../server/permissions';
import { uuidv7 } from '../../shared/ids';
import { pgArray } from '../../imports/ids';
import { createSite, listSites } from '../places/service';
import { mobilityAssessments, mobilityRounds } from './schema';
import { gazetteer } from './service';

export const ROUND15 = { roundNumber: 15, referenceDate: '2022-12-31', idps: 5_894_220, returnees: 5_676_122 } as const;

/** Relative weight of each province for returnees from abroad and for IDPs (synthetic). */
const RETURNEE_WEIGHT: Record<string, number> = {
  AF06: 14, AF27: 10, AF32: 10, AF01: 7, AF15: 5, AF07: 4, AF21: 4, AF19: 4, AF30: 4, AF34: 4, AF14: 3.5, AF11: 3, AF33: 3, AF13: 3, AF12: 2.5, AF29: 2.5, AF18: 2.5, AF09: 2.5, AF26: 2, AF25: 1.5, AF05: 1.5, AF04: 1.5, AF31: 1.5, AF03: 1.5, AF28: 1.5, AF23: 1.2, AF02: 1, AF20: 1, AF22: 1, AF17: 1, AF16: 0.6, AF24: 0.6, AF10: 0.5, AF08: 0.4,
};
const IDP_WEIGHT: Record<string, number> = {
  AF01: 9, AF32: 9, AF27: 8, AF21: 7, AF06: 7, AF30: 6, AF19: 6, AF29: 5, AF18: 4.5, AF09: 4, AF31: 4, AF23: 3.5, AF11: 3.5, AF26: 3, AF25: 3, AF15: 3, AF07: 2.5, AF33: 2.5, AF28: 2.5, AF22: 2.5, AF17: 2.5, AF12: 2, AF13: 2, AF14: 2, AF20: 2, AF04: 2, AF05: 1.5, AF03: 1.5, AF24: 1.5, AF10: 1.2, AF16: 1, AF34: 1, AF02: 1, AF08: 0.5,
};

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `total` into integers proportional to `weights` that add up exactly (largest remainder). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

/** An all-powerful context for seeding through other modules' services (never used by requests). */
function seedAuth(operationId: string): AuthContext {
  return {
    user: { id: '00000000-0000-7000-8000-000000000000', username: 'demo-seed', displayName: 'Demo seed', organisationId: null, language: 'en', isDemo: true },
    grants: [{ roleId: 'admin', operationId, areaPcode: null, organisationId: null, permissions: new Set(ALL_PERMISSIONS) }],
    via: 'token',
  };
}

export interface MobilityDemoResult {
  rounds: number;
  assessments: number;
  ms: number;
  /** Milliseconds per step: figures computed, baseline rows written, site and event rounds. */
  phases?: Record<string, number>;
}

const SEED_ACTOR = { userId: null, requestId: null };

type Insert = typeof mobilityAssessments.$inferInsert;

async function insertRows(tx: Tx, rows: Insert[]) {
  for (let i = 0; i < rows.length; i += 500) await tx.insert(mobilityAssessments).values(rows.slice(i, i + 500));
}

/**
 * Baseline rows in one statement over unnest()ed arrays: a few parameters instead of ~10,000
 * (PGlite binds parameters slowly; one multi-row VALUES of 401 rows took ~2 s under load).
 */
async function insertBaseline(tx: Tx, list: Insert[]) {
  const col = (f: (r: Insert) => string | number | null | undefined) => pgArray(list.map((r) => f(r) ?? null));
  await tx.execute(sql`
    insert into mobility_assessments (id, version, current, operation_id, round_id, kind, admin1_pcode, admin2_pcode, location_key,
      idp_ind, idp_hh, returnee_ind, returnee_hh, idp_returnee_ind, idp_returnee_hh, out_migrant_ind, out_migrant_hh,
      idp_males, idp_females, displacement_reason, idp_origin_admin1_pcode, by_period, body_hash)
    select u.id, 1, true, u.op, u.round_id, 'baseline', u.a1, u.a2, u.lk, u.i1, u.h1, u.i2, u.h2, u.i3, u.h3, u.i4, u.h4, u.m, u.f, u.reason, u.origin, u.bp::jsonb, 'demo'
    from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.operationId)}::text[], ${col((r) => r.roundId)}::uuid[], ${col((r) => r.admin1Pcode)}::text[],
      ${col((r) => r.admin2Pcode)}::text[], ${col((r) => r.locationKey)}::text[],
      ${col((r) => r.idpInd)}::int[], ${col((r) => r.idpHh)}::int[], ${col((r) => r.returneeInd)}::int[], ${col((r) => r.returneeHh)}::int[],
      ${col((r) => r.idpReturneeInd)}::int[], ${col((r) => r.idpReturneeHh)}::int[], ${col((r) => r.outMigrantInd)}::int[], ${col((r) => r.outMigrantHh)}::int[],
      ${col((r) => r.idpMales)}::int[], ${col((r) => r.idpFemales)}::int[], ${col((r) => r.displacementReason)}::text[], ${col((r) => r.idpOriginAdmin1Pcode)}::text[],
      ${col((r) => (r.byPeriod ? JSON.stringify(r.byPeriod) : null))}::text[])
      as u(id, op, round_id, a1, a2, lk, i1, h1, i2, h2, i3, h3, i4, h4, m, f, reason, origin, bp)`);
}

function stamps(status: 'draft' | 'submitted' | 'verified' | 'published', at: Date) {
  const s = ['submitted', 'verified', 'published'].indexOf(status);
  return {
    status,
    submittedAt: s >= 0 ? at : null,
    verifiedAt: s >= 1 ? at : null,
    publishedAt: s >= 2 ? at : null,
  };
}

/** Seeds the mobility demo for AFG; does nothing when baseline round 15 exists already. */
export async function seedMobilityDemo(tx: Tx): Promise<MobilityDemoResult> {
  const started = Date.now();
  const op = 'AFG';
  const [existing] = await tx
    .select({ id: mobilityRounds.id })
    .from(mobilityRounds)
    .where(and(eq(mobilityRounds.operationId, op), eq(mobilityRounds.kind, 'baseline'), eq(mobilityRounds.roundNumber, ROUND15.roundNumber)))
    .limit(1);
  if (existing) return { rounds: 0, assessments: 0, ms: Date.now() - started };
  const phases: Record<string, number> = {};
  let mark = Date.now();
  const lap = (name: string) => {
    const now = Date.now();
    phases[name] = now - mark;
    mark = now;
  };
  const g = await gazetteer(tx, op);
  const rnd = mulberry32(15);
  const at = new Date('2023-03-15T08:00:00Z');

  // Baseline round 15 ---------------------------------------------------------------------------
  const baselineId = uuidv7();
  await tx.insert(mobilityRounds).values({
    id: baselineId,
    operationId: op,
    kind: 'baseline',
    roundNumber: ROUND15.roundNumber,
    name: 'Baseline mobility assessment, round 15 (synthetic demo)',
    referenceDate: ROUND15.referenceDate,
    periodFrom: '2022-10-01',
    periodTo: '2022-12-31',
    notes: 'Synthetic demo data. National totals equal DTM\'s published round 15 (5,894,220 IDPs; 5,676,122 returnees from abroad); the split over districts is invented.',
    bodyHash: 'demo',
    ...stamps('published', at),
  });
  const districts = [...g.adm2.entries()].map(([pcode, d]) => ({ pcode, province: d.parent ?? pcode.slice(0, 4) })).sort((a, b) => a.pcode.localeCompare(b.pcode));
  const local = districts.map((d) => (d.pcode.endsWith('01') ? 4 : 0.5 + rnd()));
  const byProvince = (weights: Record<string, number>) => districts.map((d, i) => (weights[d.province] ?? 1) * local[i]);
  // Each district's share of a province is its local weight over the province's sum.
  const provinceSum = new Map<string, number>();
  districts.forEach((d, i) => provinceSum.set(d.province, (provinceSum.get(d.province) ?? 0) + local[i]));
  const w = (weights: Record<string, number>) => byProvince(weights).map((x, i) => x / provinceSum.get(districts[i].province)!);
  const idps = apportion(ROUND15.idps, w(IDP_WEIGHT));
  const returnees = apportion(ROUND15.returnees, w(RETURNEE_WEIGHT));
  const idpReturnees = idps.map((x) => Math.round(x * (0.3 + 0.2 * rnd())));
  const outMigrants = returnees.map((x) => Math.round(x * (0.06 + 0.06 * rnd())));
  const hh = (ind: number) => (ind === 0 ? 0 : Math.max(1, Math.round(ind / (6.4 + 1.4 * rnd()))));
  /** Two arrival periods whose individuals and households add up to the totals (households ≤ people). */
  const periods = (ind: number, h: number, early: number) => {
    const [i1, i2] = apportion(ind, [early, 1 - early]);
    let h1 = ind ? Math.round((h * i1) / ind) : 0;
    h1 = Math.min(Math.max(h1, i1 > 0 ? 1 : 0), i1, h);
    if (i2 > 0 && h - h1 < 1 && h1 > 1) h1--;
    return [{ ind: i1, hh: h1 }, { ind: i2, hh: h - h1 }];
  };
  const rows: Insert[] = districts.map((d, i) => {
    const f = {
      idps: { ind: idps[i], hh: hh(idps[i]) },
      returnees: { ind: returnees[i], hh: hh(returnees[i]) },
      idpReturnees: { ind: idpReturnees[i], hh: hh(idpReturnees[i]) },
      outMigrants: { ind: outMigrants[i], hh: hh(outMigrants[i]) },
    };
    const early = { idps: 0.6 + 0.2 * rnd(), returnees: 0.45 + 0.2 * rnd(), idpReturnees: 0.5, outMigrants: 0.3 + 0.2 * rnd() };
    const split = Object.fromEntries((Object.keys(f) as (keyof typeof f)[]).map((k) => [k, periods(f[k].ind, f[k].hh, early[k])]));
    const byPeriod = {
      before_2021: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, v[0]])),
      '2021_2023': Object.fromEntries(Object.entries(split).map(([k, v]) => [k, v[1]])),
    };
    const [males, females] = apportion(idps[i], [0.51, 0.49]);
    return {
      id: uuidv7(),
      version: 1,
      current: true,
      operationId: op,
      roundId: baselineId,
      kind: 'baseline',
      admin1Pcode: d.province,
      admin2Pcode: d.pcode,
      siteId: null,
      settlement: null,
      locationKey: `adm2:${d.pcode}`,
      idpInd: f.idps.ind,
      idpHh: f.idps.hh,
      returneeInd: f.returnees.ind,
      returneeHh: f.returnees.hh,
      idpReturneeInd: f.idpReturnees.ind,
      idpReturneeHh: f.idpReturnees.hh,
      outMigrantInd: f.outMigrants.ind,
      outMigrantHh: f.outMigrants.hh,
      idpMales: males,
      idpFemales: females,
      displacementReason: rnd() < 0.22 ? 'natural_disaster' : 'conflict',
      idpOriginAdmin1Pcode: d.province,
      byPeriod,
      bodyHash: 'demo',
    };
  });
  lap('computeMs');
  await insertBaseline(tx, rows);
  lap('baselineInsertMs');

  // Site assessments on two demo sites ----------------------------------------------------------
  const auth = seedAuth(op);
  const siteDefs = [
    { code: 'DEMO-SITE-SAMARKHEL', name: 'Samar Khel informal settlement (demo)', nameLocal: 'ساحه غیررسمی سمرخیل (نمایشی)', kind: 'displacement_site' as const, areaPcode: 'AF0603', lat: 34.39, lon: 70.53 },
    { code: 'DEMO-TC-SPINBOLDAK', name: 'Spin Boldak transit centre (demo)', nameLocal: 'مرکز ترانزیت سپین بولدک (نمایشی)', kind: 'transit_centre' as const, areaPcode: 'AF2711', lat: 31.0, lon: 66.4 },
  ];
  const siteIds: string[] = [];
  for (const s of siteDefs) {
    const found = (await listSites(tx, auth, { operation: op, q: s.code, limit: 5 } as Parameters<typeof listSites>[2])).items.find((x) => x.code === s.code);
    siteIds.push(found ? found.id : (await createSite(tx, auth, SEED_ACTOR, { operationId: op, ...s, coordPrecision: 'demo location', neighbourCountry: null, notes: 'Synthetic demo site.', flowMonitoring: false, active: true })).id);
  }
  const siteRound = uuidv7();
  await tx.insert(mobilityRounds).values({ id: siteRound, operationId: op, kind: 'site', roundNumber: 1, name: 'Site assessment, round 1 (synthetic demo)', referenceDate: '2025-02-28', bodyHash: 'demo', ...stamps('verified', new Date('2025-03-05T08:00:00Z')) });
  const siteRows: Insert[] = [
    { siteIdx: 0, adm2: 'AF0603', ind: 4_830, hh: 690, services: ['latrines', 'water'], needs: ['SHL', 'WSH', 'FSC', 'HEA'] },
    { siteIdx: 1, adm2: 'AF2711', ind: 2_140, hh: 305, services: ['food', 'health', 'latrines', 'protection_desk', 'transport', 'water'], needs: ['FSC', 'PRO', 'SHL'] },
  ].map((s) => ({
    id: uuidv7(), version: 1, current: true, operationId: op, roundId: siteRound, kind: 'site', admin1Pcode: s.adm2.slice(0, 4), admin2Pcode: s.adm2,
    siteId: siteIds[s.siteIdx], locationKey: `site:${siteIds[s.siteIdx]}`, individuals: s.ind, households: s.hh, services: s.services, priorityNeeds: s.needs, bodyHash: 'demo',
  }));
  await insertRows(tx, siteRows);
  lap('sitesMs');

  // Rapid assessment after a flash flood (displaced individuals counted in three districts of four) ---
  const eventRound = uuidv7();
  await tx.insert(mobilityRounds).values({ id: eventRound, operationId: op, kind: 'event', roundNumber: 1, name: 'Flash floods, eastern region: rapid assessment (synthetic demo)', referenceDate: '2024-08-02', periodFrom: '2024-07-29', periodTo: '2024-08-02', bodyHash: 'demo', ...stamps('submitted', new Date('2024-08-03T08:00:00Z')) });
  const eventRows: Insert[] = [
    { adm2: 'AF0615', affected: 620, displaced: 240, ind: 1690, damaged: 310, destroyed: 85, needs: ['SHL', 'WSH', 'FSC', 'HEA'] },
    { adm2: 'AF0616', affected: 410, displaced: 130, ind: 905, damaged: 190, destroyed: 40, needs: ['SHL', 'FSC', 'WSH'] },
    { adm2: 'AF0622', affected: 180, displaced: 45, ind: 322, damaged: 70, destroyed: 12, needs: ['WSH', 'SHL', 'HEA'] },
    { adm2: 'AF1501', affected: 350, displaced: 95, ind: null, damaged: 160, destroyed: 28, needs: ['SHL', 'FSC', 'PRO'] },
  ].map((e) => ({
    id: uuidv7(), version: 1, current: true, operationId: op, roundId: eventRound, kind: 'event', admin1Pcode: e.adm2.slice(0, 4), admin2Pcode: e.adm2, locationKey: `adm2:${e.adm2}`,
    eventType: 'flash_flood', eventDate: '2024-07-29', affectedHh: e.affected, displacedHh: e.displaced, displacedInd: e.ind, damagedShelters: e.damaged, destroyedShelters: e.destroyed, priorityNeeds: e.needs, bodyHash: 'demo',
  }));
  await insertRows(tx, eventRows);
  lap('eventMs');
  return { rounds: 3, assessments: rows.length + siteRows.length + eventRows.length, ms: Date.now() - started, phases };
}
