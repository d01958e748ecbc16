import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { writeXlsx } from '../../imports/testing';
import { XLSX_MIME } from '../../imports/source';
import { auditLog } from '../access/schema';
import { flowCounts, flowSurveys } from '../flows/schema';
import { importFile, tidyAfterImport } from './service';
import { rows, type Tx } from '../../db/client';

/** A Kobo-style survey export: group prefixes, _uuid, _submission_time, documents as 0/1 option columns, reasons space-separated. */
const SURVEY_HEADER = [
  'start', 'g_intro/bcp', 'g_intro/direction', 'g_resp/respondent_sex', 'g_resp/age_band', 'g_group/group_size', 'g_group/men', 'g_group/women', 'g_group/boys', 'g_group/girls',
  'g_origin/origin_country', 'g_origin/origin_pcode', 'g_docs/documents/por', 'g_docs/documents/acc', 'g_docs/documents/passport', 'g_docs/documents/tazkira', 'g_docs/documents/amayesh', 'g_docs/documents/none',
  'g_reasons/reasons', 'g_dest/intended_stay', 'g_dest/destination_adm2', 'g_needs/needs', 'consent', '_uuid', '_submission_time',
];
const uuid = (n: number) => `0b5e6c2a-4f1d-4c3e-9a7b-${String(n).padStart(12, '0')}`;
function surveyRow(n: number, over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    start: '2024-05-02T08:00:00.000+04:30', 'g_intro/bcp': n % 2 ? 'BCP-TORKHAM' : 'Spin Boldak', 'g_intro/direction': 'inflow', 'g_resp/respondent_sex': n % 3 ? 'female' : 'm',
    'g_resp/age_band': '25-34', 'g_group/group_size': '4', 'g_group/men': '1', 'g_group/women': '1', 'g_group/boys': '1', 'g_group/girls': '1',
    'g_origin/origin_country': 'Pakistan', 'g_origin/origin_pcode': 'PK528', 'g_docs/documents/por': '1', 'g_docs/documents/acc': '0', 'g_docs/documents/passport': '0',
    'g_docs/documents/tazkira': '1', 'g_docs/documents/amayesh': '0', 'g_docs/documents/none': '0', 'g_reasons/reasons': 'deportation fear_of_arrest', 'g_dest/intended_stay': 'ge1y',
    'g_dest/destination_adm2': 'AF0601', 'g_needs/needs': 'shelter cash', consent: 'yes', _uuid: uuid(n), _submission_time: '2024-05-02T10:11:12',
  };
  const r = { ...base, ...over };
  return SURVEY_HEADER.map((h) => r[h]);
}
const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

