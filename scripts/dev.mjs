#!/usr/bin/env node
// `npm run dev`: the API server in demo mode (PORT, default 8080) and the Vite dev server with hot
// reload (http://localhost:5173, proxying /api to the server). Ctrl-C stops both.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT } from './web-build.mjs';

const port = process.env.PORT ?? '8080';
const children = [
  spawn(process.execPath, [path.join(ROOT, 'bin', 'hamrah.mjs'), 'serve', '--demo', '--port', port], { cwd: ROOT, stdio: 'inherit' }),
  spawn(path.join(ROOT, 'node_modules', '.bin', 'vite'), [], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, HAMRAH_API: `http://localhost:${port}` },
  }),
];
let exiting = false;
const stopAll = (signal) => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(signal));
for (const c of children) {
  c.on('exit', (code) => {
    if (exiting) return;
    exiting = true;
    stopAll('SIGTERM');
    process.exitCode = code ?? 1;
  });
}
