import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/config';
import { openConfigured, prepareDatabase } from '../server/bootstrap';
import { AppError } from '../server/errors';
import { importAdapters } from '../modules/imports/adapters';
import { importFile, tidyAfterImport } from '../modules/imports/service';
import type { ImportPhase } from '../imports/pipeline';

const PHASES: Record<ImportPhase, string> = { validating: 'Validating', checking: 'Checking  ', writing: 'Writing   ' };

/** `hamrah import <kind> FILE --operation AFG [--map field=column …] [--valid-only] [--dry-run]` */
export function registerImportCommand(program: Command): void {
  program
    .command('import <kind> <file>')
    .description(`Import a CSV or XLSX file (Kobo/ODK exports too). Kinds: ${importAdapters().map((a) => a.kind).join(', ')}`)
    .requiredOption('--operation <id>', 'operation, e.g. AFG')
    .option('--map <field=column...>', 'map a field to a column (repeatable); other fields use the suggested mapping', (v: string, acc: string[] = []) => [...acc, v])
    .option('--valid-only', 'import the valid rows and leave the others out (default: nothing unless every row is valid)')
    .option('--dry-run', 'validate and report only')
    .option('--user <username>', 'import as this user (their grants apply, they are recorded as the creator)', 'admin')
    .action(async (kind: string, file: string, opts: { operation: string; map?: string[]; validOnly?: boolean; dryRun?: boolean; user: string }) => {
      const mapping: Record<string, string> = {};
      for (const m of opts.map ?? []) {
        const eq = m.indexOf('=');
        if (eq <= 0) throw new Error(`--map takes field=column, got "${m}"`);
        mapping[m.slice(0, eq).trim()] = m.slice(eq + 1).trim();
      }
      const database = await openConfigured(loadConfig());
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: '{phase} [{bar}] {percentage}% | {value}/{total} rows | {duration_formatted}', hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      let phase: ImportPhase | null = null;
      const started = Date.now();
      try {
        await prepareDatabase(database);
        const res = await importFile(database, opts.user, kind, file, { operation: opts.operation, mapping, mode: opts.validOnly ? 'valid' : 'all', commit: !opts.dryRun }, (p, done, total) => {
          if (p !== phase) {
            if (phase) bar.stop();
            phase = p;
            bar.start(Math.max(total, 1), 0, { phase: PHASES[p] });
          }
          bar.setTotal(Math.max(total, 1));
          bar.update(done, { phase: PHASES[p] });
        });
        if (phase) bar.stop();
        const s = res.summary;
        if (res.status === 'committed' && s.inserted > 0) {
          const tidied = await tidyAfterImport(database, kind);
          if (tidied.length) process.stderr.write(`vacuumed ${tidied.join(', ')} (the embedded database has no autovacuum)\n`);
        }
        const secs = (Date.now() - started) / 1000;
        process.stderr.write(`\n${res.message}\n`);
        process.stderr.write(`rows ${s.rows} · valid ${s.valid} · invalid ${s.invalid} · already stored ${s.existing} · added ${s.inserted} · ${secs.toFixed(1)} s (${Math.round(s.rows / Math.max(secs, 0.001))} rows/s)\n`);
        for (const i of res.issues.slice(0, 50)) process.stderr.write(`  row ${i.row} · ${i.field}${i.column ? ` (${i.column})` : ''}: ${i.message}\n`);
        if (res.issueCount > 50) process.stderr.write(`  … and ${res.issueCount - 50} more problems\n`);
        process.stdout.write(JSON.stringify({ batch: res.batchId, status: res.status, ...s }) + '\n');
        if (res.status === 'failed' || (opts.dryRun && s.invalid)) process.exitCode = 2;
      } catch (err) {
        if (phase) bar.stop();
        if (err instanceof AppError && err.fields?.length) {
          process.stderr.write(`hamrah: ${err.message}\n`);
          for (const f of err.fields) process.stderr.write(`  ${f.path}: ${f.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      } finally {
        await database.close();
      }
    });
}
