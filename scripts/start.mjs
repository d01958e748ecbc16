#!/usr/bin/env node
// `npm start`: builds the web app if needed, then runs `hamrah serve --demo` on the local PGlite folder.
// Extra arguments go to `hamrah serve` (e.g. `npm start -- --port 9000`).
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, ensureWebBuild, webBuildStatus } from './web-build.mjs';

try {
  if (!webBuildStatus().buildable) process.stderr.write('No web app found in web/: starting the API only.\n');
  else await ensureWebBuild();
} catch (err) {
  process.stderr.write(`npm start: ${err.message}\n`);
  process.exit(1);
}

const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hamrah.mjs'), 'serve', '--demo', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  process.stderr.write(`npm start: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGKILL: 9 }[signal] ?? 1));
  process.exit(code ?? 1);
});
