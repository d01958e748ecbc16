/**
 * Logical backup and restore that work on PGlite and PostgreSQL alike, and across them.
 *
 * File format (gzip of UTF-8 JSON lines):
 *   line 1        header: { format: 'hamrah-backup', version: 1, createdAt, source, migrations,
 *                 tables: [{ name, rows }], sequences: [{ table, column, value }] }
 *   then          for each table of the header, in that order (foreign-key dependency order),
 *                 exactly `rows` lines, each one row as `row_to_json`
 *   last line     trailer: { hamrahBackupEnd: true, rows: <total> }
 *
 * The dump is read in one REPEATABLE READ, READ ONLY transaction (a consistent snapshot) through a
 * cursor, so memory stays flat whatever the size. Restore runs in ONE transaction: a corrupt or
 * truncated file leaves the target as it was. Row JSON is never parsed in JavaScript: lines are
 * handed to `json_populate_recordset` as text, so bigints and numerics keep every digit.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { sql } from 'drizzle-orm';
import type { Database, Tx } from './client';
import { migrate } from './migrate';

export const BACKUP_FORMAT = 'hamrah-backup';
export const BACKUP_VERSION = 1;
const MIGRATIONS_TABLE = 'hamrah_migrations';
const FETCH_ROWS = 1000;
const INSERT_ROWS = 1000;
const INSERT_BYTES = 4 * 1024 * 1024;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: { kind: Database['kind']; server: string };
  migrations: string[];
  tables: { name: string; rows: number }[];
  sequences: { table: string; column: string; value: string | null }[];
}

export interface BackupProgress {
  phase: 'backup' | 'restore';
  table: string;
  /** Rows done in this table, and in the table in all. */
  done: number;
  total: number;
  /** Rows done over all tables, and in all. */
  allDone: number;
  allTotal: number;
}

export interface BackupSummary {
  file: string;
  tables: { name: string; rows: number }[];
  rows: number;
  bytes: number;
  ms: number;
}

export interface RestoreOptions {
  /** Replace the data of a database that is not empty (truncates every table first). */
  force?: boolean;
  onProgress?: (p: BackupProgress) => void;
}

