/**
 * The contract between the generic import pipeline (src/imports) and a module that accepts bulk
 * rows (flows counts and surveys, mobility assessments, households …). A module writes one
 * `ImportAdapter` per kind and adds it to src/modules/imports/adapters.ts; the pipeline does the
 * rest: reading CSV/XLSX, Kobo/ODK column shapes, mapping suggestions, the validation report,
 * all-or-nothing or valid-rows-only commits, idempotency, progress, audit.
 */
import type { Database, Tx } from '../db/client';
import type { AuthContext } from '../server/context';
import type { Permission } from '../server/permissions';
import type { Message } from '../shared/messages';

export interface ImportField {
  /** Stable key, e.g. `groupSize`; mapping and report name fields by it. */
  key: string;
  /** English label (the web app shows a translation when it has one for `imports.field.<key>`). */
  label: string;
  required?: boolean;
  /**
   * select_multiple: the values come space-separated in one column (`documents` = "por tazkira"),
   * or as one 0/1 column per option (`documents/por`, `documents/tazkira`): the pipeline turns
   * either shape into a string[].
   */
  multiple?: boolean;
  /** Allowed values (select_one / select_multiple), shown in the UI; they also find 0/1 option columns. */
  options?: readonly string[];
  /** Other header names meaning this field, compared without group prefixes, case and punctuation. */
  aliases?: readonly string[];
  description?: string;
  /**
   * This field is the once-per-record counterpart of the field `twinOf` (e.g. the head of
   * household's given name asked in a Kobo form's main part, beside the members' given name in its
   * repeat group). When the same question appears under two groups of the file (`head/sex` and
   * `members/sex`), the mapping suggestion gives the first to this field and the second to the twin,
   * provided this happens for at least one required twin (src/imports/mapping.ts).
   */
  twinOf?: string;
}

/**
 * One row after mapping: trimmed strings for single fields (absent when the cell is empty) and
 * string[] for `multiple` fields. `_row` is the spreadsheet row number (the header is row 1).
 */
export type MappedRow = Record<string, string | string[] | undefined>;

/**
 * Reports one problem of the current row: `field` is an adapter field key, the problem a message
 * code with its parameters (`msg('cell.notYesNo', { value })`, src/shared/messages.ts): the report
 * keeps both, so each reader sees it in their own language.
 */
export type IssueSink = (field: string, message: Message) => void;

export interface ImportScope {
  /** Read what validation needs (sites, gazetteer, today): no writes here. */
  tx: Tx;
  /** The importing user: the session must apply the same scope as entering the rows by hand. */
  auth: AuthContext;
  operationId: string;
  /** Recorded as the creator of the rows written. */
  userId: string | null;
  /** The database the run writes to (e.g. to refresh in-process caches such as lookup indexes). */
  database: Database;
  /** The import batch being run (id and file name), when the run belongs to one. */
  batch?: { id: string; name: string };
  /**
   * A Kobo/ODK workbook read joined with its repeat sheet (ImportAdapter.joinRepeatSheets): the two
   * sheets' names, and the sheet of the column mapped to a field (null when the field is not mapped).
   */
  sheets?: { main: string; repeat: string; of(field: string): string | null };
}

/** One row of a group (see ImportSession.groupKey): its spreadsheet row number and mapped values. */
export interface GroupRow {
  row: number;
  values: MappedRow;
  /** Joined workbooks: the sheet `row` is a row of (the repeat sheet; the main sheet for a submission without repeat entries). */
  sheet?: string;
  /** Joined workbooks: the row of the entry's submission in the main sheet. */
  mainRow?: number;
}

/** Reports one problem of a row of the group being validated (`sheet`: which sheet's row, in a joined workbook). */
export type GroupIssueSink = (row: number, field: string, message: Message, sheet?: string) => void;

/** A warning about a valid record (it is still imported): shown in the report beside the errors. */
export interface ImportWarning extends Message {
  /** The record's key (ImportSession.key). */
  key: string;
  /** The row to name; default the record's first row. */
  row?: number;
  /** The sheet of `row` (joined workbooks). */
  sheet?: string;
  field: string;
}

