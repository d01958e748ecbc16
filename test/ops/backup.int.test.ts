import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { BACKENDS, createTestDatabase, type Backend, type TestDatabase } from '../helpers/db';
import { backupDatabase, restoreDatabase, BackupError } from '../../src/db/backup';
import { createUser } from '../../src/modules/access/users';
import { audit } from '../../src/server/audit';
import type { Database } from '../../src/db/client';
import { emptyDatabase, snapshot, tempDir } from './support';

const dir = tempDir('backup');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What the lead's migration will add: audit_log refuses UPDATE, DELETE and TRUNCATE. */
async function addAppendOnlyGuard(database: Database) {
  await database.exec(`
    create or replace function test_audit_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$;
    drop trigger if exists test_audit_no_change on audit_log;
    drop trigger if exists test_audit_no_truncate on audit_log;
    create trigger test_audit_no_change before update or delete on audit_log for each row execute function test_audit_append_only();
    create trigger test_audit_no_truncate before truncate on audit_log for each statement execute function test_audit_append_only();`);
}

/** Demo data plus a user, audit rows with awkward content and a session. */
async function seed(database: Database) {
  await database.db.transaction(async (tx) => {
    const u = await createUser(tx, { userId: null, requestId: 'backup-test' }, {
      username: 'backup.tester',
      displayName: 'Zarmina "Backup" \\ Tester — زرمینه',
      password: 'correct-horse-battery',
      grants: [{ roleId: 'viewer', operationId: 'AFG', areaPcode: null, organisationId: null }],
    });
    for (let i = 0; i < 25; i++)
      await audit(tx, { userId: u.id, requestId: `req-${i}` }, {
        action: 'test.event', entityType: 'test', entityId: String(i), operationId: 'AFG',
        details: { i, text: 'line one\nline two\u2028 "quoted" ✓', big: '9007199254740993', nested: { a: [1, 2.5, null] } },
      });
  });
}

async function rowCount(database: Database, table: string): Promise<number> {
  const res = (await database.db.execute(sql.raw(`select count(*)::int as n from "${table}"`))) as unknown as { rows: { n: number }[] };
  return Number(res.rows[0].n);
}

async function totalRows(database: Database): Promise<number> {
  const snap = await snapshot(database);
  return Object.values(snap).reduce((a, r) => a + r.length, 0);
}