/** A backup that cannot be made or restored, with a message meant for the operator. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const ident = (name: string) => '"' + name.replace(/"/g, '""') + '"';

async function q<T = Record<string, unknown>>(tx: Tx, text: string | ReturnType<typeof sql>): Promise<T[]> {
  const res = (await tx.execute(typeof text === 'string' ? sql.raw(text) : text)) as unknown as { rows: T[] };
  return res.rows;
}

/** Tables of the public schema (partition parents, not partitions), without the migrations ledger. */
async function listTables(tx: Tx): Promise<string[]> {
  const rows = await q<{ name: string }>(
    tx,
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname <> '${MIGRATIONS_TABLE}' order by c.relname`,
  );
  return rows.map((r) => r.name);
}

/** Orders tables so that every table comes after the tables its foreign keys point at. */
async function dependencyOrder(tx: Tx, tables: string[]): Promise<string[]> {
  const edges = await q<{ child: string; parent: string }>(
    tx,
    `select distinct c.relname as child, p.relname as parent
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid join pg_namespace cn on cn.oid = c.relnamespace
       join pg_class p on p.oid = k.confrelid join pg_namespace pn on pn.oid = p.relnamespace
      where k.contype = 'f' and cn.nspname = 'public' and pn.nspname = 'public'`,
  );
  const deps = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (e.child !== e.parent && deps.has(e.child) && deps.has(e.parent)) deps.get(e.child)!.add(e.parent);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t) === 'done' || state.get(t) === 'visiting') return; // a cycle: keep going, name order decides
    state.set(t, 'visiting');
    for (const p of [...deps.get(t)!].sort()) visit(p);
    state.set(t, 'done');
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

interface SequenceRef {
  table: string;
  column: string;
  /** Qualified sequence name for setval(). */
  sequence: string;
}

/** Sequences behind serial and identity columns of public tables. */
async function ownedSequences(tx: Tx): Promise<SequenceRef[]> {
  const rows = await q<{ tbl: string; col: string; seq: string }>(
    tx,
    `select t.relname as tbl, a.attname as col, quote_ident(sn.nspname) || '.' || quote_ident(s.relname) as seq
       from pg_class s
       join pg_namespace sn on sn.oid = s.relnamespace
       join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
       join pg_class t on t.oid = d.refobjid
       join pg_namespace tn on tn.oid = t.relnamespace
       join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and d.deptype in ('a', 'i') and tn.nspname = 'public'
      order by 1, 2`,
  );
  return rows.filter((r) => r.tbl !== MIGRATIONS_TABLE).map((r) => ({ table: r.tbl, column: r.col, sequence: r.seq }));
}

async function appliedMigrations(tx: Tx): Promise<string[]> {
  const exists = await q<{ ok: boolean }>(tx, `select to_regclass('public.${MIGRATIONS_TABLE}') is not null as ok`);
  if (!exists[0]?.ok) return [];
  return (await q<{ tag: string }>(tx, `select tag from ${MIGRATIONS_TABLE} order by tag`)).map((r) => r.tag);
}

async function write(out: NodeJS.WritableStream, text: string, failed: Promise<never>): Promise<void> {
  if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
}

/**
 * Writes a backup of every table to `file` (gzip, JSON lines). The file appears only when the
 * dump is complete: it is written beside it under a `.partial` name and renamed at the end.
 */
export async function backupDatabase(
  database: Database,
  file: string,
  opts: { onProgress?: (p: BackupProgress) => void } = {},
): Promise<BackupSummary> {
  const started = Date.now();
  const target = path.resolve(file);
  const partial = `${target}.partial`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const gzip = zlib.createGzip({ level: 6 });
  const fileOut = fs.createWriteStream(partial);
  const finished = new Promise<void>((resolve, reject) => {
    fileOut.on('finish', resolve);
    fileOut.on('error', reject);
    gzip.on('error', reject);
  });
  finished.catch(() => {}); // observed below; avoids an unhandled rejection while we still write
  const failed = finished.then(() => new Promise<never>(() => {}));
  failed.catch(() => {});
  gzip.pipe(fileOut);
  let summary: Omit<BackupSummary, 'bytes' | 'ms'>;
  try {
    summary = await database.db.transaction(
      async (tx) => {
        const migrations = await appliedMigrations(tx);
        if (!migrations.length)
          throw new BackupError('This database has no Hamrah migrations applied: there is nothing to back up (run "hamrah migrate" first?).');
        const order = await dependencyOrder(tx, await listTables(tx));
        const tables: { name: string; rows: number }[] = [];
        for (const name of order) {
          const [c] = await q<{ n: string }>(tx, `select count(*)::text as n from ${ident(name)}`);
          tables.push({ name, rows: Number(c.n) });
        }
        const sequences: BackupHeader['sequences'] = [];
        for (const s of await ownedSequences(tx)) {
          const [v] = await q<{ v: string | null }>(tx, `select case when is_called then last_value::text end as v from ${s.sequence}`);
          sequences.push({ table: s.table, column: s.column, value: v?.v ?? null });
        }
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date().toISOString(),
          source: { kind: database.kind, server: (await q<{ v: string }>(tx, `select current_setting('server_version') as v`))[0].v },
          migrations,
          tables,
          sequences,
        };
        await write(gzip, JSON.stringify(header) + '\n', failed);
        const allTotal = tables.reduce((a, t) => a + t.rows, 0);
        let allDone = 0;
        for (const t of tables) {
          let done = 0;
          opts.onProgress?.({ phase: 'backup', table: t.name, done, total: t.rows, allDone, allTotal });
          await tx.execute(sql.raw(`declare hamrah_backup no scroll cursor for select row_to_json(t)::text as j from ${ident(t.name)} t`));
          for (;;) {
            const batch = await q<{ j: string }>(tx, `fetch ${FETCH_ROWS} from hamrah_backup`);
            if (!batch.length) break;
            await write(gzip, batch.map((r) => r.j).join('\n') + '\n', failed);
            done += batch.length;
            allDone += batch.length;
            opts.onProgress?.({ phase: 'backup', table: t.name, done, total: t.rows, allDone, allTotal });
          }
          await tx.execute(sql.raw('close hamrah_backup'));
          if (done !== t.rows) throw new BackupError(`Table ${t.name} changed during the backup (${t.rows} rows counted, ${done} read).`);
        }
        await write(gzip, JSON.stringify({ hamrahBackupEnd: true, rows: allDone }) + '\n', failed);
        return { file: target, tables, rows: allDone };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    gzip.end();
    await finished;
    fs.renameSync(partial, target);
  } catch (err) {
    gzip.destroy();
    fileOut.destroy();
    fs.rmSync(partial, { force: true });
    throw err;
  }
  return { ...summary, bytes: fs.statSync(target).size, ms: Date.now() - started };
}

/** Lines of a gzip file, decoded as UTF-8, with gzip and read errors surfacing as BackupError. */
async function* readLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip) {
      rest += decoder.write(chunk as Buffer);
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        yield line;
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file|incorrect header check/i.test((err as Error).message))
      throw new BackupError(`${file} is damaged or truncated (${(err as Error).message}); nothing was restored.`);
    throw err;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  rest += decoder.end();
  if (rest.length) yield rest;
}

/** Reads and checks the header of a backup file without restoring it. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const lines = readLines(file);
  try {
    const first = await lines.next();
    return parseHeader(file, first.done ? undefined : first.value);
  } finally {
    await lines.return(undefined);
  }
}

function parseHeader(file: string, line: string | undefined): BackupHeader {
  let header: BackupHeader | undefined;
  try {
    header = line === undefined ? undefined : (JSON.parse(line) as BackupHeader);
  } catch {
    header = undefined;
  }
  if (!header || header.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a Hamrah backup.`);
  if (header.version !== BACKUP_VERSION)
    throw new BackupError(`${file} is a version ${header.version} backup; this Hamrah reads version ${BACKUP_VERSION}.`);
  if (!Array.isArray(header.tables) || !Array.isArray(header.migrations)) throw new BackupError(`${file} has a damaged header.`);
  return header;
}

