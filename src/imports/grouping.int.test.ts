/**
 * The pipeline's additions for records made of several rows: grouping rows by a key, warnings
 * beside errors, and Kobo/ODK workbooks whose repeat group is a second sheet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, type TestDatabase } from '../../test/helpers/db';
import type { AuthContext } from '../server/context';
import { runImport } from './pipeline';
import { joinRepeatSheet, openTabular } from './source';
import { writeXlsxSheets } from './testing';
import type { ImportAdapter } from './types';
import { readXlsxSheets } from './xlsx';
import { msg } from '../shared/messages';

interface Family {
  key: string;
  members: string[];
}

/** A toy kind: one row per person with a family key; a family needs exactly one head. */
function familyAdapter(stored: Family[]): ImportAdapter<Family> {
  return {
    kind: 'test.families',
    label: 'Families',
    permission: 'people.write',
    fields: [
      { key: 'family', label: 'Family', required: true, aliases: ['_uuid'] },
      { key: 'name', label: 'Name', required: true },
      { key: 'role', label: 'Role' },
    ],
    async begin() {
      return {
        validate: () => null,
        groupKey: (row) => (typeof row.family === 'string' ? row.family : null),
        validateGroup(rows, issue) {
          for (const r of rows) if (!r.values.name) issue(r.row, 'name', msg('people.nameRequired'));
          const heads = rows.filter((r) => r.values.role === 'head');
          if (heads.length !== 1) issue(rows[0].row, 'role', heads.length ? msg('people.oneHead') : msg('people.headMissing'));
          return { key: String(rows[0].values.family ?? ''), members: rows.map((r) => String(r.values.name ?? '')) };
        },
        key: (f) => f.key,
        existing: async (_tx, list) => new Map(list.filter((f) => stored.some((s) => s.key === f.key)).map((f) => [f.key, { same: true as const }])),
        warnings: async (_tx, list) => list.filter((f) => f.members.includes('Twin')).map((f) => ({ key: f.key, field: 'name', ...msg('people.maybeRegistered', { name: `Family ${f.key}`, household: 'H-1', decision: 'review', score: 0.9 }) })),
        insert: async (_tx, list) => {
          stored.push(...list);
          return list.length;
        },
        remove: async () => {},
      };
    },
  };
}

