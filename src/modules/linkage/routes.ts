import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import { notFound } from '../../server/errors';
import { wakeJobs } from '../../server/jobs';
import { exportCreate, exportsPage, exportView, idParams, linkDecision, linksPage, linksQuery, linkView, listQuery, matchCreate, matchesPage, matchView, resolvedPerson, resolveQuery } from './contract';
import { createExport, createMatch, decideLink, exportFile, getExport, getMatch, listExports, listLinks, listMatches, pseudonymPerson } from './service';

const tags = ['linkage'];
const permission = 'people.linkage' as const;
const SECRET = 'The secret shared with the partner for this exchange (at least 16 characters). It is held in memory until the job has used it; never stored, logged or put in a URL.';

export async function linkageRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/linkage/exports', {
    config: { permission },
    schema: { tags, summary: 'Encode the registry (people in your scope) as keyed Bloom filters: a background job', description: SECRET, body: exportCreate, response: { 202: exportView } },
  }, async (req, reply) => {
    const view = await inTransaction(req, (tx) => createExport(tx, requireAuth(req), actorOf(req), req.body));
    wakeJobs(req.server.hamrah.database);
    return reply.code(202).send(view);
  });

  r.get('/linkage/exports', {
    config: { permission },
    schema: { tags, summary: 'Your encoded exports in an operation, newest first', querystring: listQuery, response: { 200: exportsPage } },
  }, async (req) => inTransaction(req, (tx) => listExports(tx, requireAuth(req), req.query)));

  r.get('/linkage/exports/:id', {
    config: { permission },
    schema: { tags, summary: 'An export and its job (404 unless it is yours)', params: idParams, response: { 200: exportView } },
  }, async (req) => inTransaction(req, (tx) => getExport(tx, requireAuth(req), req.params.id)));

  r.get('/linkage/exports/:id/file', {
    config: { permission },
    schema: { tags, summary: 'Download the encoded file: CSV id,clk, the ids being pseudonyms made for this export only (audited)', params: idParams },
  }, async (req, reply) => {
    const f = await inTransaction(req, (tx) => exportFile(tx, requireAuth(req), actorOf(req), req.params.id));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="hamrah-linkage-${f.operationId}-${req.params.id.slice(-12)}.csv"`)
      .send(f.csv);
  });

  r.get('/linkage/exports/:id/resolve', {
    config: { permission },
    schema: { tags, summary: 'Which of our households a pseudonym of your export stands for (e.g. a link the partner sent back)', params: idParams, querystring: resolveQuery, response: { 200: resolvedPerson } },
  }, async (req) => {
    const p = await inTransaction(req, (tx) => pseudonymPerson(tx, requireAuth(req), req.params.id, req.query.pseudonym));
    if (!p) throw notFound('No such pseudonym in this export.');
    return { householdId: p.householdId, householdReference: p.reference, personName: p.displayName };
  });

  r.post('/linkage/matches', {
    config: { permission },
    bodyLimit: 96 * 1024 * 1024,
    schema: {
      tags,
      summary: 'Match a partner\'s encoded file (made with the same secret) against a fresh encoding of the registry: a background job',
      description: `${SECRET} Candidate links are listed for review; nothing is merged.`,
      body: matchCreate,
      response: { 202: matchView },
    },
  }, async (req, reply) => {
    const view = await inTransaction(req, (tx) => createMatch(tx, requireAuth(req), actorOf(req), req.body));
    wakeJobs(req.server.hamrah.database);
    return reply.code(202).send(view);
  });

  r.get('/linkage/matches', {
    config: { permission },
    schema: { tags, summary: 'Your matches in an operation, newest first', querystring: listQuery, response: { 200: matchesPage } },
  }, async (req) => inTransaction(req, (tx) => listMatches(tx, requireAuth(req), req.query)));

  r.get('/linkage/matches/:id', {
    config: { permission },
    schema: { tags, summary: 'A match and its job (404 unless it is yours)', params: idParams, response: { 200: matchView } },
  }, async (req) => inTransaction(req, (tx) => getMatch(tx, requireAuth(req), req.params.id)));

  r.get('/linkage/matches/:id/links', {
    config: { permission },
    schema: { tags, summary: 'Candidate links of a match, best first: our household reference and the partner\'s opaque id', params: idParams, querystring: linksQuery, response: { 200: linksPage } },
  }, async (req) => inTransaction(req, (tx) => listLinks(tx, requireAuth(req), req.params.id, req.query)));

  r.post('/linkage/links/:id/decision', {
    config: { permission },
    schema: { tags, summary: 'Confirm or reject a candidate link (audited; nothing is merged)', params: idParams, body: linkDecision, response: { 200: linkView } },
  }, async (req) => inTransaction(req, (tx) => decideLink(tx, requireAuth(req), actorOf(req), req.params.id, req.body)));
}
