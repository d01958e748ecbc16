import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(public readonly dataDir: string, public readonly holderPid: number) {
    super(
      `The data folder ${dataDir} is in use by another Hamrah process (pid ${holderPid}). ` +
        `Two processes writing one embedded database silently lose data, so this one will not start. ` +
        `Stop the other process, or point HAMRAH_DATA_DIR at another folder.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock on a PGlite data folder with a lock file holding our pid.
 * A lock left by a process that no longer runs is taken over. Returns a release function.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'hamrah.lock');
  const body = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
          if (held.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = -1;
      try {
        const held = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; host: string };
        holder = held.host === os.hostname() ? held.pid : -1;
        if (held.host !== os.hostname()) throw new DataDirLockedError(dataDir, held.pid);
      } catch (e) {
        if (e instanceof DataDirLockedError) throw e;
      }
      if (holder === process.pid || alive(holder)) throw new DataDirLockedError(dataDir, holder);
      fs.rmSync(file, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