const auth = { user: { id: 'u' }, grants: [], via: 'token' } as unknown as AuthContext;
const csv = (lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');

describe('grouped imports', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await emptyDatabase('pglite');
  });
  afterAll(() => t.dispose());

  const run = (adapter: ImportAdapter<Family>, bytes: Uint8Array, mode: 'all' | 'valid', commit = true, format: 'csv' | 'xlsx' = 'csv') =>
    runImport({ database: t.database, adapter: adapter as ImportAdapter<unknown>, auth, userId: null, operationId: 'AFG', bytes, format, mapping: { family: format === 'xlsx' ? '_uuid' : 'family', name: 'name', role: 'role' }, mode, commit });

  it('validates the rows of one key together, leaves a bad group out whole, and reports warnings without blocking', async () => {
    const stored: Family[] = [];
    const file = csv(['family,name,role', 'A,Karim,head', 'B,Zahra,head', 'A,Laila,spouse', 'B,,son', 'C,Twin,head', 'A,Omid,son']);
    const all = await run(familyAdapter(stored), file, 'all');
    expect(all.outcome).toBe('rejected');
    expect(all.summary).toMatchObject({ rows: 6, valid: 2, invalid: 2, inserted: 0, warnings: 1 });
    expect(all.issues.filter((i) => !i.severity)).toEqual([{ row: 5, field: 'name', column: 'name', code: 'people.nameRequired', message: 'At least one name (any script) is required.' }]);
    expect(all.issues.find((i) => i.severity === 'warning')).toMatchObject({ row: 6, field: 'name', code: 'people.maybeRegistered', params: { name: 'Family C', household: 'H-1', decision: 'review', score: 0.9 }, message: 'Family C may already be registered in household H-1 (review, score 0.9).' });
    expect(stored).toEqual([]);

    const valid = await run(familyAdapter(stored), file, 'valid');
    expect(valid.outcome).toBe('committed');
    expect(valid.summary.inserted).toBe(2);
    expect(stored).toEqual([
      { key: 'A', members: ['Karim', 'Laila', 'Omid'] },
      { key: 'C', members: ['Twin'] },
    ]);
    // Re-running: the stored groups are existing, the bad one still bad.
    const again = await run(familyAdapter(stored), file, 'valid');
    expect(again.summary).toMatchObject({ existing: 2, inserted: 0, invalid: 2 });
  });

  it('a group with two heads is one problem on its first row', async () => {
    const r = await run(familyAdapter([]), csv(['family,name,role', 'X,Ali,head', 'X,Ahmad,head']), 'all', false);
    expect(r.issues).toEqual([{ row: 2, field: 'role', column: 'role', code: 'people.oneHead', message: 'A household has one head.' }]);
    expect(r.summary.invalid).toBe(2);
  });

  it('joins a Kobo repeat-group sheet to its submissions by _parent_index, or by _submission__uuid', async () => {
    const book = writeXlsxSheets([
      { name: 'household', rows: [['_uuid', 'village', '_index'], ['u-1', 'Kama', 1], ['u-2', 'Behsud', 2], ['u-3', 'Surkh Rod', 3]] },
      { name: 'members', rows: [['name', 'role', '_index', '_parent_index', '_parent_table_name'], ['Karim', 'head', 1, 1, 'household'], ['Laila', 'spouse', 2, 1, 'household'], ['Zahra', 'head', 3, 2, 'household']] },
    ]);
    const sheets = readXlsxSheets(book);
    expect(sheets.map((s) => s.name)).toEqual(['household', 'members']);
    const tab = joinRepeatSheet(sheets)!;
    expect(tab.headers).toEqual(['_uuid', 'village', '_index', 'name', 'role', 'members/_index', '_parent_index', '_parent_table_name']);
    expect(tab.sheets).toEqual({ main: 'household', repeat: 'members', mainColumns: 3 });
    const out: { first: number; rows: string[][] }[] = [];
    for await (const b of tab.batches()) out.push(b);
    expect(out[0]).toEqual({
      first: 2,
      // Each row's submission in the main sheet, so a report can name the main sheet's row.
      sheet: 'members',
      mainRows: [2, 2, 3],
      rows: [
        ['u-1', 'Kama', '1', 'Karim', 'head', '1', '1', 'household'],
        ['u-1', 'Kama', '1', 'Laila', 'spouse', '2', '1', 'household'],
        ['u-2', 'Behsud', '2', 'Zahra', 'head', '3', '2', 'household'],
      ],
    });
    // A submission without repeat entries still comes, numbered as in the main sheet.
    expect(out[1]).toEqual({ first: 4, rows: [['u-3', 'Surkh Rod', '3']], sheet: 'household', mainRows: [4] });

    const byUuid = writeXlsxSheets([
      { name: 'main', rows: [['_uuid', 'village'], ['u-9', 'Kama']] },
      { name: 'people', rows: [['name', '_submission__uuid'], ['Omid', 'u-9']] },
    ]);
    const t2 = joinRepeatSheet(readXlsxSheets(byUuid))!;
    for await (const b of t2.batches()) expect(b.rows).toEqual([['u-9', 'Kama', 'Omid', 'u-9']]);
    // Without the option, and for a workbook without a repeat sheet, the first sheet is read as before.
    expect((await openTabular(book, 'xlsx')).headers).toEqual(['_uuid', 'village', '_index']);
    expect(joinRepeatSheet(readXlsxSheets(writeXlsxSheets([{ name: 'a', rows: [['x']] }, { name: 'b', rows: [['y']] }])))).toBeNull();

    const stored: Family[] = [];
    const r = await run({ ...familyAdapter(stored), joinRepeatSheets: true }, book, 'valid', true, 'xlsx');
    expect(r.summary).toMatchObject({ rows: 4, valid: 2, invalid: 1, inserted: 2 });
    expect(r.issues).toEqual([expect.objectContaining({ row: 4, field: 'name', code: 'people.nameRequired' }), expect.objectContaining({ row: 4, field: 'role' })]);
    // The adapter did not name a sheet: the report names none.
    expect(r.issues.some((i) => 'sheet' in i)).toBe(false);
    expect(stored).toEqual([
      { key: 'u-1', members: ['Karim', 'Laila'] },
      { key: 'u-2', members: ['Zahra'] },
    ]);
  });
});
