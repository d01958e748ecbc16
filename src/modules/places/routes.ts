import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, requireAuth } from '../../server/context';
import { areasPage, areasQuery, operationView } from './contract';
import { listAreas, listOperations } from './service';

export async function placesRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/operations', {
    config: { permission: 'places.read' },
    schema: { tags: ['places'], summary: 'Operations the user works in', response: { 200: z.object({ items: z.array(operationView) }) } },
  }, async (req) => ({ items: await inTransaction(req, (tx) => listOperations(tx, requireAuth(req))) }));

  r.get('/areas', {
    config: { permission: 'places.read' },
    schema: { tags: ['places'], summary: 'Admin areas (P-codes) of an operation', querystring: areasQuery, response: { 200: areasPage } },
  }, async (req) => inTransaction(req, (tx) => listAreas(tx, requireAuth(req), req.query)));
}
