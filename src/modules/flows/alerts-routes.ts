import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import {
  alertAcknowledge,
  alertParams,
  alertRuleCreate,
  alertRuleParams,
  alertRulesPage,
  alertRulesQuery,
  alertRuleUpdate,
  alertRuleView,
  alertsPage,
  alertsQuery,
  alertView,
} from './alerts-contract';
import { originDistricts, originDistrictsQuery, originDistrictsResponse } from './origin-districts';
import { acknowledgeAlert, createRule, getRule, listAlerts, listRules, updateRule } from './alerts-service';

const tags = ['flows'];

/** Surge alert rules and alerts under /api/v1/flows. Reading needs flows.read; managing flows.verify. */
export async function flowAlertsRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/flows/alert-rules', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'Surge alert rules at the crossing points the user may see', querystring: alertRulesQuery, response: { 200: alertRulesPage } },
  }, async (req) => inTransaction(req, (tx) => listRules(tx, requireAuth(req), req.query)));

  r.post('/flows/alert-rules', {
    config: { permission: 'flows.verify' },
    schema: {
      tags,
      summary: 'Create a surge alert rule for a crossing point and direction',
      description:
        'kind ratio: fires on a day when the 7 days ending on it carry more than factor × the expected week (daily average of the 28 days before × 7). kind absolute: fires when the day (window 1d) or the 7 days (7d) carry more than threshold. A new rule is evaluated at once on the latest day with counts; afterwards on every count written.',
      body: alertRuleCreate,
      response: { 200: alertRuleView, 201: alertRuleView },
    },
  }, async (req, reply) => {
    const { created, rule } = await inTransaction(req, (tx) => createRule(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(created ? 201 : 200).send(rule);
  });

  r.get('/flows/alert-rules/:id', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'One surge alert rule (404 outside the user\'s sites)', params: alertRuleParams, response: { 200: alertRuleView } },
  }, async (req) => inTransaction(req, (tx) => getRule(tx, requireAuth(req), req.params.id)));

  r.patch('/flows/alert-rules/:id', {
    config: { permission: 'flows.verify' },
    schema: { tags, summary: 'Change a rule\'s levels, switch it off or on (rules are never deleted)', params: alertRuleParams, body: alertRuleUpdate, response: { 200: alertRuleView } },
  }, async (req) => inTransaction(req, (tx) => updateRule(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));

  r.get('/flows/alerts', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'Surge alerts at the crossing points the user may see, newest day first', querystring: alertsQuery, response: { 200: alertsPage } },
  }, async (req) => inTransaction(req, (tx) => listAlerts(tx, requireAuth(req), req.query)));

  r.post('/flows/alerts/:id/acknowledge', {
    config: { permission: 'flows.verify' },
    schema: { tags, summary: 'Acknowledge an alert with an optional note (once; again answers 409)', params: alertParams, body: alertAcknowledge, response: { 200: alertView } },
  }, async (req) => inTransaction(req, (tx) => acknowledgeAlert(tx, requireAuth(req), actorOf(req), req.params.id, req.body.note)));

  r.get('/flows/origin-districts', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'Pakistani districts (P-codes) for the survey\'s place of origin, by name or P-code', querystring: originDistrictsQuery, response: { 200: originDistrictsResponse } },
  }, async (req) => inTransaction(req, (tx) => originDistricts(tx, req.query)));
}
