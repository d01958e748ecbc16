import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, pgTable, primaryKey, smallint, text, unique, boolean } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from '../../db/columns';

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

export const SITE_KINDS = [
  'border_crossing_point',
  'transit_centre',
  'reception_centre',
  'warehouse',
  'displacement_site',
  'community_resource_centre',
  'distribution_point',
  'health_facility',
] as const;

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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('sites_operation_code_uq').on(t.operationId, t.code),
    index('sites_operation_kind_idx').on(t.operationId, t.kind),
    index('sites_area_idx').on(t.operationId, t.areaPcode),
  ],
);

/** Organisation types as in HDX's organisation-type list. */
export const ORG_TYPES = [
  'academic_research',
  'donor',
  'government',
  'international_ngo',
  'military',
  'national_ngo',
  'other',
  'private_sector',
  'red_cross_red_crescent',
  'religious',
  'un_agency',
] as const;

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
  },
  (t) => [unique('organisations_acronym_uq').on(t.acronym)],
);
