/**
 * A DTM-API-compatible endpoint: the paths, query parameters, JSON envelope and row fields of
 * IOM DTM's public API v3 (`/v3/displacement/admin0|admin1|admin2`, `/v3/operation-list`), served
 * from Hamrah's published baseline, site assessment and event (rapid) assessment rounds, so that existing DTM API clients can point at Hamrah.
 *
 * - Mounted at /api/dtm/v3 (outside /api/v1, whose conventions it does not follow).
 * - Authentication: a Hamrah API token (hmr_…) in `Ocp-Apim-Subscription-Key` (the header DTM's
 *   clients send) or in `Authorization: Bearer`; a session cookie works too. No token: 401.
 *   The routes are declared `public` because this plugin authenticates the DTM header itself.
 * - Authorization: mobility.read or reports.published.read in the operation. Only published
 *   baseline (assessmentType "BA"), site assessment ("SA") and event tracking ("ETT") rounds are served (DTM_TYPES); figures are aggregates, so published rows are
 *   the same for every reader of an operation. A reader with only area-limited mobility.read sees
 *   the districts of their areas.
 * - numPresentIdpInd is the IDPs present (baseline idp_ind); rows are grouped by round, area,
 *   displacement reason and province of origin, as DTM's are.
 * - Errors keep DTM's envelope (isSuccess false, errorMessages) and add Hamrah's `error` object.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { and, eq, inArray, isNotNull, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { AuthContext } from '../../server/context';
import { AppError, ERROR_CODES } from '../../server/errors';
import { fieldOfZodIssue, valueAt } from '../../server/zod-messages';
import { schemaText } from '../../shared/messages';
import { holds } from '../../server/permissions';
import { authenticateToken } from '../access/sessions';
import { API_TOKEN_PREFIX } from '../access/credentials';
import { listOperations } from '../places/service';
import type { EventType } from './kinds';
import { mobilityAssessments, mobilityRounds } from './schema';
import { areaScope, gazetteer, type Gazetteer } from './service';

export const DTM_KEY_HEADER = 'ocp-apim-subscription-key';

// Contract ---------------------------------------------------------------------------------------

const dtmDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, schemaText('value.isoDate'))
  .transform((s) => s.slice(0, 10));
const roundNumber = z.coerce.number().int().min(0).max(100_000);
const name = z.string().trim().max(200);
const code = z.string().trim().toUpperCase().max(20);

export const dtmQuery = z.object({
  Operation: name.optional(),
  CountryName: name.optional(),
  Admin0Pcode: code.optional(),
  Admin1Name: name.optional(),
  Admin1Pcode: code.optional(),
  Admin2Name: name.optional(),
  Admin2Pcode: code.optional(),
  FromReportingDate: dtmDate.optional(),
  ToReportingDate: dtmDate.optional(),
  /** 0 (DTM clients' default) means no limit. */
  FromRoundNumber: roundNumber.optional(),
  ToRoundNumber: roundNumber.optional(),
});
export type DtmQuery = z.infer<typeof dtmQuery>;
const QUERY_KEYS = new Map(Object.keys(dtmQuery.shape).map((k) => [k.toLowerCase(), k]));

const envelope = <T extends z.ZodTypeAny>(row: T) =>
  z.object({ result: z.array(row), statusCode: z.number().int(), isSuccess: z.boolean(), errorMessages: z.array(z.string()), totalRecordsCount: z.number().int() });

const admin0Row = z.object({
  operation: z.string(),
  admin0Name: z.string(),
  admin0Pcode: z.string(),
  numPresentIdpInd: z.number().int(),
  reportingDate: z.string(),
  yearReportingDate: z.number().int(),
  monthReportingDate: z.number().int(),
  roundNumber: z.number().int(),
  displacementReason: z.string().nullable(),
  numberMales: z.number().int().nullable(),
  numberFemales: z.number().int().nullable(),
  idpOriginAdmin1Name: z.string().nullable(),
  idpOriginAdmin1Pcode: z.string().nullable(),
  assessmentType: z.string(),
});
const admin1Row = admin0Row.extend({ admin1Name: z.string(), admin1Pcode: z.string() });
const admin2Row = admin1Row.extend({ admin2Name: z.string(), admin2Pcode: z.string() });
export type DtmAdmin2Row = z.infer<typeof admin2Row>;
const operationRow = z.object({ operation: z.string(), operationStatus: z.string(), admin0Name: z.string(), admin0Pcode: z.string() });

// Service ----------------------------------------------------------------------------------------