interface TriggerRef {
  table: string;
  name: string;
  enabled: string;
}

/**
 * Restores `file` into `database`. Migrates the target first; the backup must have been made at the
 * same migration level. Refuses a database that holds any row unless `force`, which empties it.
 * Everything happens in one transaction, with the target's own triggers (e.g. the append-only
 * guard on audit_log) switched off for its duration and back on before commit.
 */
export async function restoreDatabase(database: Database, file: string, opts: RestoreOptions = {}) {
  const started = Date.now();
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  const header = await readBackupHeader(file);
  await migrate(database);

  return database.db.transaction(async (tx) => {
    const targetMigrations = await appliedMigrations(tx);
    const missing = targetMigrations.filter((m) => !header.migrations.includes(m));
    const unknown = header.migrations.filter((m) => !targetMigrations.includes(m));
    if (unknown.length)
      throw new BackupError(
        `The backup was made by a newer Hamrah (migrations ${unknown.join(', ')} are unknown here). Restore it with that version or later.`,
      );
    if (missing.length)
      throw new BackupError(
        `The backup was made by an older Hamrah (it lacks migrations ${missing.join(', ')}). Restore it with the version that made it, then upgrade.`,
      );

    const tables = await listTables(tx);
    const absent = header.tables.filter((t) => !tables.includes(t.name)).map((t) => t.name);
    if (absent.length) throw new BackupError(`The backup has tables this database does not: ${absent.join(', ')}.`);

    const nonEmpty: string[] = [];
    for (const t of tables) {
      const [r] = await q<{ any: boolean }>(tx, `select exists (select 1 from ${ident(t)}) as any`);
      if (r.any) nonEmpty.push(t);
    }
    if (nonEmpty.length && !opts.force)
      throw new BackupError(
        `The target database is not empty (rows in ${nonEmpty.slice(0, 5).join(', ')}${nonEmpty.length > 5 ? ', …' : ''}). ` +
          `Restoring replaces all of its data: add --force to do that.`,
      );

    // Switch off the target's own triggers (by name, so that they come back exactly as they were).
    const triggers = await q<TriggerRef>(
      tx,
      `select c.relname as "table", g.tgname as name, g.tgenabled as enabled
         from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and not g.tgisinternal and g.tgenabled <> 'D'`,
    );
    for (const t of triggers) await tx.execute(sql.raw(`alter table ${ident(t.table)} disable trigger ${ident(t.name)}`));

    if (nonEmpty.length) await tx.execute(sql.raw(`truncate ${tables.map(ident).join(', ')} restart identity`));

    const columns = new Map<string, string[]>();
    for (const r of await q<{ tbl: string; col: string }>(
      tx,
      `select c.relname as tbl, a.attname as col from pg_attribute a
         join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        order by c.relname, a.attnum`,
    )) {
      if (!columns.has(r.tbl)) columns.set(r.tbl, []);
      columns.get(r.tbl)!.push(r.col);
    }

    const allTotal = header.tables.reduce((a, t) => a + t.rows, 0);
    let allDone = 0;
    const lines = readLines(file);
    try {
      await lines.next(); // the header, read above
      for (const t of header.tables) {
        const cols = columns.get(t.name)!.map(ident).join(', ');
        const insert = (json: string) =>
          tx.execute(
            sql`${sql.raw(`insert into ${ident(t.name)} (${cols}) overriding system value select ${cols} from json_populate_recordset(null::${ident(t.name)}, `)}${json}${sql.raw('::json)')}`,
          );
        let done = 0;
        let batch: string[] = [];
        let bytes = 0;
        const flush = async () => {
          if (!batch.length) return;
          try {
            await insert('[' + batch.join(',') + ']');
          } catch (err) {
            throw new BackupError(`Rows ${done + 1}–${done + batch.length} of table ${t.name} cannot be restored: ${(err as Error).message}. Nothing was restored.`);
          }
          done += batch.length;
          allDone += batch.length;
          batch = [];
          bytes = 0;
          opts.onProgress?.({ phase: 'restore', table: t.name, done, total: t.rows, allDone, allTotal });
        };
        opts.onProgress?.({ phase: 'restore', table: t.name, done, total: t.rows, allDone, allTotal });
        for (let i = 0; i < t.rows; i++) {
          const next = await lines.next();
          if (next.done) throw new BackupError(`${file} is truncated: it ends inside table ${t.name}. Nothing was restored.`);
          const line = next.value;
          if (!line.startsWith('{')) throw new BackupError(`${file} is damaged: row ${i + 1} of table ${t.name} is not a JSON object. Nothing was restored.`);
          batch.push(line);
          bytes += line.length;
          if (batch.length >= INSERT_ROWS || bytes >= INSERT_BYTES) await flush();
        }
        await flush();
      }
      const end = await lines.next();
      let trailer: { hamrahBackupEnd?: boolean; rows?: number } | undefined;
      try {
        trailer = end.done ? undefined : JSON.parse(end.value);
      } catch {
        trailer = undefined;
      }
      if (!trailer?.hamrahBackupEnd) throw new BackupError(`${file} is truncated or damaged: its end marker is missing. Nothing was restored.`);
      if (trailer.rows !== allDone) throw new BackupError(`${file} is damaged: ${trailer.rows} rows announced, ${allDone} found. Nothing was restored.`);
    } finally {
      await lines.return(undefined);
    }

    // Sequences: past the largest restored value, and never behind where they stood in the source.
    const saved = new Map(header.sequences?.map((s) => [`${s.table}.${s.column}`, s.value]) ?? []);
    for (const s of await ownedSequences(tx)) {
      const [m] = await q<{ v: string | null }>(tx, `select max(${ident(s.column)})::text as v from ${ident(s.table)}`);
      const candidates = [m?.v, saved.get(`${s.table}.${s.column}`)].filter((v): v is string => v != null).map((v) => BigInt(v));
      const value = candidates.length ? candidates.reduce((a, b) => (a > b ? a : b)) : null;
      if (value === null || value < 1n) await tx.execute(sql.raw(`select setval('${s.sequence.replace(/'/g, "''")}', 1, false)`));
      else await tx.execute(sql.raw(`select setval('${s.sequence.replace(/'/g, "''")}', ${value.toString()}, true)`));
    }

    for (const t of triggers) {
      const mode = t.enabled === 'A' ? 'always ' : t.enabled === 'R' ? 'replica ' : '';
      await tx.execute(sql.raw(`alter table ${ident(t.table)} enable ${mode}trigger ${ident(t.name)}`));
    }
    return { tables: header.tables, rows: allDone, replaced: nonEmpty.length > 0, ms: Date.now() - started, header };
  });
}
