import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { BACKENDS, TEST_PASSWORD } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { uuidv7 } from '../../shared/ids';
import { auditLog } from '../access/schema';
import { householdBody } from '../people/fixtures';
import { dedupPairs, dedupRuns } from './schema';
import { unresolvedDuplicates } from './service';
import { nextNight, queueNightlyRuns } from './run';

/** A one-person household: the same man as the head of `householdBody()`, spelled another way. */
function respelled(over: Record<string, unknown> = {}, head: Record<string, unknown> = {}) {
  const body = householdBody({ crossingDate: '2025-04-10', ...over }, { givenName: 'Mohammad Karim', givenNameAr: null, fatherName: 'Abdulrahman', documents: [], washingtonGroup: null, specificNeeds: [], ...head });
  return { ...body, members: [body.members[0]] };
}

/** Someone else entirely (keeps the registry from being all look-alikes). */
function stranger(i: number, pcode = 'AF0601') {
  const names = ['Zarghona', 'Shabnam', 'Nazanin', 'Mursal', 'Parwana', 'Sadaf', 'Wazhma', 'Frishta'];
  const fam = ['Popal', 'Barakzai', 'Stanikzai', 'Wardak', 'Mangal', 'Hotak', 'Kakar', 'Sherzad'];
  const b = householdBody({ currentPcode: pcode }, { givenName: names[i % 8], fatherName: `Haji ${fam[(i + 3) % 8]}`, familyName: fam[i % 8], givenNameAr: null, sex: 'female', birth: { precision: 'year', value: String(1960 + i * 3) }, phones: [{ number: `+93 79${i} 000 ${100 + i}`, label: 'own' }], documents: [{ id: uuidv7(), type: 'tazkira', number: `TZ-${7000 + i * 13}`, issuingCountry: 'AFG' }] });
  return { ...b, members: [b.members[0]] };
}

/** The household as shown, without what every change moves on (version counter, update time, version list). */
const stable = (d: Record<string, unknown>) => {
  const { version: _v, updatedAt: _u, versions: _vs, ...rest } = d;
  return JSON.stringify(rest);
};

