/**
 * The duplicate lookup with two server instances on one database: each keeps its own in-memory
 * index, and catches up with the other's registrations, edits and merges through the change log
 * (people_lookup_changes) before answering.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { BACKENDS, TEST_PASSWORD } from '../../../test/helpers/db';
import { openDatabase, rows, type Database } from '../../db/client';
import { buildApp } from '../../server/app';
import { JobRunner } from '../../server/jobs';
import { householdBody } from './fixtures';
import { draftRecord, LookupIndexes, lookupIndexes } from './lookup';

/** A one-person household (the head only). */
function single(head: Record<string, unknown>) {
  const b = householdBody({}, { givenNameAr: null, documents: [], phones: [], washingtonGroup: null, specificNeeds: [], ...head });
  return { ...b, members: [b.members[0]] };
}

const sherAgha = { givenName: 'Shir Agha', fatherName: 'Gul Mohammad', familyName: 'Popalzai', birth: { precision: 'exact', value: '1979-05-05' } };
const draft = { givenName: 'Sher Agha', fatherName: 'Gul Muhammad', familyName: 'Popalzay', sex: 'male', birth: { precision: 'exact', value: '1979-05-05' } };

describe.each(BACKENDS)('duplicate lookup across server instances on %s', (backend) => {
  let t: TestApp;
  let other: Database;
  let appB: FastifyInstance;
  let a: Agent;
  let b: { post(url: string, body: unknown): Promise<{ statusCode: number; body: string; json(): any }> };
  let runner: JobRunner;

  beforeAll(async () => {
    t = await createTestApp(backend);
    if (backend === 'postgres') {
      // A second connection pool on the same database, as a second server process would open.
      const [{ name }] = await rows<{ name: string }>(t.db.database.db, sql`select current_database() as name`);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      other = await openDatabase({ url: url.toString(), poolSize: 2 });
    } else {
      // One PGlite folder serves one process; a second handle object still gets its own lookup
      // indexes (they are kept per handle) and hears of the first app's writes only through the log.
      other = Object.create(t.db.database) as Database;
    }
    appB = await buildApp({ database: other, demoMode: true, loggerInstance: pino({ level: 'silent' }), webDist: null, config: { demoPassword: TEST_PASSWORD } });
    await appB.ready();
    const login = await appB.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'registrar', password: TEST_PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const headers = { cookie: `hamrah_session=${login.cookies.find((c) => c.name === 'hamrah_session')!.value}`, 'x-csrf-token': login.json().csrfToken as string };
    b = { post: (url, payload) => appB.inject({ method: 'POST', url, payload: payload as object, headers }) };
    a = await t.as('registrar');
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    expect(lookupIndexes(other)).not.toBe(lookupIndexes(t.db.database));
    for (const h of [householdBody(), single({ givenName: 'Zarghona', fatherName: 'Haji Popal', familyName: 'Wardak', sex: 'female', birth: { precision: 'year', value: '1990' } })])
      expect((await a.post('/api/v1/people/households', h)).statusCode).toBe(201);
  });
  afterAll(async () => {
    await runner?.stop();
    await appB?.close();
    if (backend === 'postgres') await other?.close();
    await t?.close();
  });

  const found = async (via: typeof b) => {
    const res = await via.post('/api/v1/people/lookup', { operationId: 'AFG', draft });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().candidates as { person: { id: string } }[]).map((c) => c.person.id);
  };

  it('finds a person registered through the other instance, and stops returning one merged away there', async () => {
    // B builds its index before the registrations.
    expect(await found(b)).toEqual([]);
    const first = single(sherAgha);
    const second = single({ ...sherAgha, givenName: 'Sher Aga', familyName: 'Popalzay', phones: [{ number: '+93 700 555 010', label: 'own' }] });
    for (const h of [first, second]) expect((await a.post('/api/v1/people/households', h)).statusCode, 'registration').toBe(201);
    const both = await found(b);
    expect(both).toEqual(expect.arrayContaining([first.members[0].id, second.members[0].id]));
    expect((await lookupIndexes(other).stats('AFG'))?.delta).toBe(2);

    // Edited in A: B scores the new keys (the old spelling no longer finds him).
    const edited = await a.patch(`/api/v1/people/households/${second.id}/members/${second.members[0].id}`, { baseVersion: 1, givenName: 'Zalmai', fatherName: 'Nazar', familyName: 'Kakar' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await found(b)).not.toContain(second.members[0].id);
    const back = await a.patch(`/api/v1/people/households/${second.id}/members/${second.members[0].id}`, { baseVersion: 2, givenName: 'Sher Aga', fatherName: 'Gul Mohammad', familyName: 'Popalzay' });
    expect(back.statusCode, back.body).toBe(200);
    expect(await found(b)).toContain(second.members[0].id);

    // A dedup run and a merge in A.
    const run = await a.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(run.statusCode, run.body).toBe(202);
    await runner.drain();
    const [x, y] = [first.members[0].id, second.members[0].id].sort();
    const merged = await a.post(`/api/v1/dedup/pairs/${x}/${y}/decision`, { decision: 'duplicate', survivorId: first.members[0].id });
    expect(merged.statusCode, merged.body).toBe(200);
    const after = await found(b);
    expect(after).toContain(first.members[0].id);
    expect(after).not.toContain(second.members[0].id);
  });

  it('rebuilds instead of catching up person by person when too much changed', async () => {
    const small = new LookupIndexes(other, { rebuildLimit: 2 });
    const record = draftRecord(draft as Parameters<typeof draftRecord>[0], '2025-06-01')!;
    const lookupVia = async () => (await small.candidates('AFG', record, 5), small.stats('AFG'));
    const before = await lookupVia();
    expect(before).not.toBeNull();
    expect((await a.post('/api/v1/people/households', householdBody({}, { givenName: 'Abdul Wali', fatherName: 'Sayed', familyName: 'Hotak', givenNameAr: null, documents: [] }))).statusCode).toBe(201);
    const after = await lookupVia();
    expect(after!.size).toBe(before!.size + 3);
    expect(after!.delta).toBe(0);
    expect(after!.builtAt).toBeGreaterThanOrEqual(before!.builtAt);
  });

  it.runIf(backend === 'postgres')('sees a change whose transaction was still open while it built its index', async () => {
    const late = single({ givenName: 'Shir Agha', fatherName: 'Gul Mohammad', familyName: 'Popalzai', birth: { precision: 'exact', value: '1979-05-05' }, phones: [{ number: '+93 700 555 099', label: 'own' }] });
    expect((await a.post('/api/v1/people/households', late)).statusCode).toBe(201);
    const id = late.members[0].id;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    // A's transaction removes him and stays open while B rebuilds its index.
    const tx = t.db.database.db.transaction(async (q) => {
      await q.execute(sql`update people_individuals set removed_at = now(), removal_reason = 'entered_in_error' where id = ${id}`);
      wrote();
      await gate;
    });
    await written;
    lookupIndexes(other).reset('AFG');
    expect(await found(b)).toContain(id);
    release();
    await tx;
    expect(await found(b)).not.toContain(id);
  });
});
