import type { FastifyInstance } from 'fastify';
import { accessRoutes } from '../modules/access/routes';
import { placesRoutes } from '../modules/places/routes';
import { flowsRoutes } from '../modules/flows/routes';
import { flowAlertsRoutes } from '../modules/flows/alerts-routes';

/** Every module's routes, mounted under /api/v1. Add a module here. */
export async function registerModules(app: FastifyInstance): Promise<void> {
  await app.register(accessRoutes);
  await app.register(placesRoutes);
  await app.register(flowsRoutes);
  await app.register(flowAlertsRoutes);
}
