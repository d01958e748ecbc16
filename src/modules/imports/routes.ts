import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import { AppError } from '../../server/errors';
import { presentJob, requestCancel, wakeJobs } from '../../server/jobs';
import { XLSX_MIME } from '../../imports/source';
import {
  batchesPage,
  batchesQuery,
  batchParams,
  batchView,
  commitBody,
  importKinds,
  issuesPage,
  issuesQuery,
  jobParams,
  jobView,
  kindsQuery,
  uploadQuery,
  validateBody,
} from './contract';
import { batchIssues, commitBatch, getBatch, listBatches, listKinds, ownJob, uploadBatch, validateBatch } from './service';

const tags = ['imports'];
const UPLOAD_LIMIT = 200 * 1024 * 1024;

export async function importsRoutes(app: FastifyInstance): Promise<void> {
  // The file travels as the raw request body (no multipart): CSV or XLSX bytes.
  app.addContentTypeParser(['text/csv', 'application/csv', 'text/plain', XLSX_MIME, 'application/octet-stream', 'application/vnd.ms-excel'], { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (_req, body, done) => done(null, body));
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/imports/kinds', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'What the user may import in an operation, with each kind\'s fields', querystring: kindsQuery, response: { 200: importKinds } },
  }, async (req) => ({ items: listKinds(requireAuth(req), req.query.operation) }));

  r.post('/imports', {
    config: { permission: 'authenticated' },
    bodyLimit: UPLOAD_LIMIT,
    schema: {
      tags,
      summary: 'Upload a CSV or XLSX file to import (raw body); answers the headers, the first rows and a suggested column mapping',
      description:
        'Send the file as the request body with Content-Type text/csv or ' + XLSX_MIME + ' (or application/octet-stream: the format is recognised from the bytes). ' +
        'Needs the kind\'s permission (flows.count.write for flows.counts, flows.survey.write for flows.surveys) in the operation.',
      querystring: uploadQuery,
      response: { 201: batchView },
    },
  }, async (req, reply) => {
    const bytes = req.body;
    if (!Buffer.isBuffer(bytes)) throw new AppError('BAD_REQUEST', 'Send the file as the raw request body (Content-Type text/csv or the XLSX type).');
    const view = await inTransaction(req, (tx) =>
      uploadBatch(tx, requireAuth(req), actorOf(req), { operation: req.query.operation, kind: req.query.kind, fileName: req.query.fileName, contentType: req.headers['content-type'], bytes }),
    );
    return reply.code(201).send(view);
  });

  r.get('/imports', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'The user\'s imports in an operation, newest first', querystring: batchesQuery, response: { 200: batchesPage } },
  }, async (req) => inTransaction(req, (tx) => listBatches(tx, requireAuth(req), req.query)));

  r.get('/imports/:id', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'An import: status, mapping, summary, the first problems and the job\'s progress (404 unless it is yours)', params: batchParams, response: { 200: batchView } },
  }, async (req) => inTransaction(req, (tx) => getBatch(tx, requireAuth(req), req.params.id)));

  r.get('/imports/:id/issues', {
    config: { permission: 'authenticated' },
    schema: { tags, summary: 'Every problem of the last validation, by row and field', params: batchParams, querystring: issuesQuery, response: { 200: issuesPage } },
  }, async (req) => inTransaction(req, (tx) => batchIssues(tx, requireAuth(req), req.params.id, req.query)));

  r.post('/imports/:id/validate', {
    config: { permission: 'authenticated' },
    schema: {
      tags,
      summary: 'Validate the file with a column mapping (a background job); nothing is written',
      params: batchParams,
      body: validateBody,
      response: { 202: batchView },
    },
  }, async (req, reply) => {
    const view = await inTransaction(req, (tx) => validateBatch(tx, requireAuth(req), actorOf(req), req.params.id, req.body.mapping));
    wakeJobs(req.server.hamrah.database);
    return reply.code(202).send(view);
  });

  r.post('/imports/:id/commit', {
    config: { permission: 'authenticated' },
    schema: {
      tags,
      summary: 'Import the rows (a background job): mode all writes nothing unless every row is valid; mode valid writes the valid rows',
      description: 'Rows already stored (the same file or the same records imported before) are skipped, so re-importing adds nothing.',
      params: batchParams,
      body: commitBody,
      response: { 202: batchView },
    },
  }, async (req, reply) => {
    const view = await inTransaction(req, (tx) => commitBatch(tx, requireAuth(req), actorOf(req), req.params.id, req.body));
    wakeJobs(req.server.hamrah.database);
    return reply.code(202).send(view);
  });

  r.get('/jobs/:id', {
    config: { permission: 'authenticated' },
    schema: { tags: ['jobs'], summary: 'A background job: status and progress (404 unless you started it)', params: jobParams, response: { 200: jobView } },
  }, async (req) => presentJob(await inTransaction(req, (tx) => ownJob(tx, requireAuth(req), req.params.id))));

  r.post('/jobs/:id/cancel', {
    config: { permission: 'authenticated' },
    schema: { tags: ['jobs'], summary: 'Ask a job to stop (a queued one stops at once, a running one at its next step); 409 when it finished', params: jobParams, response: { 200: jobView } },
  }, async (req) =>
    presentJob(
      await inTransaction(req, async (tx) => {
        await ownJob(tx, requireAuth(req), req.params.id);
        return requestCancel(tx, req.params.id);
      }),
    ),
  );
}