/**
 * Which published rounds the endpoint serves, as which DTM assessmentType:
 * - baseline → "BA": numPresentIdpInd = IDPs present (idp_ind), with sex, reason and origin;
 * - site → "SA": numPresentIdpInd = the people present on the assessed displacement sites
 *   (the site assessment's individuals), summed per area; a site assessment records no sex,
 *   displacement reason or origin, so those fields are null;
 * - event → "ETT" (event tracking): numPresentIdpInd = the displaced individuals the event
 *   (rapid) assessments counted (`displaced_ind`), summed per round × area × displacement reason;
 *   the reason follows the event type (conflict → Conflict; flood, flash flood, earthquake,
 *   landslide, avalanche, drought → Natural disaster; a returns surge, fire or other → Other).
 *   Assessments that counted households only (displaced_ind null) are left out: turning
 *   households into people with an assumed household size would publish figures nobody counted.
 *   No sex or origin is recorded, so those fields are null.
 */
export const DTM_TYPES = [
  { kind: 'baseline', assessmentType: 'BA' },
  { kind: 'site', assessmentType: 'SA' },
  { kind: 'event', assessmentType: 'ETT' },
] as const;
export type DtmType = (typeof DTM_TYPES)[number];

/** Event types that are natural hazards (DTM's displacementReason "Natural disaster"). */
const NATURAL_HAZARDS: readonly EventType[] = ['flood', 'flash_flood', 'earthquake', 'landslide', 'avalanche', 'drought'];
const REASONS: Record<string, string> = { conflict: 'Conflict', natural_disaster: 'Natural disaster', economic: 'Economic', other: 'Other' };
const likeSafe = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const eqi = (a: string | null | undefined, b: string | undefined) => !b || (!!a && a.trim().toLowerCase() === b.trim().toLowerCase());

interface ReadableOperation {
  id: string;
  name: string;
  /** null = every district; else P-code prefixes. */
  scope: string[] | null;
}

/** Operations the user may read DTM figures of (published aggregates or mobility data). */
async function readableOperations(tx: Tx, auth: AuthContext): Promise<ReadableOperation[]> {
  const ops = await listOperations(tx, auth);
  const out: ReadableOperation[] = [];
  for (const o of ops) {
    if (holds(auth.grants, 'reports.published.read', o.id)) out.push({ id: o.id, name: o.name, scope: null });
    else if (holds(auth.grants, 'mobility.read', o.id)) out.push({ id: o.id, name: o.name, scope: areaScope(auth.grants, 'mobility.read', o.id) });
  }
  return out;
}

const matchesOperation = (o: ReadableOperation, q: DtmQuery) =>
  (!q.Operation || eqi(o.name, q.Operation) || eqi(o.id, q.Operation)) && eqi(o.name, q.CountryName) && (!q.Admin0Pcode || o.id === q.Admin0Pcode);

/**
 * DTM rows of the published rounds of `types` (default: baseline only, which is what the flows
 * dashboard's baseline map reads; the DTM routes ask for every served type).
 */
