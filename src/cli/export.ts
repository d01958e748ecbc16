import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/config';
import { openConfigured } from '../server/bootstrap';
import { DataDirLockedError } from '../db/lock';
import type { Tx } from '../db/client';
import type { ExportFormat } from '../exports';
import {
  countCountRows,
  countSurveyRows,
  exportFlowsTo,
  FLOWS_EXPORT_KINDS,
  SURVEY_PERIODS,
  unrestrictedScope,
  type FlowsExportKind,
  type FlowsExportQuery,
  type FlowsExportScope,
} from '../modules/flows/export';

/** Export kinds the CLI knows: each says how to count its rows (for the bar) and how to write them. */
interface CliKind {
  describe: string;
  /** Rows to expect, when cheap to know; null shows a running count instead of a bar. */
  total(db: Tx, scope: FlowsExportScope, q: FlowsExportQuery): Promise<number | null>;
  write(db: Tx, scope: FlowsExportScope, q: FlowsExportQuery, format: ExportFormat, out: Writable, onProgress: (rows: number) => void): Promise<number>;
}

const flows = (kind: FlowsExportKind, describe: string, total: CliKind['total']): CliKind => ({
  describe,
  total,
  write: (db, scope, q, format, out, onProgress) => exportFlowsTo(kind, db, scope, q, format, out, { onProgress }),
});

/** Other modules add their kinds here (e.g. mobility assessments). */
export const CLI_EXPORT_KINDS: Record<string, CliKind> = {
  'flows-counts': flows('flows-counts', 'flow monitoring counts, one row per site, date, direction and neighbour country', countCountRows),
  'flows-surveys': flows('flows-surveys', 'flow monitoring surveys aggregated per site, week or month, direction and destination province', async () => null),
  'flows-surveys-rows': flows('flows-surveys-rows', 'flow monitoring surveys, one row per interviewed group', countSurveyRows),
};
void FLOWS_EXPORT_KINDS;

const isoDate = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError('a date as YYYY-MM-DD');
  return v;
};

/** A bar on a terminal; otherwise a line every 10% (or every 100,000 rows when the total is unknown). */
function progressReporter(total: number | null) {
  const tty = !!process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let nextLine = total ? Math.ceil(total / 10) : 100_000;
  if (tty) {
    bar = new cliProgress.SingleBar(
      {
        format: total === null ? 'Exporting {value} rows' : 'Exporting {bar} {percentage}% {value}/{total} rows  {eta_formatted} left',
        stream: process.stderr,
        hideCursor: true,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total ?? 0, 0);
  }
  return {
    update(rows: number) {
      if (bar) return bar.update(rows);
      if (rows >= nextLine) {
        process.stderr.write(`  ${rows}${total ? `/${total}` : ''} rows\n`);
        nextLine += total ? Math.ceil(total / 10) : 100_000;
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

interface ExportOptions {
  operation: string;
  from?: string;
  to?: string;
  format?: ExportFormat;
  out?: string;
  period?: 'week' | 'month';
  site?: string;
}

export function registerExportCommands(program: Command): void {
  program
    .command('export <kind>')
    .description(`Export data as HXL-tagged CSV or XLSX (streamed; progress on stderr). Kinds:\n${Object.entries(CLI_EXPORT_KINDS).map(([k, v]) => `  ${k}: ${v.describe}`).join('\n')}`)
    .requiredOption('--operation <id>', 'operation, e.g. AFG')
    .option('--from <date>', 'first day (YYYY-MM-DD)', isoDate)
    .option('--to <date>', 'last day (YYYY-MM-DD)', isoDate)
    .addOption(new Option('--format <format>', 'file format (default: from the --out extension, else csv)').choices(['csv', 'xlsx']))
    .option('--out <file>', 'file to write (default: standard output)')
    .addOption(new Option('--period <period>', 'flows-surveys: aggregate per week or month').choices([...SURVEY_PERIODS]).default('week'))
    .option('--site <code>', 'one site, by its code (e.g. BCP-TORKHAM)')
    .action(async (kindName: string, o: ExportOptions) => {
      const kind = CLI_EXPORT_KINDS[kindName];
      if (!kind) throw new Error(`unknown export kind "${kindName}"; one of: ${Object.keys(CLI_EXPORT_KINDS).join(', ')}`);
      if (o.from && o.to && o.from > o.to) throw new Error('--to is before --from');
      const format: ExportFormat = o.format ?? (o.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv');
      if (!o.out && format === 'xlsx' && process.stdout.isTTY) throw new Error('an XLSX file is binary: give --out FILE or redirect standard output');
      const database = await openConfigured(loadConfig()).catch((e) => {
        if (e instanceof DataDirLockedError) process.stderr.write(`hamrah: cannot export while a server (pid ${e.holderPid}) runs on this data folder; stop it or export through the API.\n`);
        throw e;
      });
      let progress: ReturnType<typeof progressReporter> | null = null;
      const part = o.out ? `${o.out}.part` : null;
      try {
        const db = database.db;
        const operationId = o.operation.toUpperCase();
        const scope = await unrestrictedScope(db, operationId);
        let site: string | undefined;
        if (o.site) {
          site = scope.sites.find((s) => s.code.toLowerCase() === o.site!.toLowerCase())?.id;
          if (!site) throw new Error(`no site ${o.site} in ${operationId}`);
        }
        const q: FlowsExportQuery = { from: o.from, to: o.to, period: o.period, site };
        const total = await kind.total(db, scope, q);
        progress = progressReporter(total);
        const started = performance.now();
        const out = part ? createWriteStream(part) : process.stdout;
        const rows = await kind.write(db, scope, q, format, out, (n) => progress!.update(n));
        progress.stop();
        if (part) await rename(part, o.out!);
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(`Exported ${rows} rows (${format}) in ${seconds.toFixed(1)} s${o.out ? ` → ${o.out}` : ''}\n`);
      } catch (err) {
        progress?.stop();
        if (part) await rm(part, { force: true });
        throw err;
      } finally {
        await database.close();
      }
    });
}
