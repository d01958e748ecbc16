/**
 * The import pipeline, independent of what is imported: read → map → validate every row (report
 * naming row and field) → drop rows already stored (idempotent re-import) → write, either all rows
 * or none (`all`), or the valid ones (`valid`).
 *
 * Writing: on PostgreSQL the whole write is one transaction (other connections, e.g. progress
 * updates, carry on beside it). On PGlite a transaction blocks the only connection, so the rows go
 * in chunks of their own transactions; when a chunk fails or the job is cancelled, the rows the
 * earlier chunks wrote are removed again (adapter.remove), so nothing stays half-written.
 */
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client';
import type { AuthContext } from '../server/context';
import { fieldIssue, invalid, sqlStateOf } from '../server/errors';
import { englishOf, msg, type Message, type MessageCode, type MessageParams } from '../shared/messages';
import { compileMapping } from './mapping';
import { openTabular, type FileFormat, type TabularOptions } from './source';
import type { GroupRow, ImportAdapter } from './types';

/** Rows per insert statement: PostgreSQL writes in one transaction beside other connections; PGlite's chunks each hold its only connection. */
const WRITE_CHUNK_PG = 25_000;
const WRITE_CHUNK_PGLITE = 20_000;
/** Large statements (and their triggers' transition tables) stay in memory instead of temporary files. */
const WORK_MEM = sql`set local work_mem = '64MB'`;

export interface ImportIssue {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
  /** Adapter field key. */
  field: string;
  /** The file's column that fed the field, when there is one. */
  column: string | null;
  /** Message code (src/shared/messages.ts) and parameters: the web app shows them in the reader's language. */
  code: MessageCode;
  params?: MessageParams;
  /** The English sentence of code and params. */
  message: string;
  /** Joined Kobo/ODK workbooks: the sheet whose row `row` is (absent otherwise). */
  sheet?: string;
  /** `warning`: the row is imported anyway (e.g. a possible duplicate); absent: an error. */
  severity?: 'warning';
}

/** A message as a report stores it: code, parameters and the English sentence. */
const reportOf = (m: Message): Pick<ImportIssue, 'code' | 'params' | 'message'> => ({ code: m.code, ...(m.params ? { params: m.params } : {}), message: englishOf(m) });

export interface ImportSummary {
  /** Data rows read (blank rows not counted). */
  rows: number;
  /** Rows that passed validation and are not stored yet. */
  valid: number;
  /** Rows with at least one problem. */
  invalid: number;
  /** Valid rows already stored (a re-import): skipped. */
  existing: number;
  /** Rows written by this run. */
  inserted: number;
  /** Warnings on valid rows (ImportSession.warnings); they do not stop the import. */
  warnings?: number;
}

export type ImportPhase = 'validating' | 'checking' | 'writing';
export type ProgressFn = (phase: ImportPhase, done: number, total: number) => void | Promise<void>;

export interface RunImportOptions {
  database: Database;
  adapter: ImportAdapter<unknown>;
  auth: AuthContext;
  /** The importing user (creator of the rows). */
  userId: string | null;
  operationId: string;
  /** The import batch (passed on to the adapter's scope). */
  batch?: { id: string; name: string };
  bytes: Uint8Array;
  format: FileFormat;
  mapping: Record<string, string | null | undefined>;
  /** all = nothing unless every row is valid; valid = the valid rows. */
  mode: 'all' | 'valid';
  /** false: validate only (the report), nothing written. */
  commit: boolean;
  onProgress?: ProgressFn;
  throwIfCancelled?: () => void;
  /** Issues kept in the report (all are counted). */
  maxIssues?: number;
  /** Runs in the last write transaction (batch bookkeeping, audit), after the rows went in. */
  finish?: (tx: Tx, summary: ImportSummary) => Promise<void>;
}

export interface ImportRun {
  summary: ImportSummary;
  issues: ImportIssue[];
  issueCount: number;
  /** validated: report only; rejected: mode all and some rows invalid, nothing written; committed: written. */
  outcome: 'validated' | 'rejected' | 'committed';
}

/** Reads the header row and nothing else. */
export async function readHeaders(bytes: Uint8Array, format: FileFormat, opts: TabularOptions = {}): Promise<{ headers: string[]; estimatedRows: number; sample: string[][] }> {
  const tab = await openTabular(bytes, format, opts);
  const sample: string[][] = [];
  for await (const b of tab.batches()) {
    for (const r of b.rows) if (r.length > 1 || (r[0] ?? '') !== '') if (sample.length < 5) sample.push(r);
    break;
  }
  return { headers: tab.headers, estimatedRows: tab.estimatedRows, sample };
}