export async function dtmDisplacement(tx: Tx, auth: AuthContext, level: 0 | 1 | 2, q: DtmQuery, types: readonly DtmType[] = [DTM_TYPES[0]]): Promise<z.infer<typeof admin2Row>[]> {
  const ops = (await readableOperations(tx, auth)).filter((o) => matchesOperation(o, q));
  const out: z.infer<typeof admin2Row>[] = [];
  const a = mobilityAssessments;
  const r = mobilityRounds;
  for (const op of ops) {
    const g: Gazetteer = await gazetteer(tx, op.id);
    for (const type of types) {
      const { kind, assessmentType } = type;
      const filters: (SQL | undefined)[] = [eq(r.operationId, op.id), eq(r.kind, kind), eq(r.status, 'published'), eq(a.current, true)];
      if (kind === 'event') filters.push(isNotNull(a.displacedInd));
      if (op.scope) filters.push(op.scope.length ? or(...op.scope.map((root) => like(a.admin2Pcode, `${likeSafe(root)}%`))) : sql`false`);
      if (q.Admin1Pcode) filters.push(eq(a.admin1Pcode, q.Admin1Pcode));
      if (q.Admin2Pcode) filters.push(eq(a.admin2Pcode, q.Admin2Pcode));
      if (q.Admin1Name) {
        const codes = [...g.adm1.entries()].filter(([, v]) => eqi(v.name, q.Admin1Name)).map(([k]) => k);
        filters.push(codes.length ? inArray(a.admin1Pcode, codes) : sql`false`);
      }
      if (q.Admin2Name) {
        const codes = [...g.adm2.entries()].filter(([, v]) => eqi(v.name, q.Admin2Name)).map(([k]) => k);
        filters.push(codes.length ? inArray(a.admin2Pcode, codes) : sql`false`);
      }
      if (q.FromReportingDate) filters.push(sql`${r.referenceDate} >= ${q.FromReportingDate}::date`);
      if (q.ToReportingDate) filters.push(sql`${r.referenceDate} <= ${q.ToReportingDate}::date`);
      if (q.FromRoundNumber) filters.push(sql`${r.roundNumber} >= ${q.FromRoundNumber}`);
      if (q.ToRoundNumber) filters.push(sql`${r.roundNumber} <= ${q.ToRoundNumber}`);
      const adm1 = level >= 1 ? a.admin1Pcode : sql<string>`''`;
      const adm2 = level >= 2 ? a.admin2Pcode : sql<string>`''`;
      // Group by the levels asked for (a constant cannot appear in GROUP BY); site and event
      // assessments have no sex or origin, site assessments no reason (an event's follows its type;
      // its list is written into the SQL, not bound, so the select and GROUP BY expressions match).
      const baseline = kind === 'baseline';
      const eventReason = sql<string>`case when ${a.eventType} = 'conflict' then 'conflict' when ${a.eventType} in (${sql.raw(NATURAL_HAZARDS.map((h) => `'${h}'`).join(', '))}) then 'natural_disaster' else 'other' end`;
      const keys = [
        r.roundNumber,
        r.referenceDate,
        ...(level >= 1 ? [a.admin1Pcode] : []),
        ...(level >= 2 ? [a.admin2Pcode] : []),
        ...(baseline ? [a.displacementReason, a.idpOriginAdmin1Pcode] : kind === 'event' ? [eventReason] : []),
      ];
      const rows = await tx
        .select({
          roundNumber: r.roundNumber,
          referenceDate: r.referenceDate,
          admin1Pcode: sql<string>`${adm1}`,
          admin2Pcode: sql<string>`${adm2}`,
          reason: baseline ? a.displacementReason : kind === 'event' ? eventReason : sql<string | null>`null`,
          origin: baseline ? a.idpOriginAdmin1Pcode : sql<string | null>`null`,
          idps: baseline ? sql<string>`sum(${a.idpInd})` : kind === 'event' ? sql<string>`sum(${a.displacedInd})` : sql<string>`sum(${a.individuals})`,
          males: baseline ? sql<string | null>`case when bool_and(${a.idpMales} is not null) then sum(${a.idpMales}) end` : sql<string | null>`null`,
          females: baseline ? sql<string | null>`case when bool_and(${a.idpFemales} is not null) then sum(${a.idpFemales}) end` : sql<string | null>`null`,
        })
        .from(a)
        .innerJoin(r, eq(r.id, a.roundId))
        .where(and(...filters))
        .groupBy(...keys)
        .orderBy(...keys);
      for (const x of rows) {
        const [y, m] = x.referenceDate.split('-').map(Number);
        out.push({
          operation: op.name,
          admin0Name: op.name,
          admin0Pcode: op.id,
          admin1Name: g.adm1.get(x.admin1Pcode)?.name ?? '',
          admin1Pcode: x.admin1Pcode,
          admin2Name: g.adm2.get(x.admin2Pcode)?.name ?? '',
          admin2Pcode: x.admin2Pcode,
          numPresentIdpInd: Number(x.idps),
          reportingDate: `${x.referenceDate}T00:00:00`,
          yearReportingDate: y,
          monthReportingDate: m,
          roundNumber: x.roundNumber,
          displacementReason: x.reason ? REASONS[x.reason] ?? x.reason : null,
          numberMales: x.males === null ? null : Number(x.males),
          numberFemales: x.females === null ? null : Number(x.females),
          idpOriginAdmin1Name: x.origin ? g.adm1.get(x.origin)?.name ?? null : null,
          idpOriginAdmin1Pcode: x.origin,
          assessmentType,
        });
      }
    }
  }
  return out;
}

export async function dtmOperations(tx: Tx, auth: AuthContext, q: DtmQuery): Promise<z.infer<typeof operationRow>[]> {
  const ops = (await readableOperations(tx, auth)).filter((o) => matchesOperation(o, q));
  if (!ops.length) return [];
  const published = await tx
    .selectDistinct({ operationId: mobilityRounds.operationId })
    .from(mobilityRounds)
    .where(and(inArray(mobilityRounds.operationId, ops.map((o) => o.id)), inArray(mobilityRounds.kind, DTM_TYPES.map((t) => t.kind)), eq(mobilityRounds.status, 'published')));
  const withData = new Set(published.map((p) => p.operationId));
  return ops.filter((o) => withData.has(o.id)).map((o) => ({ operation: o.name, operationStatus: 'Active', admin0Name: o.name, admin0Pcode: o.id }));
}

// Routes -----------------------------------------------------------------------------------------

function dtmError(reply: FastifyReply, req: FastifyRequest, status: number, code: string, message: string, fields?: { path: string; message: string }[]) {
  return reply.status(status).send({
    result: [],
    statusCode: status,
    isSuccess: false,
    errorMessages: fields?.length ? fields.map((f) => `${f.path}: ${f.message}`) : [message],
    totalRecordsCount: 0,
    error: { code, message, requestId: String(req.id), ...(fields ? { fields } : {}) },
  });
}

