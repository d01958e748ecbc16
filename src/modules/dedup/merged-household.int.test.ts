/** A household merged into another is kept for its history, but writes to it answer HOUSEHOLD_MERGED naming the survivor. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { uuidv7 } from '../../shared/ids';
import { householdBody } from '../people/fixtures';

function respelled() {
  const body = householdBody({ crossingDate: '2025-04-10' }, { givenName: 'Mohammad Karim', givenNameAr: null, fatherName: 'Abdulrahman', documents: [], washingtonGroup: null, specificNeeds: [] });
  return { ...body, members: [body.members[0]] };
}
function stranger(i: number) {
  const names = ['Zarghona', 'Shabnam', 'Nazanin', 'Mursal', 'Parwana', 'Sadaf'];
  const fam = ['Popal', 'Barakzai', 'Stanikzai', 'Wardak', 'Mangal', 'Hotak'];
  const b = householdBody({ currentPcode: 'AF0601' }, { givenName: names[i], fatherName: `Haji ${fam[(i + 3) % 6]}`, familyName: fam[i], givenNameAr: null, sex: 'female', birth: { precision: 'year', value: String(1960 + i * 3) }, phones: [], documents: [] });
  return { ...b, members: [b.members[0]] };
}

describe.each(BACKENDS)('writes to a merged household on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let registrar: Agent;
  const big = householdBody();
  const small = respelled();
  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    registrar = await t.as('registrar');
    for (const b of [big, small, ...Array.from({ length: 6 }, (_, i) => stranger(i))]) {
      const res = await registrar.post('/api/v1/people/households', b);
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  it('answers 409 HOUSEHOLD_MERGED naming the surviving household, while the survivor takes the change', async () => {
    expect((await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' })).statusCode).toBe(202);
    await runner.drain();
    const headA = big.members[0].id;
    const headB = small.members[0].id;
    const m = await registrar.post(`/api/v1/dedup/pairs/${headA}/${headB}/decision`, { decision: 'duplicate', survivorId: headA });
    expect(m.statusCode, m.body).toBe(200);
    expect(m.json().merge).toMatchObject({ householdsMerged: true });
    const survivor = (await registrar.get(`/api/v1/people/households/${big.id}`)).json();
    const merged = (await registrar.get(`/api/v1/people/households/${small.id}`)).json();
    expect(merged.status).toBe('merged');

    const writes = [
      () => registrar.patch(`/api/v1/people/households/${small.id}`, { baseVersion: merged.version, notes: 'edited after the merge' }),
      () => registrar.post(`/api/v1/people/households/${small.id}/members`, { baseVersion: merged.version, member: { id: uuidv7(), relationship: 'daughter', givenName: 'Zainab', sex: 'female', birth: { precision: 'year', value: '2015' }, uasc: false } }),
      () => registrar.patch(`/api/v1/people/households/${small.id}/members/${headB}`, { baseVersion: merged.version, givenName: 'Karim' }),
      () => registrar.post(`/api/v1/people/households/${small.id}/consents`, { consent: { ...big.consents[0], id: uuidv7(), individualId: headB } }),
    ];
    for (const write of writes) {
      const res = await write();
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('HOUSEHOLD_MERGED');
      expect(res.json().error.message).toContain(survivor.reference);
      expect(res.json().error).toMatchObject({ messageCode: 'conflict.householdMergedInto', messageParams: { household: merged.reference, target: survivor.reference } });
      expect(res.headers.location).toBe(`/api/v1/people/households/${big.id}`);
    }
    // Nothing was written to the merged household; the survivor is still editable.
    expect((await registrar.get(`/api/v1/people/households/${small.id}`)).json().version).toBe(merged.version);
    const ok = await registrar.patch(`/api/v1/people/households/${big.id}`, { baseVersion: survivor.version, notes: 'the golden record' });
    expect(ok.statusCode, ok.body).toBe(200);

    // The survivor changed after the merge, so the merge can no longer be undone.
    expect((await registrar.post(`/api/v1/dedup/merges/${m.json().merge.id}/undo`)).json().error.code).toBe('UNDO_NOT_POSSIBLE');
  });
});
