import type { FastifyInstance } from 'fastify';
import { accessRoutes } from '../modules/access/routes';
import { placesRoutes } from '../modules/places/routes';
import { flowsRoutes } from '../modules/flows/routes';
import { flowsExportRoutes } from '../modules/flows/export-routes';
import { importsRoutes } from '../modules/imports/routes';
import { mobilityRoutes } from '../modules/mobility/routes';
import { flowAlertsRoutes } from '../modules/flows/alerts-routes';
import { peopleRoutes } from '../modules/people/routes';
import { flowsDashboardRoutes } from '../modules/flows/dashboard-routes';
import { dedupRoutes } from '../modules/dedup/routes';
import { linkageRoutes } from '../modules/linkage/routes';

/** Every module's routes, mounted under /api/v1. Add a module here. */
export async function registerModules(app: FastifyInstance): Promise<void> {
  await app.register(accessRoutes);
  await app.register(placesRoutes);
  await app.register(flowsRoutes);
  await app.register(flowsExportRoutes);
  await app.register(importsRoutes);
  await app.register(mobilityRoutes);
  await app.register(flowAlertsRoutes);
  await app.register(peopleRoutes);
  await app.register(flowsDashboardRoutes);
  await app.register(dedupRoutes);
  await app.register(linkageRoutes);
}
