import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import {
  consentAdd,
  consentParams,
  consentWithdraw,
  documentAdd,
  documentParams,
  documentStatusChange,
  householdCreate,
  householdDetail,
  householdParams,
  householdsPage,
  householdsQuery,
  householdUpdate,
  householdView,
  lookupRequest,
  lookupResult,
  memberAdd,
  memberParams,
  memberRemove,
  memberUpdate,
  qrParams,
  qrQuery,
  searchQuery,
  searchResult,
  timelineResult,
  versionParams,
  versionSnapshot,
} from './contract';
import { lookup, lookupIndexes } from './lookup';
import { search } from './search';
import {
  addConsent,
  addDocument,
  addMember,
  changeDocumentStatus,
  createHousehold,
  getHousehold,
  getVersion,
  householdByToken,
  listHouseholds,
  loadHousehold,
  removeMember,
  updateHousehold,
  updateMember,
  withdrawConsent,
  type Touched,
} from './service';
import { timeline } from './timeline';

const tags = ['people'];
const STALE = 'baseVersion must be the current version of the household: a stale one answers 409 instead of overwriting someone else\'s change.';

export async function peopleRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const indexes = () => lookupIndexes(app.hamrah.database);
  /** Runs a change in one transaction, then lets the lookup index catch up with what it touched. */
  const change = async <T extends { touched: Touched }>(req: FastifyRequest, fn: Parameters<typeof inTransaction<T>>[1]) => {
    const out = await inTransaction(req, fn);
    indexes().touch(out.touched);
    return out;
  };

  r.post('/people/households', {
    config: { permission: 'people.write' },
    schema: {
      tags,
      summary: 'Register a household with its members, documents and consent (idempotent on the client-generated id)',
      description: 'Answers 201 when stored, 200 when the same id and body were stored before, 409 when the id exists with another body.',
      body: householdCreate,
      response: { 200: householdDetail, 201: householdDetail },
    },
  }, async (req, reply) => {
    const { created, detail } = await change(req, (tx) => createHousehold(tx, requireAuth(req), actorOf(req), req.body));
    return reply.code(created ? 201 : 200).send(detail);
  });

  r.get('/people/households', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'Households the user may see, newest first (cursor paging)', querystring: householdsQuery, response: { 200: householdsPage } },
  }, async (req) => {
    const page = await inTransaction(req, (tx) => listHouseholds(tx, requireAuth(req), req.query));
    indexes().warm(req.query.operation.toUpperCase());
    return page;
  });

  r.get('/people/households/:id', {
    config: { permission: 'people.read' },
    schema: {
      tags,
      summary: 'One household with members, documents, consent and versions',
      description: 'Documents, phones and vulnerabilities only for holders of people.sensitive.read (audited as a sensitive read). 404 outside the user\'s grants.',
      params: householdParams,
      response: { 200: householdDetail },
    },
  }, async (req) => inTransaction(req, (tx) => getHousehold(tx, requireAuth(req), actorOf(req), req.params.id)));

  r.patch('/people/households/:id', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Edit household fields (a new version)', description: STALE, params: householdParams, body: householdUpdate, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => updateHousehold(tx, requireAuth(req), actorOf(req), req.params.id, req.body))).detail);

  r.get('/people/households/:id/versions/:version', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'The household as it was at one version', params: versionParams, response: { 200: versionSnapshot } },
  }, async (req) => inTransaction(req, (tx) => getVersion(tx, requireAuth(req), actorOf(req), req.params.id, req.params.version)));

  r.post('/people/households/:id/members', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Add a member', description: STALE, params: householdParams, body: memberAdd, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => addMember(tx, requireAuth(req), actorOf(req), req.params.id, req.body))).detail);

  r.patch('/people/households/:id/members/:individualId', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Edit a member', description: STALE, params: memberParams, body: memberUpdate, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => updateMember(tx, requireAuth(req), actorOf(req), req.params.id, req.params.individualId, req.body))).detail);

  r.post('/people/households/:id/members/:individualId/remove', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Remove a member (kept in history with the reason)', description: STALE, params: memberParams, body: memberRemove, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => removeMember(tx, requireAuth(req), actorOf(req), req.params.id, req.params.individualId, req.body))).detail);

  r.post('/people/households/:id/members/:individualId/documents', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Add a document to a member', description: STALE, params: memberParams, body: documentAdd, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => addDocument(tx, requireAuth(req), actorOf(req), req.params.id, req.params.individualId, req.body))).detail);

  r.post('/people/documents/:id/status', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Record a document status change (issued, extended, expired, lost, confiscated, …); kept as history', params: documentParams, body: documentStatusChange, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => changeDocumentStatus(tx, requireAuth(req), actorOf(req), req.params.id, req.body))).detail);

  r.post('/people/households/:id/consents', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Record consent for a purpose', params: householdParams, body: consentAdd, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => addConsent(tx, requireAuth(req), actorOf(req), req.params.id, req.body.consent))).detail);

  r.post('/people/consents/:id/withdraw', {
    config: { permission: 'people.write' },
    schema: { tags, summary: 'Withdraw consent (kept, marked withdrawn with who and when)', params: consentParams, body: consentWithdraw, response: { 200: householdDetail } },
  }, async (req) => (await change(req, (tx) => withdrawConsent(tx, requireAuth(req), actorOf(req), req.params.id, req.body.reason))).detail);

  r.get('/people/households/:id/timeline', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'The household\'s journey: registration, edits, documents, consent, and events other modules add', params: householdParams, response: { 200: timelineResult } },
  }, async (req) => inTransaction(req, (tx) => timeline(tx, requireAuth(req), req.params.id)));

  r.get('/people/households/:id/qr', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'The QR code of the household\'s card (SVG or PNG); it encodes the random token only', params: householdParams, querystring: qrQuery },
  }, async (req, typedReply) => {
    const reply = typedReply as unknown as FastifyReply;
    const h = await inTransaction(req, (tx) => loadHousehold(tx, requireAuth(req), req.params.id, 'people.read'));
    reply.header('cache-control', 'private, no-store');
    if (req.query.format === 'png') return reply.type('image/png').send(await QRCode.toBuffer(h.qrToken, { errorCorrectionLevel: 'M', margin: 2, width: 320 }));
    return reply.type('image/svg+xml').send(await QRCode.toString(h.qrToken, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  r.get('/people/qr/:token', {
    config: { permission: 'people.read' },
    schema: { tags, summary: 'The household of a scanned card (404 when unknown or outside the user\'s grants)', params: qrParams, response: { 200: householdView } },
  }, async (req) => inTransaction(req, (tx) => householdByToken(tx, requireAuth(req), req.params.token)));

  r.get('/people/search', {
    config: { permission: 'people.read' },
    schema: {
      tags,
      summary: 'Search people by name in any spelling or script, document number, phone or household reference',
      description: 'Every term must match. Name variants (Mohammad/Muhammad/Mohd), Arabic script and phonetic skeletons match; a document number tolerates one typo. Numbers are searched only for holders of people.sensitive.read (audited).',
      querystring: searchQuery,
      response: { 200: searchResult },
    },
  }, async (req) => {
    const res = await inTransaction(req, (tx) => search(tx, requireAuth(req), actorOf(req), req.query));
    // Someone searching the registry is about to register: have the duplicate-lookup index ready.
    indexes().warm(req.query.operation.toUpperCase());
    return res;
  });

  r.post('/people/lookup', {
    config: { permission: 'people.read' },
    schema: {
      tags,
      summary: 'Possible existing records for a person being typed (duplicate check before saving)',
      description: 'Scores the draft against the registry with the matching engine (in-memory index per operation); answers candidates decided match or review, best first.',
      body: lookupRequest,
      response: { 200: lookupResult },
    },
  }, async (req) => lookup(indexes(), requireAuth(req), req.body, (fn) => inTransaction(req, fn)));
}