describe.each(BACKENDS)('deduplication runs, review and merges on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let admin: Agent;
  let registrar: Agent;
  let limited: Agent;
  const big = householdBody();
  const small = respelled();
  const herat = respelled({ currentPcode: 'AF3001' }, { givenName: 'Gul Ahmad', fatherName: 'Noor Ahmad', familyName: 'Noori', birth: { precision: 'year', value: '1975' }, phones: [{ number: '+93 788 555 123', label: 'own' }] });
  const kabul = respelled({ currentPcode: 'AF0601' }, { givenName: 'Gul Ahmad', fatherName: 'Nur Ahmad', familyName: 'Noori', birth: { precision: 'year', value: '1975' }, phones: [{ number: '0788 555 123', label: 'own' }] });
  const headA = big.members[0].id;
  const headB = small.members[0].id;
  const [pA, pB] = headA < headB ? [headA, headB] : [headB, headA];

  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    admin = await t.as('admin');
    registrar = await t.as('registrar');
    for (const b of [big, small, herat, kabul, ...Array.from({ length: 8 }, (_, i) => stranger(i, i % 2 ? 'AF0601' : 'AF3001'))]) {
      const res = await admin.post('/api/v1/people/households', b);
      expect(res.statusCode, res.body).toBe(201);
    }
    // A registration officer limited to Nangarhar (AF06).
    const u = await admin.post('/api/v1/users', { username: 'reg-nangarhar', displayName: 'Nangarhar Registrar', password: `${TEST_PASSWORD}-n` });
    expect(u.statusCode, u.body).toBe(201);
    const g = await admin.post(`/api/v1/users/${u.json().id}/grants`, { roleId: 'registrar', operationId: 'AFG', areaPcode: 'AF06' });
    expect(g.statusCode, g.body).toBe(201);
    limited = await t.as('reg-nangarhar', `${TEST_PASSWORD}-n`);
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  const runNow = async () => {
    const res = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(res.statusCode, res.body).toBe(202);
    await runner.drain();
    return (await registrar.get(`/api/v1/dedup/runs/${res.json().id}`)).json();
  };

  it('runs the engine over the whole registry as a job, with progress and figures', async () => {
    const start = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(start.statusCode, start.body).toBe(202);
    expect(start.json()).toMatchObject({ status: 'queued', trigger: 'manual', operationId: 'AFG' });
    // One run at a time per operation.
    expect((await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' })).statusCode).toBe(409);
    await runner.drain();
    const run = (await registrar.get(`/api/v1/dedup/runs/${start.json().id}`)).json();
    expect(run.status).toBe('succeeded');
    expect(run.records).toBe(3 + 1 + 1 + 1 + 8);
    expect(run.matchPairs + run.reviewPairs).toBeGreaterThanOrEqual(2);
    expect(run.stats).toMatchObject({ records: 14 });
    expect(run.current).toBe(true);
    expect(run.openPairs).toBe(run.matchPairs + run.reviewPairs);
    const list = (await registrar.get('/api/v1/dedup/runs?operation=AFG')).json();
    expect(list.items[0].id).toBe(run.id);
    expect(list.total).toBe(1);
  });

  it('lists open pairs by score, both ways, with keyset pages', async () => {
    const all = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&limit=50')).json();
    expect(all.total).toBeGreaterThanOrEqual(2);
    const scores = all.items.map((p: { score: number }) => p.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    const ours = all.items.find((p: { idA: string; idB: string }) => p.idA === pA && p.idB === pB);
    expect(ours).toBeTruthy();
    expect(ours.state).toBe('open');
    // One per page, in both directions: the same pairs.
    const walk = async (sort: string) => {
      const seen: string[] = [];
      let url = `/api/v1/dedup/pairs?operation=AFG&limit=1&sort=${sort}`;
      for (let i = 0; i < 20; i++) {
        const page = (await registrar.get(url)).json();
        seen.push(...page.items.map((p: { idA: string; idB: string }) => `${p.idA}:${p.idB}`));
        if (!page.nextCursor) break;
        url = `/api/v1/dedup/pairs?operation=AFG&limit=1&sort=${sort}&cursor=${page.nextCursor}`;
      }
      return seen;
    };
    const down = await walk('score_desc');
    const up = await walk('score_asc');
    expect(down.length).toBe(all.total);
    expect([...up].reverse()).toEqual(down);
  });

  it('shows two records side by side with a verdict per field; 404 for a reviewer who cannot see both', async () => {
    const res = await registrar.get(`/api/v1/dedup/pairs/${headB}/${headA}`);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    const v = Object.fromEntries(d.fields.map((f: { field: string; verdict: string }) => [f.field, f.verdict]));
    expect(v.givenName).toBe('agree'); // Muhammad Karim = Mohammad Karim
    expect(v.fatherName).toBe('agree'); // Abdul Rahman = Abdulrahman
    expect(v.familyName).toBe('agree');
    expect(v.givenNameAr).toBe('missing');
    expect(v.birth).toBe('agree');
    expect(v.sex).toBe('agree');
    expect(v.phones).toBe('agree');
    expect(v.documents).toBe('missing');
    expect(d.parts).toBeTruthy();
    expect(d.parts.names).toBeGreaterThan(0);
    expect(d.suggestedSurvivorId).toBe(headA); // the larger household keeps its head
    // The Herat–Nangarhar pair: visible to the registrar, hidden (404) from the Nangarhar-only one.
    const cross = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&limit=50')).json().items.find((p: { a: { householdId: string }; b: { householdId: string } }) => [p.a.householdId, p.b.householdId].includes(herat.id));
    expect(cross).toBeTruthy();
    expect((await limited.get(`/api/v1/dedup/pairs/${cross.idA}/${cross.idB}`)).statusCode).toBe(404);
    expect((await limited.post(`/api/v1/dedup/pairs/${cross.idA}/${cross.idB}/decision`, { decision: 'distinct' })).statusCode).toBe(404);
    const theirs = (await limited.get('/api/v1/dedup/pairs?operation=AFG&limit=50')).json();
    expect(theirs.items.some((p: { idA: string }) => p.idA === cross.idA)).toBe(false);
    expect(theirs.total).toBe(theirs.items.length);
    expect((await limited.get(`/api/v1/dedup/pairs/${headA}/${headB}`)).statusCode).toBe(200);
    // Their run figures are operation-wide: hidden from an area-limited reviewer.
    expect((await limited.get('/api/v1/dedup/runs?operation=AFG')).json().items[0].records).toBeNull();
  });

  it('flags unresolved duplicates for other modules and on the household page', async () => {
    const flags = await t.db.database.db.transaction((tx) => unresolvedDuplicates(tx, 'AFG', [headA, big.members[1].id]));
    expect(flags.get(headA)?.pairs).toBeGreaterThanOrEqual(1);
    expect(flags.has(big.members[1].id)).toBe(false);
    const page = (await (await t.as('cash')).get(`/api/v1/dedup/households/${big.id}`)).json();
    expect(page.members[headA].pairs).toBeGreaterThanOrEqual(1);
    expect(page.canReview).toBe(false);
    const api = (await registrar.post('/api/v1/dedup/flags', { operationId: 'AFG', individualIds: [headA, headB, big.members[2].id] })).json();
    expect(api.flagged.map((f: { id: string }) => f.id).sort()).toEqual([headA, headB].sort());
  });

  it('refuses to merge away a head whose household keeps other members', async () => {
    const res = await registrar.post(`/api/v1/dedup/pairs/${headA}/${headB}/decision`, { decision: 'duplicate', survivorId: headB });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('MERGE_BLOCKED');
    const reference = (await registrar.get(`/api/v1/people/households/${big.id}`)).json().reference;
    expect(res.json().error).toMatchObject({ messageCode: 'conflict.mergeHeadWithMembers', messageParams: { name: expect.any(String), household: reference } });
    expect(res.json().error.message).toContain(`heads household ${reference}, which has other members`);
  });

  it('merges a duplicate into one golden record, then undoes it exactly', async () => {
    const bigBefore = (await registrar.get(`/api/v1/people/households/${big.id}`)).json();
    const smallBefore = (await registrar.get(`/api/v1/people/households/${small.id}`)).json();
    const res = await registrar.post(`/api/v1/dedup/pairs/${headA}/${headB}/decision`, { decision: 'duplicate', note: 'same man, same phone' });
    expect(res.statusCode, res.body).toBe(200);
    const { merge, state } = res.json();
    expect(state).toBe('duplicate');
    expect(merge).toMatchObject({ survivorId: headA, mergedId: headB, householdsMerged: true });
    // The merged household is kept, marked merged, and hidden from lists and search.
    const smallAfter = (await registrar.get(`/api/v1/people/households/${small.id}`)).json();
    expect(smallAfter.status).toBe('merged');
    expect(smallAfter.members[0]).toMatchObject({ id: headB, removalReason: 'duplicate' });
    expect(smallAfter.versions[0].action).toBe('merge.out');
    const list = (await registrar.get('/api/v1/people/households?operation=AFG&limit=100')).json();
    expect(list.items.some((h: { id: string }) => h.id === small.id)).toBe(false);
    expect((await registrar.get('/api/v1/people/households?operation=AFG&status=merged')).json().items.map((h: { id: string }) => h.id)).toEqual([small.id]);
    const found = (await registrar.get('/api/v1/people/search?operation=AFG&q=Mohammad%20Karim')).json();
    expect(found.items.map((i: { person: { id: string } }) => i.person.id)).not.toContain(headB);
    const lookup = (await registrar.post('/api/v1/people/lookup', { operationId: 'AFG', draft: { givenName: 'Mohammad Karim', fatherName: 'Abdulrahman', familyName: 'Ahmadzai', sex: 'male', birth: { precision: 'year', value: '1984' } } })).json();
    expect(lookup.candidates.map((c: { person: { id: string } }) => c.person.id)).not.toContain(headB);
    // The survivor's household records the merge; its phones, documents and consent are all there.
    const bigAfter = (await registrar.get(`/api/v1/people/households/${big.id}`)).json();
    expect(bigAfter.versions[0].action).toBe('merge.in');
    expect(bigAfter.consents.length).toBe(2);
    expect(bigAfter.members.find((m: { id: string }) => m.id === headA).documents.length).toBe(1);
    // No longer flagged; the pair left the queue and the merge is in the history.
    const flags = await t.db.database.db.transaction((tx) => unresolvedDuplicates(tx, 'AFG', [headA]));
    expect(flags.has(headA)).toBe(false);
    const merges = (await registrar.get(`/api/v1/dedup/merges?operation=AFG&household=${big.id}`)).json();
    expect(merges.items[0]).toMatchObject({ id: merge.id, survivorHouseholdReference: bigBefore.reference, mergedHouseholdReference: smallBefore.reference });
    const audit = await t.db.database.db.select().from(auditLog).where(eq(auditLog.action, 'dedup.pair.decide'));
    expect(audit.some((a) => a.entityId === `${pA}:${pB}`)).toBe(true);

    const undo = await registrar.post(`/api/v1/dedup/merges/${merge.id}/undo`);
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json().undoneAt).toBeTruthy();
    const bigUndone = (await registrar.get(`/api/v1/people/households/${big.id}`)).json();
    const smallUndone = (await registrar.get(`/api/v1/people/households/${small.id}`)).json();
    expect(stable(bigUndone)).toBe(stable(bigBefore));
    expect(stable(smallUndone)).toBe(stable(smallBefore));
    expect(bigUndone.versions[0].action).toBe('merge.undo');
    expect(bigUndone.version).toBe(bigBefore.version + 2);
    // Twice is refused; the pair is open again.
    expect((await registrar.post(`/api/v1/dedup/merges/${merge.id}/undo`)).json().error.code).toBe('UNDO_NOT_POSSIBLE');
    const pair = (await registrar.get(`/api/v1/dedup/pairs/${headA}/${headB}`)).json();
    expect(pair.pair.state).toBe('open');
  });

  it('refuses to undo a merge after a household changed', async () => {
    const res = await registrar.post(`/api/v1/dedup/pairs/${headA}/${headB}/decision`, { decision: 'duplicate' });
    expect(res.statusCode, res.body).toBe(200);
    const h = (await registrar.get(`/api/v1/people/households/${big.id}`)).json();
    expect((await registrar.patch(`/api/v1/people/households/${big.id}`, { baseVersion: h.version, notes: 'moved to Kabul next week' })).statusCode).toBe(200);
    const undo = await registrar.post(`/api/v1/dedup/merges/${res.json().merge.id}/undo`);
    expect(undo.statusCode).toBe(409);
    expect(undo.json().error.code).toBe('UNDO_NOT_POSSIBLE');
    expect(undo.json().error).toMatchObject({ messageCode: 'conflict.undoHouseholdChanged', messageParams: { household: h.reference, version: h.version, current: h.version + 1 } });
  });

  it('keeps people\'s decisions across runs, skips, and replaces a retried run\'s earlier results', async () => {
    const open = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&limit=50')).json();
    const [first, second] = open.items;
    expect(first).toBeTruthy();
    expect((await registrar.post(`/api/v1/dedup/pairs/${first.idB}/${first.idA}/decision`, { decision: 'distinct' })).json().state).toBe('distinct');
    expect((await registrar.post(`/api/v1/dedup/pairs/${first.idA}/${first.idB}/decision`, { decision: 'distinct' })).statusCode).toBe(409);
    if (second) expect((await registrar.post(`/api/v1/dedup/pairs/${second.idA}/${second.idB}/decision`, { decision: 'skip' })).json().state).toBe('skipped');
    // A queued run that already holds a stale partial result from an interrupted attempt.
    const start = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    const runId = start.json().id;
    const [x, y] = [uuidv7(), uuidv7()].sort();
    await t.db.database.db.insert(dedupPairs).values({ runId, operationId: 'AFG', idA: x, idB: y, score: 99, decision: 'match' });
    await runner.drain();
    const stored = await t.db.database.db.select().from(dedupPairs).where(eq(dedupPairs.runId, runId));
    expect(stored.some((p) => p.idA === x)).toBe(false);
    expect(stored.some((p) => p.idA === first.idA && p.idB === first.idB)).toBe(true);
    const again = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&status=all&limit=50')).json();
    expect(again.items.find((p: { idA: string; idB: string }) => p.idA === first.idA && p.idB === first.idB).state).toBe('distinct');
    const stillOpen = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&limit=50')).json();
    expect(stillOpen.items.some((p: { idA: string; idB: string }) => p.idA === first.idA && p.idB === first.idB)).toBe(false);
  });

  it('cancels a queued run; the nightly schedule queues a run only when the last one is old', async () => {
    const start = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    const cancel = await registrar.post(`/api/v1/dedup/runs/${start.json().id}/cancel`);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    expect((await registrar.post(`/api/v1/dedup/runs/${start.json().id}/cancel`)).statusCode).toBe(409);
    // Cancelling the queued run's job (the jobs route) ends the run too, so another can start.
    const second = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(second.statusCode, second.body).toBe(202);
    expect((await registrar.post(`/api/v1/jobs/${second.json().jobId}/cancel`)).statusCode).toBe(200);
    expect((await registrar.get(`/api/v1/dedup/runs/${second.json().id}`)).json()).toMatchObject({ status: 'cancelled', messageParts: [{ code: 'job.cancelledBeforeStart' }] });
    const third = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(third.statusCode, third.body).toBe(202);
    expect((await registrar.post(`/api/v1/dedup/runs/${third.json().id}/cancel`)).json()).toMatchObject({ status: 'cancelled', message: 'Cancelled before it started.' });
    expect(await queueNightlyRuns(t.db.database)).toEqual([]);
    await t.db.database.db.update(dedupRuns).set({ createdAt: sql`now() - interval '2 days'` });
    expect(await queueNightlyRuns(t.db.database)).toEqual(['AFG']);
    expect(await queueNightlyRuns(t.db.database)).toEqual([]);
    await runner.drain();
    const n = nextNight(new Date('2026-03-01T10:00:00Z'));
    expect(n.toISOString()).toBe('2026-03-02T00:30:00.000Z');
  });

  it('confirms all matches of a run at once', async () => {
    const runs = (await registrar.get('/api/v1/dedup/runs?operation=AFG')).json();
    const current = runs.items.find((r: { current: boolean }) => r.current);
    const matches = (await registrar.get('/api/v1/dedup/pairs?operation=AFG&decision=match&limit=50')).json();
    const res = await registrar.post(`/api/v1/dedup/runs/${current.id}/confirm-matches`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().merged + res.json().blocked.length).toBe(matches.total);
    expect((await registrar.get('/api/v1/dedup/pairs?operation=AFG&decision=match&limit=50')).json().total).toBe(res.json().blocked.length);
  });

  it('answers 403 without dedup permissions and 401 without a session', async () => {
    for (const persona of ['enumerator', 'cash', 'viewer', 'partner']) {
      const agent = await t.as(persona);
      expect((await agent.get('/api/v1/dedup/pairs?operation=AFG')).statusCode).toBe(403);
      expect((await agent.post('/api/v1/dedup/runs', { operationId: 'AFG' })).statusCode).toBe(403);
      expect((await agent.get(`/api/v1/dedup/pairs/${headA}/${headB}`)).statusCode).toBe(403);
    }
    expect((await (await t.as('cash')).get('/api/v1/dedup/runs?operation=AFG')).statusCode).toBe(404);
    expect((await t.anon.get('/api/v1/dedup/pairs?operation=AFG')).statusCode).toBe(401);
  });
});
