import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import { wakeJobs } from '../../server/jobs';
import { lookupIndexes } from '../people/lookup';
import type { Touched } from '../people/service';
import {
  confirmResult,
  decisionBody,
  decisionResult,
  flagsBody,
  flagsResult,
  householdFlags as householdFlagsView,
  householdParams,
  mergeParams,
  mergesPage,
  mergesQuery,
  mergeView,
  pairDetail,
  pairParams,
  pairsPage,
  pairsQuery,
  runParams,
  runsPage,
  runsQuery,
  runStart,
  runView,
} from './contract';
import './run';
import { cancelRun, confirmMatches, decide, flagsFor, getPair, getRun, householdFlags, listMerges, listPairs, listRuns, startRun, undo } from './service';

const tags = ['dedup'];
const HIDDEN = 'A pair is visible only when both records are present and in households the user reaches (area and organisation of their grants); otherwise 404.';

export async function dedupRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const touch = (t: Touched | null) => {
    if (t) lookupIndexes(app.hamrah.database).touch(t);
  };

  r.post('/dedup/runs', {
    config: { permission: 'dedup.run' },
    schema: { tags, summary: 'Start a deduplication run over the operation\'s whole registry (a background job)', description: '409 while another run of the operation is queued or running.', body: runStart, response: { 202: runView } },
  }, async (req, reply) => {
    const view = await inTransaction(req, (tx) => startRun(tx, requireAuth(req), actorOf(req), req.body.operationId));
    wakeJobs(req.server.hamrah.database);
    return reply.code(202).send(view);
  });

  r.get('/dedup/runs', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Deduplication runs of an operation, newest first (dedup.review or dedup.run)', querystring: runsQuery, response: { 200: runsPage } },
  }, async (req) => inTransaction(req, (tx) => listRuns(tx, requireAuth(req), req.query)));

  r.get('/dedup/runs/:id', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'A run: status, stage and progress, figures (dedup.review or dedup.run)', params: runParams, response: { 200: runView } },
  }, async (req) => inTransaction(req, (tx) => getRun(tx, requireAuth(req), req.params.id)));

  r.post('/dedup/runs/:id/cancel', {
    config: { permission: 'dedup.run' },
    schema: { tags, summary: 'Cancel a queued or running run (a running one stops at its next step); 409 when it finished', params: runParams, response: { 200: runView } },
  }, async (req) => inTransaction(req, (tx) => cancelRun(tx, requireAuth(req), actorOf(req), req.params.id)));

  r.post('/dedup/runs/:id/confirm-matches', {
    config: { permission: 'dedup.review' },
    schema: {
      tags,
      summary: 'Confirm the run\'s open match pairs as duplicates and merge them (up to 200 per request, best first)',
      description: 'Each merge is decided and audited as a single decision would be. Pairs that cannot be merged are left open and listed.',
      params: runParams,
      response: { 200: confirmResult },
    },
  }, async (req) => {
    const { result, touched } = await inTransaction(req, (tx) => confirmMatches(tx, requireAuth(req), actorOf(req), req.params.id));
    touch(touched);
    return result;
  });

  r.get('/dedup/pairs', {
    config: { permission: 'dedup.review' },
    schema: { tags, summary: 'The review queue: pairs of the latest run (or of `run`), by score', description: HIDDEN, querystring: pairsQuery, response: { 200: pairsPage } },
  }, async (req) => inTransaction(req, (tx) => listPairs(tx, requireAuth(req), req.query)));

  r.get('/dedup/pairs/:a/:b', {
    config: { permission: 'dedup.review' },
    schema: { tags, summary: 'Two records side by side with a verdict per field and the engine\'s weights', description: `${HIDDEN} Documents and phones only for holders of people.sensitive.read (audited).`, params: pairParams, response: { 200: pairDetail } },
  }, async (req) => {
    const { records: _records, ...view } = await inTransaction(req, (tx) => getPair(tx, requireAuth(req), actorOf(req), req.params.a, req.params.b));
    return view;
  });

  r.post('/dedup/pairs/:a/:b/decision', {
    config: { permission: 'dedup.review' },
    schema: {
      tags,
      summary: 'Decide a pair: duplicate (merges into one golden record), distinct, or skip',
      description: `${HIDDEN} A duplicate decision needs people.write on both households; MERGE_BLOCKED when the record to merge away heads a household with other members. 409 when the pair was decided already.`,
      params: pairParams,
      body: decisionBody,
      response: { 200: decisionResult },
    },
  }, async (req) => {
    const { result, touched } = await inTransaction(req, (tx) => decide(tx, requireAuth(req), actorOf(req), req.params.a, req.params.b, req.body));
    touch(touched);
    return result;
  });

  r.get('/dedup/merges', {
    config: { permission: 'dedup.review' },
    schema: { tags, summary: 'Merge history, newest first', querystring: mergesQuery, response: { 200: mergesPage } },
  }, async (req) => inTransaction(req, (tx) => listMerges(tx, requireAuth(req), req.query)));

  r.post('/dedup/merges/:id/undo', {
    config: { permission: 'dedup.review' },
    schema: { tags, summary: 'Undo a merge: both records exactly as they were; the pair returns to the queue', description: 'UNDO_NOT_POSSIBLE when a household changed after the merge or it was undone already.', params: mergeParams, response: { 200: mergeView } },
  }, async (req) => {
    const { merge, touched } = await inTransaction(req, (tx) => undo(tx, requireAuth(req), actorOf(req), req.params.id));
    touch(touched);
    return merge;
  });

  r.get('/dedup/households/:id', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'Duplicate flags of a household: unresolved pairs per member, merges in and out', params: householdParams, response: { 200: householdFlagsView } },
  }, async (req) => inTransaction(req, (tx) => householdFlags(tx, requireAuth(req), req.params.id)));

  r.post('/dedup/flags', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'Which of these people have unresolved possible duplicates (e.g. before a payment list)', body: flagsBody, response: { 200: flagsResult } },
  }, async (req) => inTransaction(req, (tx) => flagsFor(tx, requireAuth(req), req.body.operationId, req.body.individualIds)));
}
