import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/config';
import { openConfigured } from '../server/bootstrap';
import { DataDirLockedError } from '../db/lock';
import { backupDatabase, restoreDatabase, type BackupProgress } from '../db/backup';

/**
 * Progress on stderr: a bar on a terminal; otherwise one line per finished table with its row count,
 * so that logs of scripted runs stay readable.
 */
function progressReporter(verb: string) {
  const tty = !!process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let lastTable = '';
  let lastTotal = 0;
  const finishLine = (table: string, rows: number) => process.stderr.write(`  ${table.padEnd(28)} ${rows} rows\n`);
  return {
    onProgress(p: BackupProgress) {
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { format: `${verb} {bar} {value}/{total} rows  ({table})`, stream: process.stderr, hideCursor: true, fps: 10 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.allTotal, 0, { table: p.table });
        }
        bar.update(p.allDone, { table: p.table });
        return;
      }
      if (p.table !== lastTable) {
        lastTable = p.table;
        lastTotal = p.total;
      }
      if (p.done === lastTotal) finishLine(p.table, p.done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** The PGlite folder is locked by a running server: say what to do before the lock error itself. */
function explainLock(err: unknown, what: string): never {
  if (err instanceof DataDirLockedError)
    process.stderr.write(`hamrah: cannot ${what} while a server (pid ${err.holderPid}) runs on this data folder; stop it first.\n`);
  throw err;
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description('Write the whole database to FILE (gzip of JSON lines; works on PGlite and PostgreSQL alike)')
    .action(async (file: string) => {
      const database = await openConfigured(loadConfig()).catch((e) => explainLock(e, 'back up'));
      const progress = progressReporter('Backing up');
      try {
        process.stderr.write(`Backing up ${database.describe} to ${file}\n`);
        const s = await backupDatabase(database, file, { onProgress: progress.onProgress });
        progress.stop();
        process.stderr.write(
          `Backup complete: ${s.rows} rows in ${s.tables.length} tables, ${(s.bytes / 1024).toFixed(0)} KiB, ${(s.ms / 1000).toFixed(1)} s → ${s.file}\n`,
        );
      } finally {
        progress.stop();
        await database.close();
      }
    });

  program
    .command('restore <file>')
    .description('Load a backup made by "hamrah backup" into the database (all or nothing; migrates the database first)')
    .option('--force', 'replace the data of a database that is not empty')
    .action(async (file: string, o: { force?: boolean }) => {
      const database = await openConfigured(loadConfig()).catch((e) => explainLock(e, 'restore'));
      const progress = progressReporter('Restoring');
      try {
        process.stderr.write(`Restoring ${file} into ${database.describe}\n`);
        const s = await restoreDatabase(database, file, { force: !!o.force, onProgress: progress.onProgress });
        progress.stop();
        process.stderr.write(
          `Restore complete: ${s.rows} rows in ${s.tables.length} tables${s.replaced ? ' (previous data replaced)' : ''}, ${(s.ms / 1000).toFixed(1)} s.\n`,
        );
      } finally {
        progress.stop();
        await database.close();
      }
    });
}
