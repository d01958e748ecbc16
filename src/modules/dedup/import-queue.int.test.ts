/**
 * Possible duplicates a household import flagged before its commit reach the review queue:
 * open pairs of source "import" naming the batch, with the queue's decide / merge / undo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { householdBody } from '../people/fixtures';
import { unresolvedDuplicates } from './service';

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

describe.each(BACKENDS)('import flags in the review queue on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let registrar: Agent;
  let existing: { id: string; reference: string; members: { id: string }[] };
  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    registrar = await t.as('registrar');
    // "Muhammad Karim Ahmadzai", registered by hand before the import.
    const res = await registrar.post('/api/v1/people/households', householdBody());
    expect(res.statusCode, res.body).toBe(201);
    existing = res.json();
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  type Pair = { idA: string; idB: string; source: string; importBatch: { id: string; name: string } | null; state: string; a: { householdId: string }; b: { householdId: string } };
  const queue = async (): Promise<Pair[]> => {
    const res = await registrar.get('/api/v1/dedup/pairs?operation=AFG&status=open&limit=100');
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };

  it('puts the flagged pairs in the queue with the batch named, counts them as unresolved, and decides, merges and undoes them', async () => {
    const file = csv([
      ['hh_id', 'relationship', 'first_name', 'father_name', 'last_name', 'sex', 'birth_year', 'population_group', 'current_pcode', 'consent'],
      // The head registered by hand, spelled another way; then the same woman twice in the file.
      ['K-1', 'head', 'Mohammad Karim', 'Abdul Rahman', 'Ahmadzai', 'male', '1984', 'deported', 'AF0601', 'yes'],
      ['K-2', 'head', 'Sabira', 'Hamid', 'Noori', 'female', '1975', 'idp', 'AF0601', 'yes'],
      ['K-3', 'head', 'Sabira', 'Hamid', 'Noori', 'female', '1975', 'idp', 'AF0601', 'yes'],
    ]);
    const up = await registrar.request({ method: 'POST', url: '/api/v1/imports?operation=AFG&kind=people.households&fileName=torkham-week-18.csv', payload: Buffer.from(file), headers: { 'content-type': 'text/csv' } });
    expect(up.statusCode, up.body).toBe(201);
    const batch = up.json();
    expect((await registrar.post(`/api/v1/imports/${batch.id}/validate`, { mapping: batch.suggestedMapping })).statusCode).toBe(202);
    await runner.drain();
    const report = (await registrar.get(`/api/v1/imports/${batch.id}`)).json();
    expect(report.summary, JSON.stringify(report.issues)).toMatchObject({ rows: 3, valid: 3, invalid: 0, warnings: 2 });
    expect((await registrar.post(`/api/v1/imports/${batch.id}/commit`, { mode: 'all' })).statusCode).toBe(202);
    await runner.drain();
    expect((await registrar.get(`/api/v1/imports/${batch.id}`)).json().status).toBe('committed');

    // No run of the engine yet: the queue holds the import's two flags, named by the batch.
    const pairs = await queue();
    expect(pairs).toHaveLength(2);
    for (const p of pairs) expect(p).toMatchObject({ source: 'import', importBatch: { id: batch.id, name: 'torkham-week-18.csv' }, state: 'open' });
    const headExisting = existing.members[0].id;
    const registryPair = pairs.find((p) => p.idA === headExisting || p.idB === headExisting)!;
    const batchPair = pairs.find((p) => p !== registryPair)!;
    expect(registryPair).toBeTruthy();
    const imported = registryPair.idA === headExisting ? registryPair.idB : registryPair.idA;

    // Unresolved for other modules (payments) and on the household page.
    const flags = await t.db.database.db.transaction((tx) => unresolvedDuplicates(tx, 'AFG', [headExisting, imported, batchPair.idA, batchPair.idB]));
    expect([...flags.keys()].sort()).toEqual([headExisting, imported, batchPair.idA, batchPair.idB].sort());
    const api = (await registrar.post('/api/v1/dedup/flags', { operationId: 'AFG', individualIds: [imported] })).json();
    expect(api.flagged.map((f: { id: string }) => f.id)).toEqual([imported]);
    expect((await registrar.get(`/api/v1/dedup/households/${existing.id}`)).json().members[headExisting]).toMatchObject({ pairs: 1 });

    // Side by side like any pair.
    const detail = await registrar.get(`/api/v1/dedup/pairs/${batchPair.idA}/${batchPair.idB}`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().pair).toMatchObject({ source: 'import', importBatch: { name: 'torkham-week-18.csv' } });

    // Distinct resolves the flag and the pair leaves the open queue.
    const d = await registrar.post(`/api/v1/dedup/pairs/${batchPair.idA}/${batchPair.idB}/decision`, { decision: 'distinct' });
    expect(d.statusCode, d.body).toBe(200);
    const after = await t.db.database.db.transaction((tx) => unresolvedDuplicates(tx, 'AFG', [batchPair.idA, batchPair.idB]));
    expect(after.size).toBe(0);
    expect((await queue()).map((p) => p.idA)).toEqual([registryPair.idA]);

    // Duplicate merges the imported household into the one registered by hand; undo reopens the pair.
    const m = await registrar.post(`/api/v1/dedup/pairs/${registryPair.idA}/${registryPair.idB}/decision`, { decision: 'duplicate', survivorId: headExisting });
    expect(m.statusCode, m.body).toBe(200);
    const merge = m.json().merge;
    expect(merge).toMatchObject({ survivorId: headExisting, mergedId: imported });
    expect((await t.db.database.db.transaction((tx) => unresolvedDuplicates(tx, 'AFG', [headExisting]))).size).toBe(0);
    expect(await queue()).toHaveLength(0);
    const undo = await registrar.post(`/api/v1/dedup/merges/${merge.id}/undo`);
    expect(undo.statusCode, undo.body).toBe(200);
    const reopened = await queue();
    expect(reopened.map((p) => [p.idA, p.idB, p.source])).toEqual([[registryPair.idA, registryPair.idB, 'import']]);

    // The run list shows the import as a run of trigger "import", in the queue.
    const runs = (await registrar.get('/api/v1/dedup/runs?operation=AFG')).json().items;
    expect(runs).toEqual([expect.objectContaining({ trigger: 'import', status: 'succeeded', current: true })]);

    // A whole-registry run later supersedes the import's pairs; the decision stays.
    const run = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(run.statusCode, run.body).toBe(202);
    await runner.drain();
    const later = await queue();
    expect(later.every((p) => p.source === 'run')).toBe(true);
    expect(later.some((p) => p.idA === batchPair.idA && p.idB === batchPair.idB)).toBe(false);
  });
});
