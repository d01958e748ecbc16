import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_PASSWORD = 'e2e-demo-password-1';

export interface ServerProcess {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:41234/ */
  url: string;
  port: number;
  /** Everything the process wrote on stdout and stderr. */
  logPath: string;
  dataDir: string;
  proc: ChildProcess;
  /** Sends the signal (SIGTERM by default) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stop() and remove the temporary folder (data and log). */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Run with --demo (default true). */
  demo?: boolean;
  /** Reuse a data folder (default: a new temporary one). */
  dataDir?: string;
  /** Arguments instead of `serve [--demo]`. */
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Waits for a child to exit (resolves at once if it already has). */
export function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Runs `node bin/hamrah.mjs …args` to completion and returns its exit code and output. */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'hamrah.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const { code } = await exited(proc);
  clearTimeout(timer);
  return { code, output };
}

/**
 * Starts a real `hamrah serve --demo` process on a free port (PORT=0) with a temporary PGlite data
 * folder and HAMRAH_DEMO_PASSWORD=DEMO_PASSWORD, its stdout and stderr captured in one log file,
 * and resolves once /readyz answers 200.
 */
export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hamrah-server-'));
  const dataDir = opts.dataDir ?? path.join(base, 'data');
  const logPath = path.join(base, 'server.log');
  const fd = fs.openSync(logPath, 'a');
  const args = opts.args ?? ['serve', ...(opts.demo === false ? [] : ['--demo'])];
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'hamrah.mjs'), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      HAMRAH_DATA_DIR: dataDir,
      HAMRAH_DEMO_PASSWORD: DEMO_PASSWORD,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  const exit = exited(proc);

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    const result = await exit;
    clearTimeout(timer);
    return result;
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  let port = 0;
  let ready = false;
  try {
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`hamrah ${args.join(' ')} exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${tail(logPath)}`);
      if (!port) {
        const m = /Hamrah is running at http:\/\/[^:]+:(\d+)\//.exec(fs.readFileSync(logPath, 'utf8'));
        if (m) port = Number(m[1]);
      }
      if (port) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        if (res?.status === 200) {
          await res.arrayBuffer();
          ready = true;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!ready) throw new Error(`hamrah did not become ready in time:\n${tail(logPath)}`);
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    logPath,
    dataDir,
    proc,
    stop,
    async dispose() {
      await stop();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
