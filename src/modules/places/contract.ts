import { z } from 'zod';
import { pageOf, pageQuery } from '../../server/pagination';
import { ORG_TYPES, SITE_KINDS } from './kinds';
import { schemaText } from '../../shared/messages';

export const operationView = z.object({
  id: z.string(),
  name: z.string(),
  nameLocal: z.string().nullable(),
  currency: z.string(),
  languages: z.array(z.string()),
  timeZone: z.string(),
  solarHijri: z.boolean(),
});
export type OperationView = z.infer<typeof operationView>;

export const areaView = z.object({
  pcode: z.string(),
  name: z.string(),
  nameLocal: z.string().nullable(),
  level: z.number().int(),
  parentPcode: z.string().nullable(),
  hasBoundary: z.boolean(),
  /** Number of areas directly under this one. */
  childCount: z.number().int(),
});
export type AreaView = z.infer<typeof areaView>;

export const areasQuery = pageQuery.extend({
  operation: z.string().min(2).max(10),
  level: z.coerce.number().int().min(0).max(4).optional(),
  parent: z.string().max(20).optional(),
  /** Name (English or local script, any folding) or P-code prefix. */
  q: z.string().trim().max(100).optional(),
});
export const areasPage = pageOf(areaView);

export const operationParams = z.object({ id: z.string().min(2).max(10) });

export const areaRef = z.object({
  pcode: z.string(),
  name: z.string(),
  nameLocal: z.string().nullable(),
  level: z.number().int(),
});

export const areaDetail = areaView.extend({
  operationId: z.string(),
  /** From the country down to the parent, root first. */
  ancestors: z.array(areaRef),
});
export type AreaDetail = z.infer<typeof areaDetail>;

export const areaParams = z.object({ pcode: z.string().min(2).max(20) });
export const areaQuery = z.object({
  /** Optional: when absent, the operation is the one whose gazetteer holds the P-code. */
  operation: z.string().min(2).max(10).optional(),
});

export const boundariesQuery = z.object({
  operation: z.string().min(2).max(10),
  level: z.coerce.number().int().min(1).max(2),
});

/** The GeoJSON the boundaries route serves (documented here; the body is sent pre-serialised). */
export const boundaryCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({
        pcode: z.string(),
        name: z.string(),
        nameLocal: z.string().nullable(),
        level: z.number().int(),
        parentPcode: z.string().nullable(),
      }),
      geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.any()) }),
    }),
  ),
});

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const trimmedOrNull = (max: number) =>
  z.string().trim().max(max).nullish().transform((v) => (v === undefined ? undefined : v || null));

export const siteView = z.object({
  id: z.string(),
  operationId: z.string(),
  code: z.string(),
  name: z.string(),
  nameLocal: z.string().nullable(),
  kind: z.enum(SITE_KINDS),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  coordPrecision: z.string().nullable(),
  areaPcode: z.string().nullable(),
  neighbourCountry: z.string().nullable(),
  flowMonitoring: z.boolean(),
  active: z.boolean(),
  notes: z.string().nullable(),
});
export type SiteView = z.infer<typeof siteView>;

export const sitesQuery = pageQuery.extend({
  /** Optional: without it, sites of every operation the user reads. */
  operation: z.string().min(2).max(10).optional(),
  kind: z.enum(SITE_KINDS).optional(),
  /** A P-code: sites in that area or anywhere under it. */
  area: z.string().min(1).max(20).optional(),
  /** Code prefix, or words of the name in any script. */
  q: z.string().trim().max(100).optional(),
  flowMonitoring: booleanQuery.optional(),
  active: booleanQuery.optional(),
});
export const sitesPage = pageOf(siteView);
export const siteParams = z.object({ id: z.uuid() });

export const siteCreate = z.object({
  operationId: z.string().min(2).max(10),
  code: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, schemaText('value.codeChars')),
  name: z.string().trim().min(1).max(200),
  nameLocal: trimmedOrNull(200),
  kind: z.enum(SITE_KINDS),
  lat: z.number().min(-90).max(90).nullish(),
  lon: z.number().min(-180).max(180).nullish(),
  coordPrecision: trimmedOrNull(200),
  areaPcode: z.string().trim().min(2).max(20).nullish(),
  neighbourCountry: z.string().trim().regex(/^[A-Za-z]{3}$/, schemaText('value.iso3', { example: 'PAK' })).nullish(),
  flowMonitoring: z.boolean().default(false),
  active: z.boolean().default(true),
  notes: trimmedOrNull(4000),
});
export type SiteCreate = z.infer<typeof siteCreate>;
export const sitePatch = siteCreate.omit({ operationId: true }).partial().extend({
  flowMonitoring: z.boolean().optional(),
  active: z.boolean().optional(),
});
export type SitePatch = z.infer<typeof sitePatch>;

export const organisationView = z.object({
  id: z.string(),
  acronym: z.string(),
  name: z.string(),
  type: z.enum(ORG_TYPES),
  operationIds: z.array(z.string()),
});
export type OrganisationView = z.infer<typeof organisationView>;

export const organisationsQuery = pageQuery.extend({
  q: z.string().trim().max(100).optional(),
  type: z.enum(ORG_TYPES).optional(),
  operation: z.string().min(2).max(10).optional(),
});
export const organisationsPage = pageOf(organisationView);
export const organisationParams = z.object({ id: z.uuid() });

export const organisationCreate = z.object({
  acronym: z.string().trim().min(1).max(30),
  name: z.string().trim().min(1).max(300),
  type: z.enum(ORG_TYPES),
  operationIds: z.array(z.string().min(2).max(10)).max(50).default([]),
});
export type OrganisationCreate = z.infer<typeof organisationCreate>;
export const organisationPatch = organisationCreate.partial().extend({
  operationIds: z.array(z.string().min(2).max(10)).max(50).optional(),
});
export type OrganisationPatch = z.infer<typeof organisationPatch>;
