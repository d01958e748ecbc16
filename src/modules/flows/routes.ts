import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import { audit } from '../../server/audit';
import { invalid, issueAt } from '../../server/errors';
import {
  countCorrection,
  countCreate,
  countDetail,
  countParams,
  countsPage,
  countsQuery,
  periodQuery,
  summaryView,
  surveyCreate,
  surveyParams,
  surveysPage,
  surveysQuery,
  surveyView,
} from './contract';
import { sendTable } from '../../exports';
import { exportScope, flowsTable } from './export';
import { correctCount, createCount, createSurvey, getCount, getSurvey, listCounts, listSurveys, summary, transitionCount, type CountAction } from './service';

const tags = ['flows'];

export async function flowsRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Counts -------------------------------------------------------------------------------------

  r.post('/flows/counts', {
    config: { permission: 'flows.count.write' },
    schema: {
      tags,
      summary: 'Enter a flow monitoring count (idempotent on the client-generated id)',
      description: 'Answers 201 when stored, 200 when the same id and body were stored before, 409 when the id exists with another body or the site already has a count for that date, direction and neighbour country.',
      body: countCreate,
      response: { 200: countDetail, 201: countDetail },
    },
  }, async (req, reply) => {
    const { created, count } = await inTransaction(req, (tx) => createCount(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(created ? 201 : 200).send(count);
  });

  r.get('/flows/counts', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'Counts (current versions) at the sites the user may see, newest first', querystring: countsQuery, response: { 200: countsPage } },
  }, async (req) => inTransaction(req, (tx) => listCounts(tx, requireAuth(req), req.query)));

  r.get('/flows/counts.csv', {
    config: { permission: 'flows.export' },
    schema: {
      tags,
      summary: 'Counts as HXL-tagged CSV (streamed)',
      description: 'Header row, HXL hashtag row, then one row per site, date, direction and neighbour country (current versions, any status) at the sites the user may see. Flows have no core HXL tag: +inflow, +outflow, +deported … are custom attributes.',
      querystring: periodQuery.partial({ from: true, to: true }),
    },
  }, async (req, typedReply) => {
    const reply = typedReply as unknown as FastifyReply;
    const q = req.query;
    if (q.from && q.to && q.from > q.to) throw invalid([issueAt('querystring.to', 'period.endsBeforeStart')]);
    const auth = requireAuth(req);
    const scope = await inTransaction(req, async (tx) => {
      const s = await exportScope(tx, auth, 'flows.export', q.operation);
      await audit(tx, actorOf(req), { action: 'flow_count.export', entityType: 'flow_count', operationId: s.operationId, details: { format: 'csv', from: q.from ?? null, to: q.to ?? null, sites: s.sites.length } });
      return s;
    });
    // The same table and writer as GET /flows/exports/counts.csv; only the file name is this route's own.
    const { columns, batches } = flowsTable('flows-counts', req.server.hamrah.database.db, scope, { from: q.from, to: q.to }, undefined, 'csv');
    const filename = `flow-counts-${scope.operationId}${q.from ? `-${q.from}` : ''}${q.to ? `-to-${q.to}` : ''}.csv`;
    return sendTable(reply, { format: 'csv', filename, columns, batches });
  });

  r.get('/flows/counts/:id', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'One count with its version history (404 outside the user\'s sites)', params: countParams, response: { 200: countDetail } },
  }, async (req) => inTransaction(req, (tx) => getCount(tx, requireAuth(req), req.params.id)));

  r.put('/flows/counts/:id', {
    config: { permission: 'flows.count.write' },
    schema: {
      tags,
      summary: 'Correct a count: adds a new version (draft), keeps the old ones',
      description: 'baseVersion must be the current version (409 otherwise); re-sending the figures of the current version changes nothing.',
      params: countParams,
      body: countCorrection,
      response: { 200: countDetail },
    },
  }, async (req) => inTransaction(req, (tx) => correctCount(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));

  const transitions: { action: CountAction; permission: 'flows.count.write' | 'flows.verify'; summary: string }[] = [
    { action: 'submit', permission: 'flows.count.write', summary: 'Submit a draft count for verification' },
    { action: 'verify', permission: 'flows.verify', summary: 'Verify a submitted count' },
    { action: 'publish', permission: 'flows.verify', summary: 'Publish a verified count' },
  ];
  for (const t of transitions)
    r.post(`/flows/counts/:id/${t.action}`, {
      config: { permission: t.permission },
      schema: { tags, summary: t.summary, description: 'Illegal transitions answer 409.', params: countParams, response: { 200: countDetail } },
    }, async (req) => inTransaction(req, (tx) => transitionCount(tx, requireAuth(req), actorOf(req), req.params.id, t.action)));

  // Surveys ------------------------------------------------------------------------------------

  r.post('/flows/surveys', {
    config: { permission: 'flows.survey.write' },
    schema: {
      tags,
      summary: 'Enter a flow monitoring survey (one interviewed group; idempotent on the id)',
      body: surveyCreate,
      response: { 200: surveyView, 201: surveyView },
    },
  }, async (req, reply) => {
    const { created, survey } = await inTransaction(req, (tx) => createSurvey(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(created ? 201 : 200).send(survey);
  });

  r.get('/flows/surveys', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'Surveys at the sites the user may see, newest first', querystring: surveysQuery, response: { 200: surveysPage } },
  }, async (req) => inTransaction(req, (tx) => listSurveys(tx, requireAuth(req), req.query)));

  r.get('/flows/surveys/:id', {
    config: { permission: 'flows.read' },
    schema: { tags, summary: 'One survey (404 outside the user\'s sites)', params: surveyParams, response: { 200: surveyView } },
  }, async (req) => inTransaction(req, (tx) => getSurvey(tx, requireAuth(req), req.params.id)));

  // Summary ------------------------------------------------------------------------------------

  r.get('/flows/summary', {
    config: { permission: 'flows.read' },
    schema: {
      tags,
      summary: 'Inflow, outflow and surveys over a period (current versions, published or not, at the sites the user may see)',
      querystring: periodQuery,
      response: { 200: summaryView },
    },
  }, async (req) => inTransaction(req, (tx) => summary(tx, requireAuth(req), req.query)));
}