/** What already exists for a record's natural key. */
export type Existing = { same: true } | ({ same: false; field: string; /** The row to name (default the record's first row), and its sheet. */ row?: number; sheet?: string } & Message);

export interface ImportSession<R> {
  /** Converts and checks one row; reports each problem through `issue`; null when the row is invalid. */
  validate(row: MappedRow, issue: IssueSink): R | null;
  /**
   * Several rows make one record (e.g. one row per person with a household key): rows with the
   * same group key are gathered, in file order, and validated together by `validateGroup`
   * (instead of `validate`); null puts a row in a group of its own. A group with a problem is
   * left out as a whole: all its rows count as invalid.
   */
  groupKey?(row: MappedRow): string | null;
  validateGroup?(rows: GroupRow[], issue: GroupIssueSink): R | null;
  /** The natural key of a record (its id, or e.g. site + date + direction): a later duplicate in the file is an error. */
  key(record: R): string;
  /**
   * Of these valid records, those whose key is already stored: `same` ones were imported before
   * (skipped, counted as existing); the others are errors on their row.
   */
  existing(tx: Tx, records: R[]): Promise<Map<string, Existing>>;
  /**
   * Warnings about valid records that are not stored yet (e.g. possible duplicates of each other or
   * of stored records), checked once over all of them before the commit. They do not stop the
   * import; `insert` may act on them (the session can keep what it found).
   */
  warnings?(tx: Tx, records: R[]): Promise<ImportWarning[]>;
  /**
   * Inserts the records with multi-row statements; returns how many rows were written. With
   * `overlap` (a PostgreSQL import writing its parts in one transaction) the session may leave
   * work that follows its statement (e.g. keeping rollups) running on `tx` after it returns, so
   * that the next part's insert is sent meanwhile; the pipeline then calls `settle` before the
   * commit.
   */
  insert(tx: Tx, records: R[], opts?: { overlap?: boolean }): Promise<number>;
  /**
   * With `overlap`, the pipeline may call `insert` again before the previous call resolved (the
   * next part is then made ready, its statement built, while the server is still on the one
   * before), and `settle` as soon as the last part is handed over: the session sends its
   * statements on `tx` in the order of the calls.
   */
  queuesInserts?: boolean;
  /** Waits for the work `insert` left running (see `overlap`); throws its first error. */
  settle?(): Promise<void>;
  /**
   * Deletes records this commit inserted (by key). Needed when commits are chunked (PGlite) and a
   * later chunk fails: the pipeline removes what the earlier chunks wrote, so nothing stays half-written.
   */
  remove(tx: Tx, records: R[]): Promise<void>;
}

export interface ImportAdapter<R = unknown> {
  /** e.g. `flows.surveys`; module prefix first. */
  kind: string;
  label: string;
  /** Route-level permission to import this kind (object scope is checked per row by validate). */
  permission: Permission;
  fields: readonly ImportField[];
  /** Loads, once per run, what validation needs (sites the user reaches, gazetteer, today's date). */
  begin(scope: ImportScope): Promise<ImportSession<R>>;
  /**
   * Write order (e.g. date then site): each insert statement then touches few periods, which keeps
   * statement-level triggers (rollups of the touched weeks) cheap. Default: file order.
   */
  writeOrder?: (record: R) => string;
  /** Kobo/ODK XLSX with a repeat group: read the main sheet joined with the repeat sheet (src/imports/source.ts). */
  joinRepeatSheets?: boolean;
  /**
   * Records per insert call (default 25,000 on PostgreSQL, 20,000 on PGlite, where each call is
   * its own transaction). A kind whose records are large (a household writes six tables) takes
   * smaller steps, so the progress moves while it writes.
   */
  writeChunkSize?: number;
  /** Records per existence check (default 5,000); inserts go in larger statements (src/imports/pipeline.ts). */
  chunkSize?: number;
  /**
   * Tables to `VACUUM (ANALYZE)` after a commit that wrote rows, on PGlite only: it has no
   * autovacuum, and index-only reads (the flows dashboard's covering indexes) need the visibility
   * map a vacuum sets. PostgreSQL's autovacuum does this by itself.
   */
  tidyTables?: readonly string[];
}