/** Authenticates DTM's header (Authorization: Bearer and cookies were handled by the app), then the permission. */
async function dtmAuth(req: FastifyRequest): Promise<void> {
  if (!req.auth) {
    const key = req.headers[DTM_KEY_HEADER];
    const token = typeof key === 'string' ? key.trim() : '';
    if (token) {
      if (!token.startsWith(API_TOKEN_PREFIX)) throw new AppError('UNAUTHENTICATED', 'Unknown kind of subscription key: use a Hamrah API token (hmr_…).');
      req.auth = await authenticateToken(req.server.hamrah.database.db, token, req.server.hamrah.demoMode);
      if (!req.auth) throw new AppError('UNAUTHENTICATED', 'The API token is unknown, expired or revoked.');
    }
  }
  if (!req.auth) throw new AppError('UNAUTHENTICATED', 'Send a Hamrah API token in the Ocp-Apim-Subscription-Key header (or Authorization: Bearer).');
  if (!holds(req.auth.grants, 'mobility.read') && !holds(req.auth.grants, 'reports.published.read'))
    throw new AppError('FORBIDDEN', 'You need "mobility.read" or "reports.published.read" to read DTM figures.');
}

const ok = <T>(result: T[]) => ({ result, statusCode: 200, isSuccess: true, errorMessages: [] as string[], totalRecordsCount: result.length });

export async function dtmApiRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => {
        const segments = String(v.instancePath ?? '').split('/').filter(Boolean);
        const missing = segments.length > 0 && valueAt(req.query, segments) === undefined;
        return fieldOfZodIssue(['querystring', ...segments].join('.'), { ...(v.params as object), code: String(v.keyword), message: v.message ?? '' }, missing);
      });
      return dtmError(reply, req, 400, 'VALIDATION_FAILED', ERROR_CODES.VALIDATION_FAILED.message, fields);
    }
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      return dtmError(reply, req, err.status, err.code, err.message, err.fields);
    }
    req.log.error({ err }, 'unhandled error');
    return dtmError(reply, req, 500, 'INTERNAL', ERROR_CODES.INTERNAL.message);
  });
  // DTM's API (ASP.NET) reads query parameters whatever their case: so does this one.
  app.addHook('preValidation', async (req) => {
    const q = req.query as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(q ?? {})) out[QUERY_KEYS.get(k.toLowerCase()) ?? k] = v === '' ? undefined : v;
    req.query = out;
  });
  app.addHook('onRequest', dtmAuth);

  const tags = ['dtm-api'];
  const security: { [label: string]: string[] }[] = [{ dtmKey: [] }, { token: [] }];
  const describe = (level: number) =>
    `DTM API v3 compatible: IDPs present per ${level === 0 ? 'country' : `admin ${level} area`} from published baseline rounds (assessmentType BA), site assessments (SA: people present on the assessed sites) and event (rapid) assessments (ETT: displaced individuals counted; assessments that counted households only are left out). ` +
    'Authenticate with a Hamrah API token in Ocp-Apim-Subscription-Key (as DTM clients send it) or Authorization: Bearer. Query parameters are case-insensitive; round number 0 means no limit.';
  const rows = { 0: admin0Row, 1: admin1Row, 2: admin2Row } as const;
  for (const level of [0, 1, 2] as const) {
    r.get(`/displacement/admin${level}`, {
      config: { permission: 'public' },
      schema: { tags, security, summary: `IDP figures per admin ${level} (DTM API v3)`, description: describe(level), querystring: dtmQuery, response: { 200: envelope(rows[level]) } },
    }, async (req) => {
      const q = req.query;
      const list = await req.server.hamrah.database.db.transaction((tx) => dtmDisplacement(tx as unknown as Tx, req.auth!, level, q, DTM_TYPES));
      const strip = list.map((x) => {
        if (level === 2) return x;
        const { admin2Name: _n2, admin2Pcode: _p2, ...l1 } = x;
        if (level === 1) return l1;
        const { admin1Name: _n1, admin1Pcode: _p1, ...l0 } = l1;
        return l0;
      });
      return ok(strip);
    });
  }
  r.get('/operation-list', {
    config: { permission: 'public' },
    schema: { tags, security, summary: 'Operations with published baseline, site assessment or event tracking data (DTM API v3)', description: 'DTM API v3 compatible list of operations the token may read.', querystring: dtmQuery, response: { 200: envelope(operationRow) } },
  }, async (req) => ok(await req.server.hamrah.database.db.transaction((tx) => dtmOperations(tx as unknown as Tx, req.auth!, req.query))));
}