describe.each(BACKENDS)('bulk import on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let enumerator: Agent;
  let admin: Agent;
  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    enumerator = await t.as('enumerator');
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  const upload = (agent: Agent, kind: string, body: string | Uint8Array, type = 'text/csv', fileName = 'export.csv') =>
    agent.request({ method: 'POST', url: `/api/v1/imports?operation=AFG&kind=${kind}&fileName=${fileName}`, payload: Buffer.from(body), headers: { 'content-type': type } });
  const settle = async (agent: Agent, id: string) => {
    await runner.drain();
    return (await agent.get(`/api/v1/imports/${id}`)).json();
  };
  const surveys = async () => Number((await t.db.database.db.select({ n: sql<number>`count(*)::int` }).from(flowSurveys))[0].n);

  const good = [1, 2, 3, 4, 5].map((n) => surveyRow(n));
  const bad = [
    surveyRow(6, { consent: 'no' }),
    surveyRow(7, { 'g_intro/bcp': 'BCP-ISLAM-QALA' }),
    surveyRow(8, { 'g_docs/documents/amayesh': '1', 'g_group/girls': '2' }),
    surveyRow(9, { 'g_intro/direction': 'sideways', 'g_dest/destination_adm2': 'AF9999', _submission_time: '2099-01-01T00:00:00' }),
  ];
  const file = csv([SURVEY_HEADER, ...good, ...bad]);

  it('suggests a mapping for a Kobo export, reports every problem by row and field, and writes nothing in all-or-nothing mode', async () => {
    const up = await upload(enumerator, 'flows.surveys', file);
    expect(up.statusCode, up.body).toBe(201);
    const batch = up.json();
    expect(batch).toMatchObject({ status: 'uploaded', format: 'csv', estimatedRows: 9 });
    expect(batch.suggestedMapping).toMatchObject({
      site: 'g_intro/bcp',
      direction: 'g_intro/direction',
      respondentSex: 'g_resp/respondent_sex',
      respondentAgeBand: 'g_resp/age_band',
      groupSize: 'g_group/group_size',
      documents: 'g_docs/documents',
      reasons: 'g_reasons/reasons',
      destinationAdm2: 'g_dest/destination_adm2',
      consent: 'consent',
      id: '_uuid',
      date: '_submission_time',
    });
    const v = await enumerator.post(`/api/v1/imports/${batch.id}/validate`, { mapping: batch.suggestedMapping });
    expect(v.statusCode, v.body).toBe(202);
    expect(v.json().status).toBe('validating');
    const done = await settle(enumerator, batch.id);
    expect(done.status).toBe('validated');
    expect(done.job).toMatchObject({ status: 'succeeded', progress: { done: 9, total: 9 } });
    expect(done.summary).toEqual({ rows: 9, valid: 5, invalid: 4, existing: 0, inserted: 0 });
    // The status sentence in English, and as message codes with parameters for the web's languages.
    expect(done).toMatchObject({ message: '4 of 9 rows have problems.', messageParts: [{ code: 'batch.problems', params: { invalid: 4, rows: 9 } }] });
    expect(done.job.messageParts).toEqual(done.messageParts);
    const where = done.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`).sort();
    expect(where).toEqual(['10:date', '10:destinationAdm2', '10:direction', '7:consent', '8:site', '9:documents', '9:men'].sort());
    expect(done.issues.find((i: { row: number }) => i.row === 8)).toMatchObject({ column: 'g_intro/bcp', message: expect.stringContaining('BCP-ISLAM-QALA') });

    const all = await enumerator.post(`/api/v1/imports/${batch.id}/commit`, { mode: 'all' });
    expect(all.statusCode, all.body).toBe(202);
    const rejected = await settle(enumerator, batch.id);
    expect(rejected.status).toBe('failed');
    expect(rejected.message).toMatch(/Nothing was written/);
    expect(rejected.messageParts).toEqual([{ code: 'batch.rejected', params: { invalid: 4, rows: 9 } }]);
    expect(await surveys()).toBe(0);

    const valid = await enumerator.post(`/api/v1/imports/${batch.id}/commit`, { mode: 'valid' });
    expect(valid.statusCode).toBe(202);
    const committed = await settle(enumerator, batch.id);
    expect(committed).toMatchObject({ status: 'committed', summary: { rows: 9, valid: 5, invalid: 4, inserted: 5 } });
    expect(committed).toMatchObject({ message: '5 rows added, 4 invalid left out.', messageParts: [{ code: 'batch.addedInvalid', params: { inserted: 5, invalid: 4 } }] });
    const page = (await enumerator.get('/api/v1/imports?operation=AFG&kind=flows.surveys')).json();
    expect(page.items.find((i: { id: string }) => i.id === batch.id).messageParts).toEqual(committed.messageParts);
    expect(await surveys()).toBe(5);
    const listed = (await enumerator.get('/api/v1/flows/surveys?operation=AFG&limit=100')).json();
    expect(listed.total).toBe(5);
    const one = (await enumerator.get(`/api/v1/flows/surveys/${uuid(1)}`)).json();
    expect(one).toMatchObject({ siteCode: 'BCP-TORKHAM', direction: 'in', respondentSex: 'f', documents: ['por', 'tazkira'], reasons: ['deportation', 'fear_of_arrest'], destinationAdm1: 'AF06', date: '2024-05-02' });
    const audits = await t.db.database.db.select().from(auditLog).where(eq(auditLog.entityId, batch.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['import.commit', 'import.commit_requested', 'import.commit_requested', 'import.upload']);
    // Committed: the batch cannot run again.
    const twice = await enumerator.post(`/api/v1/imports/${batch.id}/commit`, { mode: 'valid' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'CONFLICT', message: 'The import has been committed already.', messageCode: 'conflict.importCommitted' });
    expect(twice.json().error.messageParams).toBeUndefined();
    // An imported survey re-sent through the API with the same id and answers is recognised.
    const again = await enumerator.post('/api/v1/flows/surveys', { ...one, siteId: one.siteId, operationId: 'AFG', id: uuid(1), createdAt: undefined, siteCode: undefined });
    expect(again.statusCode, again.body).toBe(200);
  });

  it('re-importing the same file adds nothing; a longer export adds only its new rows', async () => {
    const up = (await upload(enumerator, 'flows.surveys', file)).json();
    expect(up.duplicateOf).not.toBeNull();
    await enumerator.post(`/api/v1/imports/${up.id}/commit`, { mode: 'valid', mapping: up.suggestedMapping });
    const same = await settle(enumerator, up.id);
    expect(same.status).toBe('unchanged');
    expect(same).toMatchObject({ message: `This file was imported before (import ${up.duplicateOf}); nothing was added.`, messageParts: [{ code: 'batch.importedBefore', params: { batch: up.duplicateOf } }] });
    expect(same.summary).toMatchObject({ existing: 5, inserted: 0 });
    expect(await surveys()).toBe(5);

    const longer = csv([SURVEY_HEADER, ...good, surveyRow(10), surveyRow(11, { _uuid: '' })]);
    const b = (await upload(enumerator, 'flows.surveys', longer)).json();
    expect(b.duplicateOf).toBeNull();
    await enumerator.post(`/api/v1/imports/${b.id}/commit`, { mode: 'all', mapping: b.suggestedMapping });
    expect(await settle(enumerator, b.id)).toMatchObject({
      status: 'committed',
      summary: { rows: 7, existing: 5, inserted: 2 },
      message: '2 rows added, 5 already stored.',
      messageParts: [{ code: 'batch.addedExisting', params: { inserted: 2, existing: 5 } }],
    });
    // Without _uuid the row's id is derived from its answers: the same row again is not new.
    const c = (await upload(enumerator, 'flows.surveys', csv([SURVEY_HEADER, surveyRow(11, { _uuid: '' }), surveyRow(12)]))).json();
    await enumerator.post(`/api/v1/imports/${c.id}/commit`, { mode: 'all', mapping: c.suggestedMapping });
    expect(await settle(enumerator, c.id)).toMatchObject({ status: 'committed', summary: { rows: 2, existing: 1, inserted: 1 }, messageParts: [{ code: 'batch.addedOneExisting', params: { inserted: 1, existing: 1 } }] });
    expect(await surveys()).toBe(8);
  });

  it('imports counts from XLSX (shared and inline strings, numbers, dates) with the hand-entry rules', async () => {
    const header = ['Date', 'BCP', 'Direction', 'Total', 'Men', 'Women', 'Boys', 'Girls', 'Afghan', 'Other nationality', 'Deported', 'Spontaneous', 'Other reason', 'Notes'];
    const rows = [
      header,
      [{ date: '2023-03-01' }, 'BCP-TORKHAM', 'in', 100, 40, 30, 20, 10, 100, 0, 60, 40, 0, { inline: 'a & b <c>' }],
      [{ date: '2023-03-01' }, 'BCP-TORKHAM', 'out', 50, 20, 10, 10, 10, 50, 0, null, null, null, null],
      [{ date: '2023-03-02' }, 'BCP-SPIN-BOLDAK', 'in', 10, 5, 5, 0, 0, 10, 0, 5, 5, 0, null],
      [{ date: '2023-03-02' }, 'BCP-SPIN-BOLDAK', 'in', 10, 5, 5, 0, 0, 10, 0, 5, 5, 0, 'twice'],
      [{ date: '2023-03-03' }, 'BCP-TORKHAM', 'in', 10, 5, 5, 0, 0, 10, 0, 5, 4, 0, null],
    ];
    const xlsx = writeXlsx(rows);
    const up = await upload(admin, 'flows.counts', xlsx, XLSX_MIME, 'counts.xlsx');
    expect(up.statusCode, up.body).toBe(201);
    const b = up.json();
    expect(b.format).toBe('xlsx');
    expect(b.sample[0][0]).toBe('2023-03-01');
    expect(b.suggestedMapping).toMatchObject({ date: 'Date', site: 'BCP', otherNationality: 'Other nationality', otherReason: 'Other reason', notes: 'Notes' });
    await admin.post(`/api/v1/imports/${b.id}/commit`, { mode: 'valid', mapping: b.suggestedMapping });
    const done = await settle(admin, b.id);
    expect(done.status).toBe('committed');
    expect(done.summary).toMatchObject({ rows: 5, valid: 3, invalid: 2, inserted: 3 });
    expect(done.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`)).toEqual(['5:site', '6:deported']);
    expect(done.issues[0].message).toMatch(/row 4/);
    const stored = await t.db.database.db.select().from(flowCounts).where(eq(flowCounts.date, '2023-03-01'));
    expect(stored.map((c) => [c.direction, c.total, c.deported, c.status, c.version, c.notes]).sort()).toEqual([
      ['in', 100, 60, 'draft', 1, 'a & b <c>'],
      ['out', 50, null, 'draft', 1, null],
    ]);
    // The enumerator cannot import counts at Islam Qala, and other figures for a stored key are an error.
    const mine = writeXlsx([header, [{ date: '2023-03-01' }, 'BCP-ISLAM-QALA', 'in', 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, null], [{ date: '2023-03-01' }, 'BCP-TORKHAM', 'in', 101, 41, 30, 20, 10, 101, 0, 61, 40, 0, null]]);
    const e = (await upload(enumerator, 'flows.counts', mine, XLSX_MIME, 'mine.xlsx')).json();
    await enumerator.post(`/api/v1/imports/${e.id}/validate`, { mapping: e.suggestedMapping });
    const report = await settle(enumerator, e.id);
    expect(report.issues.map((i: { row: number; field: string }) => `${i.row}:${i.field}`)).toEqual(['2:site', '3:date']);
    expect(report.issues[1].message).toMatch(/already stored/);
  });

  it('importFile (CLI, benchmarks) runs the same pipeline in-process with progress', async () => {
    const phases = new Set<string>();
    const rows = [SURVEY_HEADER, ...[20, 21, 22].map((n) => surveyRow(n))];
    const res = await importFile(t.db.database, 'enumerator', 'flows.surveys', Buffer.from(csv(rows)), { operation: 'AFG', mode: 'all', fileName: 'cli.csv' }, (phase) => {
      phases.add(phase);
    });
    expect(res).toMatchObject({ status: 'committed', summary: { rows: 3, inserted: 3 } });
    expect([...phases]).toEqual(['validating', 'checking', 'writing']);
    const again = await importFile(t.db.database, 'enumerator', 'flows.surveys', Buffer.from(csv(rows)), { operation: 'AFG', mode: 'all', fileName: 'cli.csv' });
    expect(again).toMatchObject({ status: 'unchanged', summary: { inserted: 0, existing: 3 } });
  });

  it('after a survey import, vacuums the survey tables on PGlite (no autovacuum) and leaves PostgreSQL to its autovacuum', async () => {
    const res = await importFile(t.db.database, 'enumerator', 'flows.surveys', Buffer.from(csv([SURVEY_HEADER, ...[30, 31].map((n) => surveyRow(n))])), { operation: 'AFG', mode: 'all', fileName: 'tidy.csv' });
    expect(res).toMatchObject({ status: 'committed', summary: { inserted: 2 } });
    const visible = async () => {
      const [r] = await rows<{ n: number }>(t.db.database.db as unknown as Tx, sql`select relallvisible as n from pg_class where relname = 'flow_surveys'`);
      return Number(r.n);
    };
    const tidied = await tidyAfterImport(t.db.database, 'flows.surveys');
    if (backend === 'pglite') {
      expect(tidied).toEqual(['flow_surveys', 'flow_dash_answers']);
      expect(await visible()).toBeGreaterThan(0);
    } else {
      expect(tidied).toEqual([]);
    }
    expect(await tidyAfterImport(t.db.database, 'people.households')).toEqual([]);
  });

  it('names a job\'s status sentences by code: cancelled before it started, and the 409 of cancelling it again', async () => {
    const b = (await upload(enumerator, 'flows.surveys', csv([SURVEY_HEADER, surveyRow(40)]))).json();
    const queued = (await enumerator.post(`/api/v1/imports/${b.id}/validate`, { mapping: b.suggestedMapping })).json();
    const busy = await enumerator.post(`/api/v1/imports/${b.id}/commit`, { mode: 'all' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error).toMatchObject({ message: 'The import is validating; wait for it to finish.', messageCode: 'conflict.importValidating' });
    const cancel = await enumerator.post(`/api/v1/jobs/${queued.job.id}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', message: 'Cancelled before it started.', messageParts: [{ code: 'job.cancelledBeforeStart' }] });
    const again = await enumerator.post(`/api/v1/jobs/${queued.job.id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ message: 'The job has already cancelled.', messageCode: 'conflict.jobCancelled' });
  });

  it('a validation or commit cancelled before its job ran leaves the batch cancelled, to be validated and committed again', async () => {
    const b = (await upload(enumerator, 'flows.surveys', csv([SURVEY_HEADER, surveyRow(50), surveyRow(51)]))).json();
    const queued = (await enumerator.post(`/api/v1/imports/${b.id}/validate`, { mapping: b.suggestedMapping })).json();
    expect(queued).toMatchObject({ status: 'validating', job: { status: 'queued' } });
    expect((await enumerator.post(`/api/v1/jobs/${queued.job.id}/cancel`)).statusCode).toBe(200);
    // The batch is left as a cancelled run leaves it, with the job's sentence, by code too.
    const cancelled = (await enumerator.get(`/api/v1/imports/${b.id}`)).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'Cancelled before it started.', messageParts: [{ code: 'job.cancelledBeforeStart' }], job: { status: 'cancelled' } });
    const validate = await enumerator.post(`/api/v1/imports/${b.id}/validate`, { mapping: b.suggestedMapping });
    expect(validate.statusCode, validate.body).toBe(202);
    expect(await settle(enumerator, b.id)).toMatchObject({ status: 'validated', summary: { rows: 2, valid: 2 } });
    // The same for a commit still queued.
    const commit = (await enumerator.post(`/api/v1/imports/${b.id}/commit`, { mode: 'all' })).json();
    expect(commit).toMatchObject({ status: 'committing', job: { status: 'queued' } });
    expect((await enumerator.post(`/api/v1/jobs/${commit.job.id}/cancel`)).statusCode).toBe(200);
    expect((await enumerator.get(`/api/v1/imports/${b.id}`)).json()).toMatchObject({ status: 'cancelled', messageParts: [{ code: 'job.cancelledBeforeStart' }] });
    const before = await surveys();
    const again = await enumerator.post(`/api/v1/imports/${b.id}/commit`, { mode: 'all' });
    expect(again.statusCode, again.body).toBe(202);
    expect(await settle(enumerator, b.id)).toMatchObject({ status: 'committed', summary: { rows: 2, inserted: 2 } });
    expect(await surveys()).toBe(before + 2);
  });

  it('refuses uploads that are not tables, unknown kinds, and other people\'s imports', async () => {
    expect((await upload(enumerator, 'flows.surveys', '')).statusCode).toBe(400);
    expect((await upload(enumerator, 'flows.nothing', 'a,b\n1,2\n')).statusCode).toBe(400);
    const broken = await upload(enumerator, 'flows.surveys', Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3]), XLSX_MIME, 'x.xlsx');
    expect(broken.statusCode).toBe(400);
    const mine = (await upload(enumerator, 'flows.surveys', file)).json();
    expect((await admin.get(`/api/v1/imports/${mine.id}`)).statusCode).toBe(404);
    const missing = await enumerator.post(`/api/v1/imports/${mine.id}/validate`, { mapping: { site: 'nope' } });
    expect(missing.statusCode).toBe(202);
    const failed = await settle(enumerator, mine.id);
    expect(failed.status).toBe('failed');
    expect(failed.job.status).toBe('failed');
    expect(failed.job.result.fields.map((f: { path: string }) => f.path)).toContain('mapping.site');
    // The job's failure is the batch's message, named by its code too.
    expect(failed).toMatchObject({ message: 'The column mapping is not complete.', messageParts: [{ code: 'batch.mappingIncomplete' }] });
    expect(failed.job.messageParts).toEqual([{ code: 'batch.mappingIncomplete' }]);
  });
});