describe.each(BACKENDS)('backup and restore on %s', (backend: Backend) => {
  let source: TestDatabase;
  let file: string;
  let sourceSnapshot: Record<string, string[]>;
  /** One empty target shared by the tests where the restore must fail (it stays empty). */
  let failTarget: Awaited<ReturnType<typeof emptyDatabase>>;

  beforeAll(async () => {
    source = await createTestDatabase(backend);
    await seed(source.database);
    await addAppendOnlyGuard(source.database);
    file = path.join(dir, `${backend}.hamrah.gz`);
    const summary = await backupDatabase(source.database, file);
    expect(summary.rows).toBeGreaterThan(1000);
    sourceSnapshot = await snapshot(source.database);
    failTarget = await emptyDatabase(backend);
  });
  afterAll(async () => {
    await source?.dispose();
    await failTarget?.dispose();
  });

  it('writes a gzip of JSON lines with a header, every row, and an end marker', async () => {
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({ format: 'hamrah-backup', version: 1, source: { kind: backend } });
    expect(header.migrations.length).toBeGreaterThan(0);
    const names = header.tables.map((t: { name: string }) => t.name);
    expect(names).not.toContain('hamrah_migrations');
    expect(names.sort()).toEqual(Object.keys(sourceSnapshot).sort());
    // Parents before children: operations before admin_areas, users before grants and audit_log.
    const names2 = header.tables.map((t: { name: string }) => t.name);
    expect(names2.indexOf('operations')).toBeLessThan(names2.indexOf('admin_areas'));
    expect(names2.indexOf('users')).toBeLessThan(names2.indexOf('grants'));
    expect(names2.indexOf('users')).toBeLessThan(names2.indexOf('audit_log'));
    const total = header.tables.reduce((a: number, t: { rows: number }) => a + t.rows, 0);
    expect(lines.length).toBe(total + 2);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ hamrahBackupEnd: true, rows: total });
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });

  it('restores into an empty database with the same rows in every table', async () => {
    const target = await emptyDatabase(backend);
    try {
      const result = await restoreDatabase(target.database, file);
      expect(result.replaced).toBe(false);
      const restored = await snapshot(target.database);
      expect(Object.keys(restored).sort()).toEqual(Object.keys(sourceSnapshot).sort());
      for (const table of Object.keys(sourceSnapshot)) {
        expect(restored[table].length, `rows in ${table}`).toBe(sourceSnapshot[table].length);
        expect(restored[table], `contents of ${table}`).toEqual(sourceSnapshot[table]);
      }
      expect(await rowCount(target.database, 'users')).toBe(14); // 13 personas + backup.tester
      // Sequences continue past the restored rows.
      const before = (await target.database.db.execute(sql`select max(id)::text as m from audit_log`)) as unknown as { rows: { m: string }[] };
      await target.database.db.transaction((tx) => audit(tx, { userId: null, requestId: null }, { action: 'after.restore', entityType: 'test' }));
      const after = (await target.database.db.execute(sql`select max(id)::text as m from audit_log`)) as unknown as { rows: { m: string }[] };
      expect(BigInt(after.rows[0].m)).toBeGreaterThan(BigInt(before.rows[0].m));
    } finally {
      await target.dispose();
    }
  });

  it('refuses a database that is not empty, and leaves it untouched', async () => {
    const target = await createTestDatabase(backend);
    try {
      const before = await snapshot(target.database);
      await expect(restoreDatabase(target.database, file)).rejects.toThrow(/not empty.*--force/s);
      expect(await snapshot(target.database)).toEqual(before);
    } finally {
      await target.dispose();
    }
  });

  it('with force, replaces the data even when audit_log is append-only, and keeps the guard', async () => {
    const target = await createTestDatabase(backend);
    try {
      await seed(target.database); // different users and audit rows than the source
      await addAppendOnlyGuard(target.database);
      const result = await restoreDatabase(target.database, file, { force: true });
      expect(result.replaced).toBe(true);
      expect(await snapshot(target.database)).toEqual(sourceSnapshot);
      // The guard is back on after the restore.
      await expect(target.database.exec(`delete from audit_log`)).rejects.toThrow(/append-only/);
      await expect(target.database.exec(`truncate audit_log`)).rejects.toThrow(/append-only/);
    } finally {
      await target.dispose();
    }
  });

  it('a truncated file fails and leaves the target empty', async () => {
    const bytes = fs.readFileSync(file);
    const cut = path.join(dir, `${backend}-cut.gz`);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(restoreDatabase(failTarget.database, cut)).rejects.toThrow(BackupError);
    expect(await totalRows(failTarget.database)).toBe(0);
  });

  it('a file cut at a line boundary (valid gzip, no end marker) fails and leaves the target empty', async () => {
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const cut = path.join(dir, `${backend}-lines.gz`);
    fs.writeFileSync(cut, zlib.gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    const cutMore = path.join(dir, `${backend}-lines2.gz`);
    fs.writeFileSync(cutMore, zlib.gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n'));
    await expect(restoreDatabase(failTarget.database, cut)).rejects.toThrow(/end marker/);
    expect(await totalRows(failTarget.database)).toBe(0);
    await expect(restoreDatabase(failTarget.database, cutMore)).rejects.toThrow(/truncated/);
    expect(await totalRows(failTarget.database)).toBe(0);
  });

  it('a damaged row fails and leaves the target empty; a file that is not a backup is refused', async () => {
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    lines[lines.length - 3] = '{"id": "not-a-uuid", "broken": ';
    const bad = path.join(dir, `${backend}-bad.gz`);
    fs.writeFileSync(bad, zlib.gzipSync(lines.join('\n') + '\n'));
    const notBackup = path.join(dir, `${backend}-not.gz`);
    fs.writeFileSync(notBackup, 'hello, not gzip at all\n');
    await expect(restoreDatabase(failTarget.database, bad)).rejects.toThrow(/cannot be restored/);
    expect(await totalRows(failTarget.database)).toBe(0);
    await expect(restoreDatabase(failTarget.database, notBackup)).rejects.toThrow(BackupError);
  });

  it('refuses a backup made at another migration level', async () => {
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]);
    header.migrations.push('9999_from_the_future');
    lines[0] = JSON.stringify(header);
    const newer = path.join(dir, `${backend}-newer.gz`);
    fs.writeFileSync(newer, zlib.gzipSync(lines.join('\n') + '\n'));
    await expect(restoreDatabase(failTarget.database, newer)).rejects.toThrow(/newer Hamrah.*9999_from_the_future/);
    expect(await totalRows(failTarget.database)).toBe(0);
  });
});

describe.runIf(BACKENDS.includes('postgres'))('backups cross backends', () => {
  it.each([
    ['pglite', 'postgres'],
    ['postgres', 'pglite'],
  ] as const)('%s → %s round-trips every row', async (from, to) => {
    const source = await createTestDatabase(from);
    const target = await emptyDatabase(to);
    try {
      await seed(source.database);
      const file = path.join(dir, `cross-${from}-${to}.gz`);
      await backupDatabase(source.database, file);
      await restoreDatabase(target.database, file);
      expect(await snapshot(target.database)).toEqual(await snapshot(source.database));
    } finally {
      await source.dispose();
      await target.dispose();
    }
  });
});
