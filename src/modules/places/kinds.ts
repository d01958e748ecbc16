/** Value lists shared by the tables, the API contract and the web app (no database imports here). */

/** What a site is; border crossing points are the DTM flow monitoring points. */
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
