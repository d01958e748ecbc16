/**
 * Import adapter for flow monitoring counts (one row per site × date × direction × neighbour
 * country), with the rules of entering a count by hand (service.ts: figureColumns, site scope,
 * flow-monitoring point, no future date, neighbour country). Imported counts start as drafts,
 * version 1. Natural key: site, date, direction, neighbour country; a stored count with the same
 * figures is "already imported", one with other figures is an error on the row (correct it in the app).
 */
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../db/client';
import type { FieldIssue } from '../../server/errors';
import { derivedUuid, pgArray } from '../../imports/ids';
import type { Existing, ImportAdapter, ImportField } from '../../imports/types';
import { choiceValue, dateValue, intValue, uuidValue } from '../../imports/values';
import { DIRECTIONS } from './kinds';
import { COUNTRY_SYNONYMS, DIRECTION_SYNONYMS, siteResolver } from './import-common';
import { countKeyHash, figureColumns } from './service';
import { evaluateAlertsForCounts, reviseAlertsForCounts } from './alerts-service';
import { msg } from '../../shared/messages';

type Cols = ReturnType<typeof figureColumns>;

export interface CountRecord {
  id: string;
  operationId: string;
  siteId: string;
  date: string;
  direction: 'in' | 'out';
  neighbourCountry: string;
  cols: Cols;
  bodyHash: string;
}

const num = (key: string, label: string, aliases: string[] = [], required = false): ImportField => ({ key, label, aliases, required });

export const COUNT_FIELDS: readonly ImportField[] = [
  { key: 'site', label: 'Crossing point', required: true, aliases: ['bcp', 'site_code', 'sitecode', 'border_crossing_point', 'crossing_point', 'location', 'fmp'] },
  { key: 'date', label: 'Date', required: true, aliases: ['count_date', 'date_of_count', 'today', 'day', '_submission_time'] },
  { key: 'direction', label: 'Direction (in/out)', required: true, options: DIRECTIONS, aliases: ['flow_direction', 'flow'] },
  { key: 'neighbourCountry', label: 'Neighbour country', aliases: ['neighbour', 'neighbor_country', 'country', 'from_to_country'] },
  num('total', 'Total', ['total_individuals', 'individuals', 'total_persons'], true),
  num('men', 'Men', ['adult_men', 'male_adults'], true),
  num('women', 'Women', ['adult_women', 'female_adults'], true),
  num('boys', 'Boys', ['male_children'], true),
  num('girls', 'Girls', ['female_children'], true),
  num('afghan', 'Afghan nationals', ['afghans', 'nationality_afghan']),
  num('otherNationality', 'Other nationalities', ['other_nationality', 'non_afghan', 'others']),
  num('deported', 'Deported (inflow)', ['deportees']),
  num('spontaneous', 'Spontaneous (inflow)', ['spontaneous_returnees']),
  num('otherReason', 'Other reason (inflow)', ['other_reason']),
  num('transportFoot', 'By foot', ['transport_foot', 'foot']),
  num('transportCar', 'By car', ['transport_car', 'car']),
  num('transportBus', 'By bus', ['transport_bus', 'bus']),
  num('transportTruck', 'By truck', ['transport_truck', 'truck']),
  num('transportOther', 'Other transport', ['transport_other']),
  { key: 'notes', label: 'Notes', aliases: ['comments', 'remarks'] },
  { key: 'id', label: 'Record id (UUID)', aliases: ['_uuid', 'uuid', 'instanceid', 'meta_instanceid'] },
];

/** figureColumns reports `body.<name>`; the report names the import field. */
const FIELD_OF: Record<string, string> = { 'body.transport': 'transportFoot' };
const fieldOf = (path: string) => FIELD_OF[path] ?? path.replace(/^body\./, '');

const FIGURES = ['total', 'men', 'women', 'boys', 'girls', 'afghan', 'otherNationality', 'deported', 'spontaneous', 'otherReason', 'transportFoot', 'transportCar', 'transportBus', 'transportTruck', 'transportOther', 'notes'] as const;
const keyOf = (r: { siteId: string; date: string; direction: string; neighbourCountry: string }) => `${r.siteId}|${r.date}|${r.direction}|${r.neighbourCountry}`;

