import type { Command } from 'commander';
import { loadConfig } from '../server/config';
import { openConfigured, prepareDatabase } from '../server/bootstrap';
import { createUser, listUsers } from '../modules/access/users';

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openConfigured>>) => Promise<T>): Promise<T> {
  const database = await openConfigured(loadConfig());
  try {
    await prepareDatabase(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('Manage users from the command line');
  user
    .command('create <username>')
    .description('Create a user, optionally with one grant')
    .requiredOption('--name <displayName>', 'display name')
    .option('--password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--role <role>', 'role id for a first grant, e.g. admin')
    .option('--operation <id>', 'operation of the grant (AFG, PAK, IRN)')
    .option('--area <pcode>', 'limit the grant to this area subtree')
    .action(async (username: string, o: { name: string; password?: string; passwordStdin?: boolean; role?: string; operation?: string; area?: string }) => {
      const password = o.passwordStdin ? await readStdin() : o.password;
      if (!password) throw new Error('Give --password or --password-stdin.');
      if (o.role && !o.operation) throw new Error('--role needs --operation.');
      await withDb(async ({ db }) => {
        const u = await db.transaction((tx) =>
          createUser(tx, { userId: null, requestId: 'cli' }, {
            username, displayName: o.name, password,
            grants: o.role ? [{ roleId: o.role, operationId: o.operation!.toUpperCase(), areaPcode: o.area ?? null, organisationId: null }] : [],
          }),
        );
        console.log(`Created user ${u.username} (${u.id}).`);
      });
    });
  user
    .command('list')
    .description('List users and their grants')
    .action(async () => {
      await withDb(async ({ db }) => {
        for (const u of await db.transaction((tx) => listUsers(tx)))
          console.log(`${u.username.padEnd(16)} ${u.disabled ? 'disabled' : 'active  '} ${u.isDemo ? 'demo ' : '     '} ${u.grants.map((g) => `${g.roleId}@${g.operationId}${g.areaPcode ? '/' + g.areaPcode : ''}`).join(', ')}`);
      });
    });
}
