/**
 * CPU time of PostgreSQL server processes on this machine, read from /proc, for the benchmarks
 * (a wall time on a shared machine includes waiting for a core; CPU time is the work itself).
 * Only for a server on this machine that this user may inspect; elsewhere the readings are null.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from '../src/db/client';

/** Nanoseconds process `pid` has spent on a CPU (/proc/<pid>/schedstat), or NaN once it is gone. */
export function processCpuNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** Whether `database` is PostgreSQL on this machine (its backends' /proc entries are readable). */
export function localServer(database: Database): boolean {
  if (database.kind !== 'postgres') return false;
  // describe: "PostgreSQL <host>:<port>/<database>"
  const m = /^PostgreSQL (\[[^\]]+\]|[^:\s]+):/.exec(database.describe);
  return !!m && ['127.0.0.1', 'localhost', '[::1]'].includes(m[1]);
}

/**
 * A meter of the CPU time of every backend serving the database `dbName`. The first `read()` sets
 * the zero: backends alive then count from their time at that moment, backends that start later
 * count from zero (all their work falls inside the measurement). A backend that ends between two
 * readings drops out; the benchmarks keep their connections open for the whole run.
 */
export function serverCpuMeter(dbName: string | null) {
  const base = new Map<number, number>();
  let started = false;
  const backends = (): number[] => {
    const out: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // A backend's title: "postgres: 15/main: <user> <database> <client> <state>".
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${dbName} `)) out.push(Number(entry));
      } catch {
        /* gone, or not ours to read */
      }
    }
    return out;
  };
  return {
    /** Milliseconds of CPU since the first reading, or null when nothing can be read. */
    read(): number | null {
      if (!dbName) return null;
      let total = 0;
      let seen = false;
      for (const pid of backends()) {
        const ns = processCpuNs(pid);
        if (!Number.isFinite(ns)) continue;
        seen = true;
        if (!base.has(pid)) base.set(pid, started ? 0 : ns);
        total += ns - base.get(pid)!;
      }
      started = true;
      return seen ? total / 1e6 : null;
    },
  };
}

/** The database name of a PostgreSQL database's connection string, or null. */
export const databaseName = (database: Database): string | null => (database.kind === 'postgres' ? (/\/([A-Za-z0-9_]+)(?:\?.*)?$/.exec(database.describe)?.[1] ?? null) : null);