export const flowCountsImport: ImportAdapter<CountRecord> = {
  kind: 'flows.counts',
  // PGlite has no autovacuum: the dashboard's index-only reads need these vacuumed after an import.
  tidyTables: ['flow_counts', 'flow_dash_counts', 'flow_dash_answers'],
  label: 'Flow monitoring counts',
  permission: 'flows.count.write',
  fields: COUNT_FIELDS,
  writeOrder: (r) => `${r.date}|${r.siteId}|${r.direction}`,
  async begin({ tx, auth, operationId, userId }) {
    const sites = await siteResolver(tx, auth, 'flows.count.write', operationId, 'counts');
    return {
      validate(row, issue) {
        const site = sites.resolve(row.site, issue);
        const date = dateValue(row.date, 'date', issue);
        if (date && date > sites.today) issue('date', msg('date.futureTodayIn', { date, today: sites.today, timeZone: sites.timeZone }));
        const direction = choiceValue(row.direction, 'direction', issue, DIRECTIONS, { synonyms: DIRECTION_SYNONYMS });
        const id = uuidValue(row.id, 'id', issue);
        const n = (k: string, blank?: number | null) => intValue(row[k], k, issue, { blank, max: 1_000_000 });
        const f = {
          total: n('total'),
          men: n('men'),
          women: n('women'),
          boys: n('boys'),
          girls: n('girls'),
          afghan: n('afghan', null),
          otherNationality: n('otherNationality', 0),
          deported: n('deported', null),
          spontaneous: n('spontaneous', null),
          otherReason: n('otherReason', null),
          transport: { foot: n('transportFoot', 0), car: n('transportCar', 0), bus: n('transportBus', 0), truck: n('transportTruck', 0), other: n('transportOther', 0) },
        };
        const notes = typeof row.notes === 'string' ? row.notes.slice(0, 2000) : null;
        if (!site || !date || !direction) return null;
        if ([f.total, f.men, f.women, f.boys, f.girls, f.otherNationality, ...Object.values(f.transport)].some((v) => v === null)) return null;
        if (!site.flowMonitoring) issue('site', msg('flows.notFlowPoint', { site: site.code }));
        const given = typeof row.neighbourCountry === 'string' ? row.neighbourCountry.trim() : '';
        const neighbourCountry = (given ? (COUNTRY_SYNONYMS[given.toLowerCase()] ?? given) : (site.neighbourCountry ?? '')).toUpperCase();
        if (!neighbourCountry) issue('neighbourCountry', msg('flows.neighbourMissing', { site: site.code }));
        else if (!/^[A-Z]{3}$/.test(neighbourCountry)) issue('neighbourCountry', msg('cell.notIso3', { value: given }));
        else if (site.neighbourCountry && site.neighbourCountry !== neighbourCountry) issue('neighbourCountry', msg('flows.neighbourWrong', { site: site.code, neighbour: site.neighbourCountry, given: neighbourCountry }));
        const issues: FieldIssue[] = [];
        // Afghan nationals default to everyone not counted as another nationality.
        const figures = { ...f, afghan: f.afghan ?? f.total! - f.otherNationality!, notes } as Parameters<typeof figureColumns>[1];
        const cols = figureColumns(direction, figures, issues);
        for (const i of issues) issue(fieldOf(i.path), i);
        if (issues.length) return null;
        const key = { operationId, siteId: site.id, date, direction, neighbourCountry };
        const recId = id ?? derivedUuid(`flows.counts|${keyOf(key)}|${operationId}`);
        return { ...key, id: recId, cols, bodyHash: countKeyHash({ id: recId, ...key }, cols) };
      },
      key: keyOf,
      async existing(tx: Tx, recs: CountRecord[]) {
        const out = new Map<string, Existing>();
        if (!recs.length) return out;
        const found = await rows<Record<string, unknown>>(
          tx,
          sql`select c.id, c.version, c.site_id, c.date::text as date, c.direction, c.neighbour_country, c.total, c.men, c.women, c.boys, c.girls, c.afghan,
                c.other_nationality, c.deported, c.spontaneous, c.other_reason, c.transport_foot, c.transport_car, c.transport_bus, c.transport_truck, c.transport_other, c.notes
              from flow_counts c
              join unnest(${pgArray(recs.map((r) => r.siteId))}::uuid[], ${pgArray(recs.map((r) => r.date))}::date[], ${pgArray(recs.map((r) => r.direction))}::text[], ${pgArray(recs.map((r) => r.neighbourCountry))}::text[])
                as k(site_id, date, direction, neighbour_country)
                on c.site_id = k.site_id and c.date = k.date and c.direction = k.direction and c.neighbour_country = k.neighbour_country
              where c.current and c.operation_id = ${recs[0].operationId}`,
        );
        const byKey = new Map(recs.map((r) => [keyOf(r), r]));
        for (const f of found) {
          const key = `${f.site_id}|${f.date}|${f.direction}|${f.neighbour_country}`;
          const r = byKey.get(key);
          if (!r) continue;
          const stored: Record<string, unknown> = {
            total: f.total, men: f.men, women: f.women, boys: f.boys, girls: f.girls, afghan: f.afghan, otherNationality: f.other_nationality,
            deported: f.deported, spontaneous: f.spontaneous, otherReason: f.other_reason, transportFoot: f.transport_foot, transportCar: f.transport_car,
            transportBus: f.transport_bus, transportTruck: f.transport_truck, transportOther: f.transport_other, notes: f.notes,
          };
          const same = FIGURES.every((k) => (stored[k] ?? null) === ((r.cols as Record<string, unknown>)[k] ?? null) || Number(stored[k]) === (r.cols as Record<string, unknown>)[k]);
          out.set(key, same ? { same: true } : { same: false, field: 'date', ...msg('flows.countStored', { version: Number(f.version) }) });
        }
        // A given id that is already used by another count.
        const ids = recs.filter((r) => !out.has(keyOf(r)));
        if (ids.length) {
          const used = await rows<{ id: string }>(tx, sql`select distinct id from flow_counts where id = any(${pgArray(ids.map((r) => r.id))}::uuid[])`);
          const usedSet = new Set(used.map((u) => u.id));
          for (const r of ids) if (usedSet.has(r.id)) out.set(keyOf(r), { same: false, field: 'id', ...msg('flows.countIdUsed', { id: r.id }) });
        }
        return out;
      },
      async insert(tx: Tx, recs: CountRecord[]) {
        if (!recs.length) return 0;
        const col = <K extends keyof Cols>(k: K) => pgArray(recs.map((r) => r.cols[k] as number | string | null));
        const res = await rows<{ n: number }>(
          tx,
          sql`with ins as (
            insert into flow_counts (id, version, current, operation_id, site_id, date, direction, neighbour_country, total, men, women, boys, girls, afghan, other_nationality,
              deported, spontaneous, other_reason, transport_foot, transport_car, transport_bus, transport_truck, transport_other, notes, status, body_hash, created_by)
            select u.id, 1, true, ${recs[0].operationId}, u.site_id, u.date, u.direction, u.nc, u.total, u.men, u.women, u.boys, u.girls, u.afghan, u.other_nationality,
              u.deported, u.spontaneous, u.other_reason, u.t_foot, u.t_car, u.t_bus, u.t_truck, u.t_other, u.notes, 'draft', u.body_hash, ${userId}::uuid
            from unnest(${pgArray(recs.map((r) => r.id))}::uuid[], ${pgArray(recs.map((r) => r.siteId))}::uuid[], ${pgArray(recs.map((r) => r.date))}::date[],
              ${pgArray(recs.map((r) => r.direction))}::text[], ${pgArray(recs.map((r) => r.neighbourCountry))}::text[],
              ${col('total')}::int[], ${col('men')}::int[], ${col('women')}::int[], ${col('boys')}::int[], ${col('girls')}::int[], ${col('afghan')}::int[], ${col('otherNationality')}::int[],
              ${col('deported')}::int[], ${col('spontaneous')}::int[], ${col('otherReason')}::int[],
              ${col('transportFoot')}::int[], ${col('transportCar')}::int[], ${col('transportBus')}::int[], ${col('transportTruck')}::int[], ${col('transportOther')}::int[],
              ${col('notes')}::text[], ${pgArray(recs.map((r) => r.bodyHash))}::text[])
              as u(id, site_id, date, direction, nc, total, men, women, boys, girls, afghan, other_nationality, deported, spontaneous, other_reason,
                   t_foot, t_car, t_bus, t_truck, t_other, notes, body_hash)
            on conflict do nothing
            returning 1)
          select count(*)::int as n from ins`,
        );
        // Surge alerts, as for counts entered by hand, in the same transaction.
        await evaluateAlertsForCounts(tx, { userId, requestId: null }, recs.map((r) => ({ siteId: r.siteId, direction: r.direction, date: r.date })));
        return Number(res[0]?.n ?? 0);
      },
      async remove(tx: Tx, recs: CountRecord[]) {
        if (!recs.length) return;
        await tx.execute(sql`delete from flow_counts where version = 1 and id = any(${pgArray(recs.map((r) => r.id))}::uuid[])`);
        // The chunk's insert raised alerts from these rows (PGlite commits chunk by chunk): with the
        // rows gone their windows no longer fire, so those alerts are withdrawn, audited.
        await reviseAlertsForCounts(tx, { userId, requestId: null }, recs.map((r) => ({ siteId: r.siteId, direction: r.direction, date: r.date })));
      },
    };
  },
};