/** In a joined workbook, the sheet of the column mapped to a field: the main sheet's columns come first. */
function sheetOfField(headers: readonly string[], sheets: { main: string; repeat: string; mainColumns: number }, columnOf: (field: string) => string | null) {
  return (field: string): string | null => {
    const column = columnOf(field);
    if (column === null) return null;
    let index = headers.indexOf(column);
    // A select_multiple field mapped to its 0/1 option columns' common base.
    if (index < 0) index = headers.findIndex((h) => h.length > column.length && h.startsWith(column) && '/.:_'.includes(h[column.length]));
    return index >= 0 && index < sheets.mainColumns ? sheets.main : sheets.repeat;
  };
}

export async function runImport(o: RunImportOptions): Promise<ImportRun> {
  const { database, adapter } = o;
  const maxIssues = o.maxIssues ?? 10_000;
  const tab = await openTabular(o.bytes, o.format, { joinRepeats: adapter.joinRepeatSheets });
  const mapper = compileMapping(tab.headers, adapter.fields, o.mapping);
  if (mapper.problems.length) throw invalid(mapper.problems.map((p) => fieldIssue(`mapping.${p.field}`, p)), 'The column mapping is not complete.');
  const sheets = tab.sheets ? { main: tab.sheets.main, repeat: tab.sheets.repeat, of: sheetOfField(tab.headers, tab.sheets, mapper.columnOf) } : undefined;
  const session = await adapter.begin({ tx: database.db, database, auth: o.auth, operationId: o.operationId, userId: o.userId, batch: o.batch, ...(sheets ? { sheets } : {}) });
  const progress = o.onProgress ?? (() => {});
  const cancelled = o.throwIfCancelled ?? (() => {});

  const issues: ImportIssue[] = [];
  let issueCount = 0;
  // Rows with a problem; in a joined workbook the same number may be a row of either sheet.
  const badRows = new Set<number | string>();
  const rowId = (row: number, sheet?: string) => (sheet === undefined ? row : `${sheet}\u0000${row}`);
  const addIssue = (row: number, field: string, m: Message, sheet?: string, countRow = true) => {
    if (countRow) badRows.add(rowId(row, sheet));
    issueCount++;
    if (issues.length < maxIssues) issues.push({ row, field, column: mapper.columnOf(field), ...reportOf(m), ...(sheet === undefined ? {} : { sheet }) });
  };

  type Accepted = { row: number; sheet?: string; rec: unknown; key: string };
  const writeChunk = adapter.writeChunkSize ?? (database.kind === 'postgres' ? WRITE_CHUNK_PG : WRITE_CHUNK_PGLITE);
  const checkChunk = adapter.chunkSize ?? 5000;
  const finish = o.finish ?? (async () => {});
  /** Orders a part's records for writing (adapter.writeOrder), stable. */
  const ordered = (recs: unknown[]) => {
    const order = adapter.writeOrder;
    if (!order) return recs;
    const keyed = recs.map((rec) => ({ rec, k: order(rec) }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    return keyed.map((x) => x.rec);
  };
  // The order of progress phases stays validating → checking → writing, even when they overlap.
  let phaseAt = 0;
  const PHASES: ImportPhase[] = ['validating', 'checking', 'writing'];
  const report = async (phase: ImportPhase, done: number, total: number) => {
    const at = PHASES.indexOf(phase);
    if (at < phaseAt) return;
    phaseAt = at;
    await progress(phase, done, total);
  };

  /**
   * PostgreSQL, a commit of an ungrouped kind without warnings: the file is checked and written
   * part by part while the rest is still being validated (the server works in its own process),
   * in the one transaction of the import. A mode `all` import with invalid rows stops writing at
   * the first one and rolls back at the end, so it still writes nothing.
   */
  const grouped = session.groupKey && session.validateGroup ? new Map<string, GroupRow[]>() : null;
  const streamed = o.commit && database.kind === 'postgres' && !grouped && !session.warnings ? { tx: null as Tx | null } : null;
  const summary: ImportSummary = { rows: 0, valid: 0, invalid: 0, existing: 0, inserted: 0, ...(session.warnings ? { warnings: 0 } : {}) };
  let readDone = false;
  let accepted = 0;
  let checked = 0;
  let written = 0;
  let failure: { error: unknown } | null = null;
  let busy = 0;
  let toCheck: Accepted[] = [];
  let toWrite: unknown[] = [];
  let checking: Promise<void> = Promise.resolve();
  let writing: Promise<void> = Promise.resolve();
  const fail = (error: unknown) => {
    failure ??= { error };
  };
  const rethrow = () => {
    const f = failure as { error: unknown } | null;
    if (f) throw f.error;
  };
  const writeAllowed = () => o.mode !== 'all' || badRows.size === 0;
  const startWrite = (recs: unknown[]) => {
    if (!writeAllowed()) return;
    busy++;
    const count = recs.length;
    // Let go of the records once they are handed over (the session may be done with them long
    // before its insert is: they need not live on until then).
    let part: unknown[] | null = recs;
    const go = async () => {
      if (failure) return;
      const given = part!;
      part = null;
      // Read the count before adding: parts may be under way together (queuesInserts).
      const n = await session.insert(streamed!.tx!, ordered(given), { overlap: true });
      summary.inserted += n;
      written += count;
      if (readDone && checked === accepted) await report('writing', written, summary.valid);
    };
    // A session that queues its inserts gets this part now (see ImportSession.queuesInserts);
    // the others once the part before is written.
    const now = session.queuesInserts ? go() : null;
    now?.catch(() => {});
    writing = writing
      .then(() => now ?? go())
      .catch(fail)
      .finally(() => busy--);
  };
  const startCheck = () => {
    const part = toCheck;
    toCheck = [];
    busy++;
    checking = checking
      .then(async () => {
        if (failure) return;
        const found = await session.existing(database.db, part.map((r) => r.rec));
        for (const r of part) {
          const e = found.get(r.key);
          if (!e) {
            summary.valid++;
            toWrite.push(r.rec);
          } else if (e.same) summary.existing++;
          else addIssue(r.row, e.field, e, r.sheet);
        }
        checked += part.length;
        if (readDone) await report('checking', checked, accepted);
        while (toWrite.length >= writeChunk) startWrite(toWrite.splice(0, writeChunk));
      })
      .catch(fail)
      .finally(() => busy--);
  };
  /** Lets the server's answers in while parts are being checked or written; a failed part stops the reading. */
  const pause = async () => {
    if (busy) await new Promise<void>((resolve) => setImmediate(resolve));
    rethrow();
  };

  // 1. Validate every row (or, for grouped kinds, gather the rows and validate each group).
  let records: Accepted[] = [];
  const firstRowOf = new Map<string, number>();
  const accept = (row: number, rec: unknown, sheet?: string) => {
    const key = session.key(rec);
    const earlier = firstRowOf.get(key);
    if (earlier !== undefined) {
      addIssue(row, adapter.fields[0]?.key ?? '', msg('import.duplicateRow', { row: earlier }), sheet);
      return;
    }
    firstRowOf.set(key, row);
    const r: Accepted = { row, rec, key, ...(sheet === undefined ? {} : { sheet }) };
    accepted++;
    if (!streamed) records.push(r);
    else {
      toCheck.push(r);
      if (toCheck.length >= checkChunk) startCheck();
    }
  };
  const validateAll = async () => {
    let rows = 0;
    const total = Math.max(1, tab.estimatedRows);
    for await (const batch of tab.batches()) {
      cancelled();
      for (let i = 0; i < batch.rows.length; i++) {
        if (streamed && (i & 255) === 255) await pause();
        const cells = batch.rows[i];
        if (cells.length === 0 || (cells.length === 1 && cells[0] === '') || cells.every((c) => c === '')) continue;
        const row = batch.first + i;
        rows++;
        if (grouped) {
          const values = mapper.map(cells);
          const g = session.groupKey!(values) ?? `\u0000${rowId(row, batch.sheet)}`;
          const entry: GroupRow = { row, values };
          if (batch.sheet !== undefined) entry.sheet = batch.sheet;
          const mainRow = batch.mainRows?.[i];
          if (mainRow !== undefined) entry.mainRow = mainRow;
          const list = grouped.get(g);
          if (list) list.push(entry);
          else grouped.set(g, [entry]);
          continue;
        }
        let bad = false;
        const rec = session.validate(mapper.map(cells), (field, message) => {
          bad = true;
          addIssue(row, field, message);
        });
        if (bad || rec === null) {
          if (!bad) addIssue(row, '', msg('import.rowInvalid'));
          continue;
        }
        accept(row, rec);
      }
      await report('validating', Math.min(rows, total), Math.max(total, rows));
    }
    if (grouped)
      for (const list of grouped.values()) {
        let bad = false;
        // A group with a problem counts all its rows as invalid (below), not the rows its issues name
        // (a head of household's problem may name the main sheet's row of a joined workbook).
        const rec = session.validateGroup!(list, (row, field, message, sheet) => {
          bad = true;
          addIssue(row, field, message, sheet, false);
        });
        if (bad || rec === null) {
          if (!bad) addIssue(list[0].row, '', msg('import.recordInvalid'), list[0].sheet, false);
          for (const r of list) badRows.add(rowId(r.row, r.sheet));
          continue;
        }
        accept(list[0].row, rec, list[0].sheet);
      }
    summary.rows = rows;
    await report('validating', rows, rows);
  };

  if (streamed) {
    const rejected = new Error('rejected');
    try {
      await database.db.transaction(async (tx) => {
        await tx.execute(WORK_MEM);
        streamed.tx = tx as unknown as Tx;
        try {
          await validateAll();
          readDone = true;
          if (toCheck.length) startCheck();
          await report('checking', checked, accepted);
          await checking;
          rethrow();
          if (toWrite.length) startWrite(toWrite.splice(0));
          if (summary.valid && writeAllowed()) await report('writing', written, summary.valid);
          // A session that queues its inserts has been given every part by now: it settles (works
          // out and queues what its inserts left) while the server is still on the last parts.
          const settling = session.queuesInserts ? session.settle?.() : undefined;
          settling?.catch(() => {});
          await writing;
          rethrow();
          if (settling) await settling;
          else await session.settle?.();
        } catch (err) {
          // Nothing may use the transaction once it is gone: let the parts under way end first.
          fail(err);
          await checking;
          await writing;
          // Work a part's insert left running may have failed first; the statements after it then
          // only report that the transaction is aborted (SQLSTATE 25P02).
          const first = await (session.settle?.() ?? Promise.resolve()).then(
            () => null,
            (e: unknown) => e,
          );
          throw first && sqlStateOf(err) === '25P02' ? first : err;
        }
        summary.invalid = badRows.size;
        if (!writeAllowed()) throw rejected;
        await finish(tx as unknown as Tx, summary);
      });
    } catch (err) {
      if (err !== rejected) throw err;
      summary.inserted = 0;
      issues.sort((a, b) => a.row - b.row);
      return { summary, issues, issueCount, outcome: 'rejected' };
    }
    issues.sort((a, b) => a.row - b.row);
    return { summary, issues, issueCount, outcome: 'committed' };
  }

  await validateAll();

  // 2. Rows already stored: the same ones are skipped, different ones are errors.
  const fresh: typeof records = [];
  for (let i = 0; i < records.length; i += checkChunk) {
    cancelled();
    const part = records.slice(i, i + checkChunk);
    const found = await session.existing(database.db, part.map((r) => r.rec));
    for (const r of part) {
      const e = found.get(r.key);
      if (!e) fresh.push(r);
      else if (e.same) summary.existing++;
      else addIssue(r.row, e.field, e, r.sheet);
    }
    await report('checking', Math.min(i + checkChunk, records.length), records.length);
  }
  records = fresh;
  // Warnings on what would be written (possible duplicates …): reported, not blocking.
  if (session.warnings && records.length) {
    cancelled();
    const recordOf = new Map(records.map((r) => [r.key, r]));
    for (const w of await session.warnings(database.db, records.map((r) => r.rec))) {
      summary.warnings!++;
      issueCount++;
      const sheet = w.row !== undefined ? w.sheet : recordOf.get(w.key)?.sheet;
      if (issues.length < maxIssues) issues.push({ row: w.row ?? recordOf.get(w.key)?.row ?? 0, field: w.field, column: mapper.columnOf(w.field), ...reportOf(w), ...(sheet === undefined ? {} : { sheet }), severity: 'warning' });
    }
  }
  issues.sort((a, b) => a.row - b.row);
  summary.valid = records.length;
  summary.invalid = badRows.size;
  if (!o.commit) return { summary, issues, issueCount, outcome: 'validated' };
  if (o.mode === 'all' && badRows.size > 0) return { summary, issues, issueCount, outcome: 'rejected' };

  // 3. Write. Few large statements: tables may carry statement-level triggers (the flows dashboard
  // rollups refresh the weeks a statement touched), so each statement has a fixed cost.
  const recs = ordered(records.map((r) => r.rec));
  if (recs.length) await report('writing', 0, recs.length);
  if (database.kind === 'postgres') {
    await database.db.transaction(async (tx) => {
      await tx.execute(WORK_MEM);
      for (let i = 0; i < recs.length; i += writeChunk) {
        cancelled();
        summary.inserted += await session.insert(tx as unknown as Tx, recs.slice(i, i + writeChunk));
        await report('writing', Math.min(i + writeChunk, recs.length), recs.length);
      }
      await finish(tx as unknown as Tx, summary);
    });
  } else {
    const written: unknown[][] = [];
    try {
      for (let i = 0; i < recs.length; i += writeChunk) {
        cancelled();
        const part = recs.slice(i, i + writeChunk);
        summary.inserted += await database.db.transaction(async (tx) => {
          await tx.execute(WORK_MEM);
          return session.insert(tx as unknown as Tx, part);
        });
        written.push(part);
        await report('writing', Math.min(i + writeChunk, recs.length), recs.length);
      }
      await database.db.transaction((tx) => finish(tx as unknown as Tx, summary));
    } catch (err) {
      for (const part of written) await database.db.transaction((tx) => session.remove(tx as unknown as Tx, part));
      throw err;
    }
  }
  return { summary, issues, issueCount, outcome: 'committed' };
}

export type { AuthContext };
