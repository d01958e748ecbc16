import { Command, Option } from 'commander';
import { loadConfig } from '../server/config';
import { openConfigured, prepareDatabase } from '../server/bootstrap';
import { serve } from './serve';
import { seedDemo, seedDemoData } from '../modules/demo/seed';
import { seedFlowsDemo } from '../modules/flows/demo';
import { seedFlowAlertsDemo } from '../modules/flows/alerts-demo';
import { seedMobilityDemo } from '../modules/mobility/demo';
import { registerUserCommands } from './user';
import { registerBackupCommands } from './backup';
import { registerExportCommands } from './export';
import { registerImportCommand } from './import';
import { registerDedupCommand } from './dedup';
import { registerPprlCommands } from './pprl';
import { DataDirLockedError } from '../db/lock';

const program = new Command();
program
  .name('hamrah')
  .description('Hamrah: operations platform for mobility crises.\nDatabase: DATABASE_URL=postgres://… or the PGlite folder HAMRAH_DATA_DIR (default ./.hamrah).')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the server (migrates the database first)')
  .option('--demo', 'demo mode: create demo users on an empty database and let them log in')
  .addOption(new Option('-p, --port <port>', 'port to listen on').env('PORT'))
  .action(async (opts: { demo?: boolean; port?: string }) => {
    const config = loadConfig();
    if (opts.port) config.port = Number(opts.port);
    await serve(config, { demo: !!opts.demo });
  });

program
  .command('migrate')
  .description('Apply pending database migrations and load reference data')
  .action(async () => {
    const database = await openConfigured(loadConfig());
    try {
      const { migrations } = await prepareDatabase(database);
      console.log(migrations.length ? `Applied: ${migrations.join(', ')}` : 'Database is up to date.');
    } finally {
      await database.close();
    }
  });

program
  .command('demo')
  .description('Load the demo data: organisations, one user per persona, DTM flows and alerts, mobility rounds, the people registry')
  .action(async () => {
    const config = loadConfig();
    const database = await openConfigured(config);
    try {
      await prepareDatabase(database);
      const { created } = await database.db.transaction((tx) => seedDemo(tx, config.demoPassword));
      await database.db.transaction((tx) => seedFlowsDemo(tx));
      await database.db.transaction((tx) => seedFlowAlertsDemo(tx));
      await database.db.transaction((tx) => seedMobilityDemo(tx));
      const { people } = await database.db.transaction((tx) => seedDemoData(tx));
      if (!people.skipped) console.log(`Demo registry: ${people.households} households, ${people.individuals} people (${people.ms} ms)`);
      console.log(created.length ? `Demo users created: ${created.join(', ')} (password "${config.demoPassword}"; they log in only under "serve --demo")` : 'Demo users already exist.');
    } finally {
      await database.close();
    }
  });

registerUserCommands(program);
registerBackupCommands(program);
registerExportCommands(program);
registerImportCommand(program);
registerDedupCommand(program);
registerPprlCommands(program);

export async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`hamrah: ${err.message}\n`);
      process.exit(3);
    }
    process.stderr.write(`hamrah: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

await main(process.argv);
