// Builds the web app (vite build → web/dist) when it is missing or older than its sources.
// Shared by `npm start` (scripts/start.mjs) and the browser tests' setup.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time (ms) under a file or folder; 0 when it does not exist. */
function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder's mtime
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

/** Whether web/dist must be (re)built, and why. `buildable` is false when there is no web app. */
export function webBuildStatus(root = ROOT) {
  const web = path.join(root, 'web');
  const index = path.join(web, 'dist', 'index.html');
  const sources = [path.join(web, 'src'), path.join(web, 'index.html'), path.join(web, 'public'), path.join(root, 'vite.config.ts')];
  const buildable = fs.existsSync(path.join(web, 'index.html')) && fs.existsSync(path.join(web, 'src'));
  if (!buildable) return { buildable, stale: false, reason: 'no web app in web/' };
  if (!fs.existsSync(index)) return { buildable, stale: true, reason: 'web/dist is missing' };
  const built = fs.statSync(index).mtimeMs;
  const newest = Math.max(...sources.map(newestMtime));
  if (newest > built) return { buildable, stale: true, reason: 'web sources changed since the last build' };
  return { buildable, stale: false, reason: 'web/dist is up to date' };
}

/**
 * Runs `vite build` (the local one in node_modules/.bin) if web/dist is missing or stale.
 * Resolves to { built, ms, reason }; rejects when the build fails.
 * `stdio`: 'inherit' (default) shows vite's output; 'stderr' sends it to our stderr; 'ignore'.
 */
export async function ensureWebBuild({ root = ROOT, log = (m) => process.stderr.write(m + '\n'), stdio = 'inherit' } = {}) {
  const status = webBuildStatus(root);
  if (!status.stale) return { built: false, ms: 0, reason: status.reason };
  const vite = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vite.cmd' : 'vite');
  if (!fs.existsSync(vite)) throw new Error(`vite is not installed (${path.relative(root, vite)} is missing); run "npm ci" first.`);
  log(`Building the web app (${status.reason})…`);
  const started = Date.now();
  await new Promise((resolve, reject) => {
    const child = spawn(vite, ['build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: stdio === 'stderr' ? ['ignore', process.stderr, process.stderr] : stdio,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(undefined) : reject(new Error(`vite build failed (${signal ?? `exit code ${code}`}).`)),
    );
  });
  const ms = Date.now() - started;
  log(`Web app built in ${(ms / 1000).toFixed(1)} s.`);
  return { built: true, ms, reason: status.reason };
}
