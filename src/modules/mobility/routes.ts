import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import { audit } from '../../server/audit';
import { exportFilename, sendTable } from '../../exports';
import {
  assessmentCorrection,
  assessmentCreate,
  assessmentDetail,
  assessmentsPage,
  assessmentsQuery,
  idParams,
  roundCreate,
  roundPatch,
  roundsPage,
  roundsQuery,
  roundSummary,
  roundView,
} from './contract';
import { assessmentBatches, columnsFor } from './export';
import {
  assessmentFilter,
  correctAssessment,
  createAssessment,
  createRound,
  deleteRound,
  exportableRound,
  gazetteer,
  getAssessment,
  getRound,
  listAssessments,
  listRounds,
  patchRound,
  ROUND_ACTIONS,
  siteNames,
  summariseRound,
  transitionRound,
  type RoundAction,
} from './service';
import { and, isNotNull } from 'drizzle-orm';
import { mobilityAssessments } from './schema';

const tags = ['mobility'];

export async function mobilityRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Rounds -------------------------------------------------------------------------------------

  r.post('/mobility/rounds', {
    config: { permission: 'mobility.verify' },
    schema: {
      tags,
      summary: 'Open a mobility tracking round (baseline, site or event assessment; idempotent on the id)',
      description: 'Answers 201 when stored, 200 when the same id and body were stored before, 409 when the id exists with another body or the round number is taken.',
      body: roundCreate,
      response: { 200: roundView, 201: roundView },
    },
  }, async (req, reply) => {
    const { created, round } = await inTransaction(req, (tx) => createRound(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(created ? 201 : 200).send(round);
  });

  r.get('/mobility/rounds', {
    config: { permission: 'mobility.read' },
    schema: { tags, summary: 'Rounds of an operation, newest reference date first', querystring: roundsQuery, response: { 200: roundsPage } },
  }, async (req) => inTransaction(req, (tx) => listRounds(tx, requireAuth(req), req.query)));

  r.get('/mobility/rounds/:id', {
    config: { permission: 'mobility.read' },
    schema: { tags, summary: 'One round (assessment count covers the areas the user may see)', params: idParams, response: { 200: roundView } },
  }, async (req) => inTransaction(req, (tx) => getRound(tx, requireAuth(req), req.params.id)));

  r.patch('/mobility/rounds/:id', {
    config: { permission: 'mobility.verify' },
    schema: { tags, summary: 'Edit a draft round (name, dates, notes)', description: 'A round past draft answers 409.', params: idParams, body: roundPatch, response: { 200: roundView } },
  }, async (req) => inTransaction(req, (tx) => patchRound(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));

  r.delete('/mobility/rounds/:id', {
    config: { permission: 'mobility.verify' },
    schema: { tags, summary: 'Delete a draft round without assessments (opened by mistake)', description: 'Any other round answers 409.', params: idParams, response: { 204: z.null().describe('No content') } },
  }, async (req, reply) => {
    await inTransaction(req, (tx) => deleteRound(tx, requireAuth(req), actorOf(req), req.params.id));
    return reply.code(204).send(null);
  });

  const steps: Record<RoundAction, { permission: 'mobility.write' | 'mobility.verify'; summary: string }> = {
    submit: { permission: 'mobility.write', summary: 'Submit a draft round for verification (needs an operation-wide grant)' },
    verify: { permission: 'mobility.verify', summary: 'Verify a submitted round (its assessments freeze)' },
    publish: { permission: 'mobility.verify', summary: 'Publish a verified round (it then feeds the DTM API)' },
  };
  for (const action of ROUND_ACTIONS)
    r.post(`/mobility/rounds/:id/${action}`, {
      config: { permission: steps[action].permission },
      schema: { tags, summary: steps[action].summary, description: 'Illegal transitions answer 409.', params: idParams, response: { 200: roundView } },
    }, async (req) => inTransaction(req, (tx) => transitionRound(tx, requireAuth(req), actorOf(req), req.params.id, action)));

  r.get('/mobility/rounds/:id/summary', {
    config: { permission: 'mobility.read' },
    schema: { tags, summary: 'Totals per district and province of a round (for maps), over the areas the user may see', params: idParams, response: { 200: roundSummary } },
  }, async (req) => inTransaction(req, (tx) => summariseRound(tx, requireAuth(req), req.params.id)));

  // Assessments --------------------------------------------------------------------------------

  r.post('/mobility/rounds/:id/assessments', {
    config: { permission: 'mobility.write' },
    schema: {
      tags,
      summary: 'Enter an assessment of the round: a baseline row, a site assessment or an event assessment (kind = the round\'s kind)',
      description:
        'Idempotent on the client-generated id. P-codes are checked against the gazetteer; a district outside the user\'s areas answers 404. ' +
        'One assessment per district, settlement or site in a round (409 otherwise). A verified or published round answers 409.',
      params: idParams,
      body: assessmentCreate,
      response: { 200: assessmentDetail, 201: assessmentDetail },
    },
  }, async (req, reply) => {
    const { created, assessment } = await inTransaction(req, (tx) => createAssessment(tx, requireAuth(req), actorOf(req), req.params.id, req.body));
    return reply.code(created ? 201 : 200).send(assessment);
  });

  r.get('/mobility/rounds/:id/assessments', {
    config: { permission: 'mobility.read' },
    schema: { tags, summary: 'Assessments (current versions) of a round in the user\'s areas, by district P-code', params: idParams, querystring: assessmentsQuery, response: { 200: assessmentsPage } },
  }, async (req) => inTransaction(req, (tx) => listAssessments(tx, requireAuth(req), req.params.id, req.query)));

  for (const format of ['csv', 'xlsx'] as const)
    r.get(`/mobility/rounds/:id/assessments.${format}`, {
      config: { permission: 'mobility.read' },
      schema: {
        tags,
        summary: `Assessments of a round as HXL-tagged ${format.toUpperCase()} (streamed)`,
        description: 'Header row, HXL hashtag row, then one row per assessment (current versions) in the user\'s areas. Returnees, IDP returnees and out-migrants have no core HXL tag: +returnees, +idp_returnees, +out_migrants are custom attributes.',
        params: idParams,
      },
    }, async (req, typedReply) => {
      const reply = typedReply as unknown as FastifyReply;
      const auth = requireAuth(req);
      const prepared = await inTransaction(req, async (tx) => {
        const round = await exportableRound(tx, auth, req.params.id);
        const g = await gazetteer(tx, round.operationId);
        // Site names for site-based rows, in one query (sites the user may not see stay unnamed).
        const where = assessmentFilter(auth, 'mobility.read', round);
        const sites =
          round.kind === 'event'
            ? new Map<string, { code: string; name: string }>()
            : await siteNames(tx, auth, (await tx.selectDistinct({ id: mobilityAssessments.siteId }).from(mobilityAssessments).where(and(where, isNotNull(mobilityAssessments.siteId)))).map((r) => r.id));
        await audit(tx, actorOf(req), { action: 'mobility_assessment.export', entityType: 'mobility_round', entityId: round.id, operationId: round.operationId, details: { format } });
        return { round, g, sites, where };
      });
      const { round, g, sites, where } = prepared;
      return sendTable(reply, {
        format,
        filename: exportFilename(['mobility', round.kind, `round${round.roundNumber}`], round.operationId, undefined, undefined, format),
        columns: columnsFor(round.kind, g, sites),
        batches: assessmentBatches(req.server.hamrah.database.db, round, where),
        options: { sheetName: `${round.kind} round ${round.roundNumber}` },
      });
    });

  r.get('/mobility/assessments/:id', {
    config: { permission: 'mobility.read' },
    schema: { tags, summary: 'One assessment with its version history (404 outside the user\'s areas)', params: idParams, response: { 200: assessmentDetail } },
  }, async (req) => inTransaction(req, (tx) => getAssessment(tx, requireAuth(req), req.params.id)));

  r.put('/mobility/assessments/:id', {
    config: { permission: 'mobility.write' },
    schema: {
      tags,
      summary: 'Correct an assessment: adds a new version, keeps the old ones',
      description: 'baseVersion must be the current version (409 otherwise); re-sending the current figures changes nothing. A verified or published round answers 409.',
      params: idParams,
      body: assessmentCorrection,
      response: { 200: assessmentDetail },
    },
  }, async (req) => inTransaction(req, (tx) => correctAssessment(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));
}
