import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type ServerProcess } from '../helpers/server';

// Real `hamrah` processes on one PGlite data folder: the folder lock, graceful shutdown, and the
// backup/restore commands. The steps run in order and share the folder.
const SLOW = 240_000;

describe('a PGlite data folder held by a running server', () => {
  const servers: ServerProcess[] = [];
  let first: ServerProcess;
  let dataDir: string;
  let work: string;
  let lockFile: string;
  afterAll(async () => {
    for (const s of servers) await s.dispose().catch(() => {});
  });

  it('a second serve, migrate or backup on the folder exits non-zero saying it is in use', async () => {
    first = await startServer();
    servers.push(first);
    dataDir = first.dataDir;
    work = path.dirname(first.logPath);
    lockFile = path.join(dataDir, 'hamrah.lock');
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(first.proc.pid);

    const env = { HAMRAH_DATA_DIR: dataDir };
    const [migrateRun, serveRun, backupRun] = await Promise.all([
      runCli(['migrate'], env),
      runCli(['serve', '--port', '0'], env),
      runCli(['backup', path.join(work, 'x.gz')], env),
    ]);
    for (const run of [migrateRun, serveRun, backupRun]) {
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/in use/);
      expect(run.output).toContain(String(first.proc.pid));
    }
    expect(backupRun.output).toMatch(/cannot back up while a server .* runs on this data folder; stop it first/);
    expect(fs.existsSync(path.join(work, 'x.gz'))).toBe(false);

    // The refused processes neither stole nor removed the lock, and the server still serves.
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(first.proc.pid);
    expect((await fetch(`${first.url}readyz`)).status).toBe(200);
  }, SLOW);

  it('SIGTERM exits 0 and releases the lock; then a new server starts on the folder', async () => {
    const { code, signal } = await first.stop('SIGTERM');
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(fs.readFileSync(first.logPath, 'utf8')).toMatch(/"msg":"shutting down"/);

    const second = await startServer({ dataDir });
    servers.push(second);
    const res = await fetch(`${second.url}readyz`);
    expect(await res.json()).toEqual({ status: 'ready', database: 'pglite' });
    expect((await second.stop('SIGINT')).code).toBe(0);
    expect(fs.existsSync(lockFile)).toBe(false);
  }, SLOW);

  it('once nobody holds the folder, hamrah backup and restore work from the command line', async () => {
    const env = { HAMRAH_DATA_DIR: dataDir };
    const file = path.join(work, 'cli-backup.gz');
    const backup = await runCli(['backup', file], env);
    expect(backup.output).toMatch(/users\s+\d+ rows/);
    expect(backup.output).toMatch(/Backup complete: \d+ rows in \d+ tables/);
    expect(backup.code).toBe(0);

    const otherEnv = { HAMRAH_DATA_DIR: path.join(work, 'restored') };
    const restore = await runCli(['restore', file], otherEnv);
    expect(restore.output).toMatch(/Restore complete: \d+ rows/);
    expect(restore.code).toBe(0);
    const forced = await runCli(['restore', '--force', file], otherEnv);
    expect(forced.output).toMatch(/previous data replaced/);
    expect(forced.code).toBe(0);
  }, SLOW);
});
