import type { Config } from '../server/config';
import { buildApp } from '../server/app';
import { startJobRunner } from '../server/jobs';
import { openConfigured, prepareDatabase } from '../server/bootstrap';
import { hasUsers, seedDemo, seedDemoData } from '../modules/demo/seed';
import { PERSONAS } from '../modules/demo/personas';
import { seedFlowsDemo } from '../modules/flows/demo';
import { seedFlowAlertsDemo } from '../modules/flows/alerts-demo';
import { seedMobilityDemo } from '../modules/mobility/demo';
import { ensureNightlyDedup } from '../modules/dedup/run';

export interface ServeOptions {
  demo: boolean;
}

/** Starts Hamrah: database, migrations, (demo data), HTTP. Stops gracefully on SIGINT/SIGTERM. */
export async function serve(config: Config, opts: ServeOptions): Promise<void> {
  const started = Date.now();
  const database = await openConfigured(config);
  await prepareDatabase(database);
  if (opts.demo) {
    const empty = !(await database.db.transaction((tx) => hasUsers(tx)));
    if (empty) {
      process.stderr.write('Empty database: creating demo data…\n');
      await database.db.transaction((tx) => seedDemo(tx, config.demoPassword));
      process.stderr.write('Creating demo DTM flow monitoring data (Jan 2024 – Mar 2025)…\n');
      await database.db.transaction((tx) => seedFlowsDemo(tx));
      await database.db.transaction((tx) => seedFlowAlertsDemo(tx));
      process.stderr.write('Creating demo mobility tracking rounds (baseline over 401 districts, site and flood assessments)…\n');
      await database.db.transaction((tx) => seedMobilityDemo(tx));
      process.stderr.write('Creating the demo people registry (about 2,000 households in AFG and PAK)…\n');
      await database.db.transaction((tx) => seedDemoData(tx));
    }
  }
  const app = await buildApp({ database, config, demoMode: opts.demo });
  await app.listen({ port: config.port, host: config.host });
  // Background jobs (imports, …) run in this process; jobs a dead process left running are recovered first.
  const jobs = await startJobRunner(database, { log: app.log });
  // Nightly deduplication of each operation's registry (see src/modules/dedup/run.ts).
  await ensureNightlyDedup(database);
  const url = `http://localhost:${(app.server.address() as { port: number }).port}/`;
  const lines = [
    '',
    `Hamrah is running at ${url}  (${database.describe}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `API docs: ${url}api/docs`,
  ];
  if (opts.demo) {
    lines.push(`Demo mode. Log in as any of these users with the password "${config.demoPassword}":`);
    lines.push('  ' + PERSONAS.map((p) => p.username).join(', '));
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.hamrah.ready = false;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await jobs.stop();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
