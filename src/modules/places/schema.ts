import { sql } from 'drizzle-orm';
import { check, doublePrecision, foreignKey, index, integer, pgTable, primaryKey, smallint, text, unique, boolean } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from '../../db/columns';
import { ORG_TYPES, SITE_KINDS } from './kinds';

export { ORG_TYPES, SITE_KINDS };

/** An operation is one country response (AFG, PAK, IRN …); its id is the ISO3 code. */
export const operations = pgTable('operations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  nameLocal: text('name_local'),
  currency: text('currency').notNull(),
  languages: text('languages').array().notNull(),
  timeZone: text('time_zone').notNull(),
  /** Show Solar Hijri dates beside Gregorian ones. */
  solarHijri: boolean('solar_hijri').notNull().default(false),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
});

/**
 * Administrative areas from the OCHA COD-AB gazetteer. P-codes nest by prefix
 * (AF01 ⊃ AF0101, PK5 ⊃ PK513 ⊃ PK51303); area-scoped grants rely on that.
 */
export const adminAreas = pgTable(
  'admin_areas',
  {
    operationId: text('operation_id').notNull().references(() => operations.id),
    pcode: text('pcode').notNull(),
    level: smallint('level').notNull(),
    name: text('name').notNull(),
    nameLocal: text('name_local'),
    parentPcode: text('parent_pcode'),
    /** Lower-cased, accent- and script-folded names for search. */
    searchText: text('search_text').notNull(),
    validFrom: text('valid_from'),
    hasBoundary: boolean('has_boundary').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.operationId, t.pcode] }),
    index('admin_areas_parent_idx').on(t.operationId, t.parentPcode),
    index('admin_areas_level_idx').on(t.operationId, t.level, t.pcode),
    check('admin_areas_level_check', sql`${t.level} between 0 and 4`),
  ],
);

export const sites = pgTable(
  'sites',
  {
    id: idColumn(),
    operationId: text('operation_id').notNull().references(() => operations.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    nameLocal: text('name_local'),
    kind: text('kind', { enum: SITE_KINDS }).notNull(),
    lat: doublePrecision('lat'),
    lon: doublePrecision('lon'),
    coordPrecision: text('coord_precision'),
    areaPcode: text('area_pcode'),
    /** For border crossings: the country on the other side (ISO3). */
    neighbourCountry: text('neighbour_country'),
    /** DTM flow monitoring point: counts may be entered here. */
    flowMonitoring: boolean('flow_monitoring').notNull().default(false),
    active: boolean('active').notNull().default(true),
    notes: text('notes'),
    /** Lower-cased, script-folded code and names for search (see foldForSearch). */
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('sites_operation_code_uq').on(t.operationId, t.code),
    // The target of composite foreign keys (a row's site must be a site of the row's operation).
    unique('sites_operation_id_uq').on(t.operationId, t.id),
    index('sites_operation_kind_idx').on(t.operationId, t.kind),
    index('sites_area_idx').on(t.operationId, t.areaPcode),
    // The area must be a P-code of the same operation (composite key, shard-friendly).
    foreignKey({ name: 'sites_area_fk', columns: [t.operationId, t.areaPcode], foreignColumns: [adminAreas.operationId, adminAreas.pcode] }),
    check('sites_lat_check', sql`${t.lat} between -90 and 90`),
    check('sites_lon_check', sql`${t.lon} between -180 and 180`),
    check('sites_coords_check', sql`(${t.lat} is null) = (${t.lon} is null)`),
  ],
);

export const organisations = pgTable(
  'organisations',
  {
    id: idColumn(),
    acronym: text('acronym').notNull(),
    name: text('name').notNull(),
    type: text('type', { enum: ORG_TYPES }).notNull(),
    /** Operations the organisation works in. */
    operationIds: text('operation_ids').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('organisations_acronym_uq').on(t.acronym)],
);
