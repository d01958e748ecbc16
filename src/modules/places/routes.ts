import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import {
  areaDetail,
  areaParams,
  areaQuery,
  areasPage,
  areasQuery,
  boundariesQuery,
  boundaryCollection,
  operationParams,
  operationView,
  organisationCreate,
  organisationParams,
  organisationPatch,
  organisationsPage,
  organisationsQuery,
  organisationView,
  siteCreate,
  siteParams,
  sitePatch,
  sitesPage,
  sitesQuery,
  siteView,
} from './contract';
import { boundaryLayer, matchesEtag } from './boundaries';
import {
  createOrganisation,
  createSite,
  getArea,
  getOperation,
  getOrganisation,
  getSite,
  listAreas,
  listOperations,
  listOrganisations,
  listSites,
  requireOperation,
  updateOrganisation,
  updateSite,
} from './service';

const tags = ['places'];

export async function placesRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Operations ---------------------------------------------------------------------------------

  r.get('/operations', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'Operations the user works in', response: { 200: z.object({ items: z.array(operationView) }) } },
  }, async (req) => ({ items: await inTransaction(req, (tx) => listOperations(tx, requireAuth(req))) }));

  r.get('/operations/:id', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'One operation (404 unless the user reads places in it)', params: operationParams, response: { 200: operationView } },
  }, async (req) => inTransaction(req, (tx) => getOperation(tx, requireAuth(req), req.params.id)));

  // Admin areas --------------------------------------------------------------------------------

  r.get('/areas', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'Admin areas (P-codes) of an operation', querystring: areasQuery, response: { 200: areasPage } },
  }, async (req) => inTransaction(req, (tx) => listAreas(tx, requireAuth(req), req.query)));

  // A static segment: the router matches it before /areas/:pcode whatever the registration order.
  r.get('/areas/boundaries', {
    config: { permission: 'places.read' },
    schema: {
      tags,
      summary: 'Admin boundaries as GeoJSON (AFG provinces or districts), with ETag',
      description:
        'Simplified COD-AB polygons (OCHA / AGCHO, humanitarian use only; see data/geo/README.md). Feature properties: ' +
        'pcode, name (English, 2021 gazetteer), nameLocal (Dari), level, parentPcode. Send If-None-Match to get 304.',
      querystring: boundariesQuery,
      response: { 200: boundaryCollection },
    },
  }, async (req, typedReply) => {
    // The body is pre-serialised JSON (sent as is, not re-validated); 304 has none.
    const reply = typedReply as unknown as FastifyReply;
    const operationId = req.query.operation.toUpperCase();
    const layer = await inTransaction(req, async (tx) => {
      await requireOperation(tx, requireAuth(req), operationId);
      return boundaryLayer(tx, operationId, req.query.level);
    });
    reply.header('etag', layer.etag).header('cache-control', 'private, no-cache').header('vary', 'cookie, authorization');
    if (matchesEtag(req.headers['if-none-match'], layer.etag)) return reply.code(304).send();
    return reply.type('application/geo+json; charset=utf-8').send(layer.body);
  });

  r.get('/areas/:pcode', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'One admin area with its ancestors and child count', params: areaParams, querystring: areaQuery, response: { 200: areaDetail } },
  }, async (req) => inTransaction(req, (tx) => getArea(tx, requireAuth(req), req.params.pcode, req.query.operation)));

  // Sites --------------------------------------------------------------------------------------

  r.get('/sites', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'Sites (crossing points, centres, warehouses …) the user may see', querystring: sitesQuery, response: { 200: sitesPage } },
  }, async (req) => inTransaction(req, (tx) => listSites(tx, requireAuth(req), req.query)));

  r.get('/sites/:id', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'One site (404 outside the user\'s operations and areas)', params: siteParams, response: { 200: siteView } },
  }, async (req) => inTransaction(req, (tx) => getSite(tx, requireAuth(req), req.params.id)));

  r.post('/sites', {
    config: { permission: 'places.manage' },
    schema: { tags, summary: 'Create a site', body: siteCreate, response: { 201: siteView } },
  }, async (req, reply) => {
    const site = await inTransaction(req, (tx) => createSite(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(201).send(site);
  });

  r.patch('/sites/:id', {
    config: { permission: 'places.manage' },
    schema: { tags, summary: 'Change a site', params: siteParams, body: sitePatch, response: { 200: siteView } },
  }, async (req) => inTransaction(req, (tx) => updateSite(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));

  // Organisations ------------------------------------------------------------------------------

  r.get('/organisations', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'Organisations working in the user\'s operations', querystring: organisationsQuery, response: { 200: organisationsPage } },
  }, async (req) => inTransaction(req, (tx) => listOrganisations(tx, requireAuth(req), req.query)));

  r.get('/organisations/:id', {
    config: { permission: 'places.read' },
    schema: { tags, summary: 'One organisation', params: organisationParams, response: { 200: organisationView } },
  }, async (req) => inTransaction(req, (tx) => getOrganisation(tx, requireAuth(req), req.params.id)));

  r.post('/organisations', {
    config: { permission: 'places.manage' },
    schema: { tags, summary: 'Create an organisation', body: organisationCreate, response: { 201: organisationView } },
  }, async (req, reply) => {
    const org = await inTransaction(req, (tx) => createOrganisation(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(201).send(org);
  });

  r.patch('/organisations/:id', {
    config: { permission: 'places.manage' },
    schema: { tags, summary: 'Change an organisation', params: organisationParams, body: organisationPatch, response: { 200: organisationView } },
  }, async (req) => inTransaction(req, (tx) => updateOrganisation(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));
}
