import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { actorOf, inTransaction, requireAuth } from '../../server/context';
import { audit } from '../../server/audit';
import { invalid, issueAt } from '../../server/errors';
import type { Permission } from '../../server/permissions';
import { exportFilename, sendTable, type ExportFormat } from '../../exports';
import { countsExportQuery, EXPORT_FORMATS, surveyRowsExportQuery, surveysExportQuery } from './export-contract';
import { exportScope, flowsTable, SHEET_NAMES, type FlowsExportKind, type FlowsExportQuery } from './export';

const tags = ['flows'];

interface Spec {
  kind: FlowsExportKind;
  path: string;
  permission: Permission;
  query: ZodType;
  /** Audit entity type. */
  entity: 'flow_count' | 'flow_survey';
  summary: string;
  description: string;
}

const SPECS: Spec[] = [
  {
    kind: 'flows-counts',
    path: 'counts',
    permission: 'flows.export',
    query: countsExportQuery,
    entity: 'flow_count',
    summary: 'Counts as HXL-tagged CSV or XLSX (streamed)',
    description:
      'Header row, HXL hashtag row, then one row per site, date, direction and neighbour country (current versions, any status unless `status` is given) at the sites the user may export. Flows have no core HXL tag: +inflow, +outflow, +deported … are custom attributes.',
  },
  {
    kind: 'flows-surveys',
    path: 'surveys',
    permission: 'flows.export',
    query: surveysExportQuery,
    entity: 'flow_survey',
    summary: 'Surveys aggregated per site, week or month, direction and destination province, as HXL-tagged CSV or XLSX',
    description: 'Surveyed groups and persons, and the share (%) of groups holding each document and giving each reason (several reasons per group are possible). No row-level data.',
  },
  {
    kind: 'flows-surveys-rows',
    path: 'survey-rows',
    permission: 'flows.surveys.rows.export',
    query: surveyRowsExportQuery,
    entity: 'flow_survey',
    summary: 'Surveys row-level (one row per interviewed group; no names exist) as HXL-tagged CSV or XLSX',
    description: 'Needs flows.surveys.rows.export. Multi-select answers are space-separated, as Kobo exports them.',
  },
];

/** GET /flows/exports/<kind>.<csv|xlsx>: streamed downloads, scoped to the caller's sites. */
export async function flowsExportRoutes(app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const spec of SPECS)
    for (const format of EXPORT_FORMATS)
      r.get(`/flows/exports/${spec.path}.${format}`, {
        config: { permission: spec.permission },
        schema: { tags, summary: spec.summary, description: spec.description, querystring: spec.query },
      }, async (req, typedReply) => {
        const reply = typedReply as unknown as FastifyReply;
        const q = req.query as FlowsExportQuery & { operation: string };
        if (q.from && q.to && q.from > q.to) throw invalid([issueAt('querystring.to', 'period.endsBeforeStart')]);
        const auth = requireAuth(req);
        const scope = await inTransaction(req, async (tx) => {
          const s = await exportScope(tx, auth, spec.permission, q.operation);
          const { operation: _o, ...filters } = q;
          await audit(tx, actorOf(req), { action: `${spec.entity}.export`, entityType: spec.entity, operationId: s.operationId, details: { kind: spec.kind, format, ...filters, sites: s.sites.length } });
          return s;
        });
        const { columns, batches } = flowsTable(spec.kind, req.server.hamrah.database.db, scope, q, undefined, format as ExportFormat);
        return sendTable(reply, {
          format: format as ExportFormat,
          filename: exportFilename(spec.kind.split('-'), scope.operationId, q.from, q.to, format),
          columns,
          batches,
          options: { sheetName: SHEET_NAMES[spec.kind] },
        });
      });
}
