import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, requireAuth } from '../../server/context';
import { dashboardQuery, dashboardView } from './dashboard-contract';
import { dashboard } from './dashboard';

export async function flowsDashboardRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/flows/dashboard', {
    // Checked in the service: flows.read (everything at the caller's sites) or reports.published.read (published only).
    config: { permission: 'authenticated' },
    schema: {
      tags: ['flows'],
      summary: 'Dashboard figures: flow over time, deported/spontaneous, sex and age, survey answers weighted to the counted flow',
      description:
        'Holders of flows.read see every current version at the sites they reach; holders of reports.published.read alone see published versions only. ' +
        'Survey figures cover the ISO weeks that start inside the period; each site-week\'s answers are weighted so that they add up to that site-week\'s counted flow of the same direction. ' +
        'A daily series covers at most 400 days.',
      querystring: dashboardQuery,
      response: { 200: dashboardView },
    },
  }, async (req) => inTransaction(req, (tx) => dashboard(tx, requireAuth(req), req.query)));
}
