/**
 * Privacy-preserving linkage through the API: an encoded export with per-export pseudonyms, a
 * partner's file matched against a fresh encoding, candidate links reviewed, the secret never kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { rows } from '../../db/client';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { enqueueJob, getJob, HOLDER_GONE_MESSAGE, JobRunner, presentJob, PROCESS_HOLDER } from '../../server/jobs';
import { uuidv7 } from '../../shared/ids';
import { EXPORT_JOB } from './service';
import { jobs } from '../../server/jobs-schema';
import { auditLog } from '../access/schema';
import { encodePeople, filterToBase64 } from '../dedup/pprl';
import { householdBody } from '../people/fixtures';
import { peopleIndividuals } from '../people/schema';
import { linkagePseudonyms } from './schema';

const SECRET = 'correct-horse-battery-staple-2025';

describe.each(BACKENDS)('privacy-preserving linkage on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let registrar: Agent;
  let admin: Agent;
  let reference: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    registrar = await t.as('registrar');
    admin = await t.as('admin');
    const res = await registrar.post('/api/v1/people/households', householdBody());
    expect(res.statusCode, res.body).toBe(201);
    reference = res.json().reference;
    const other = await registrar.post('/api/v1/people/households', householdBody({}, { givenName: 'Zahir', fatherName: 'Gul Agha', familyName: 'Noorzai', givenNameAr: null, birth: { precision: 'year', value: '1961' } }));
    expect(other.statusCode, other.body).toBe(201);
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });
  const db = () => t.db.database.db;

  it('exports the registry as id,clk with pseudonyms that only the server can resolve; the secret is stored nowhere', async () => {
    const res = await registrar.post('/api/v1/linkage/exports', { operationId: 'AFG', secret: SECRET });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id;
    expect(res.json().status).toBe('queued');
    await runner.drain();
    const view = (await registrar.get(`/api/v1/linkage/exports/${id}`)).json();
    expect(view).toMatchObject({ status: 'ready', records: 6 });
    expect(view.job).toMatchObject({ status: 'succeeded' });
    const file = await registrar.get(`/api/v1/linkage/exports/${id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('text/csv');
    const lines = file.body.trim().split('\n');
    expect(lines[0]).toBe('id,clk');
    expect(lines).toHaveLength(7);
    const ids = lines.slice(1).map((l) => l.split(',')[0]);
    const internal = new Set((await db().select({ id: peopleIndividuals.id }).from(peopleIndividuals)).map((r) => r.id));
    for (const p of ids) {
      expect(p).toMatch(/^[A-Za-z0-9_-]{12}$/);
      expect(internal.has(p)).toBe(false);
    }
    expect(file.body).not.toMatch(/Karim|Ahmadzai|1984|AF0601/);
    // The mapping is server-side: a pseudonym resolves to our household for its owner only.
    const resolved = await Promise.all(ids.map(async (p) => (await registrar.get(`/api/v1/linkage/exports/${id}/resolve?pseudonym=${p}`)).json()));
    expect(resolved.map((r) => r.householdReference)).toContain(reference);
    expect((await db().select().from(linkagePseudonyms).where(eq(linkagePseudonyms.exportId, id))).length).toBe(6);
    expect((await admin.get(`/api/v1/linkage/exports/${id}`)).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/linkage/exports/${id}/file`)).statusCode).toBe(404);
    // A second export names the same people with other pseudonyms.
    const second = (await registrar.post('/api/v1/linkage/exports', { operationId: 'AFG', secret: SECRET })).json().id;
    await runner.drain();
    const ids2 = (await registrar.get(`/api/v1/linkage/exports/${second}/file`)).body.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(ids2.filter((p) => ids.includes(p))).toEqual([]);
    // Audited, and the secret is in no table: not in jobs, the audit log or the exports.
    const actions = (await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, id))).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['linkage.export', 'linkage.export.download']));
    for (const table of ['jobs', 'audit_log', 'linkage_exports', 'linkage_matches']) {
      const [hit] = await rows<{ n: number }>(db(), sql.raw(`select count(*)::int as n from ${table} t where t::text like '%${SECRET}%'`));
      expect(Number(hit.n), table).toBe(0);
    }
  });

  it("matches a partner's file made with the same secret; links are reviewed (confirm / reject, audited), nothing merged", async () => {
    // The partner registered the same head spelled their way, and someone we do not have.
    const partner = encodePeople(
      [
        { id: 'P-17', givenName: 'Mohammad Karim', familyName: 'Ahmadzai', fatherName: 'Abdurrahman', sex: 'm', birthYear: 1984, locationPcode: 'AF0601' },
        { id: 'P-18', givenName: 'Shabnam', familyName: 'Rasuli', fatherName: 'Habib', sex: 'f', birthYear: 1999, locationPcode: 'AF0101' },
      ],
      { secret: SECRET },
    );
    const content = 'id,clk\n' + partner.ids.map((p, i) => `${p},${filterToBase64(partner.bits, i)}`).join('\n') + '\n';
    const res = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'Partner NGO', fileName: 'partner.csv', content });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id;
    await runner.drain();
    const view = (await registrar.get(`/api/v1/linkage/matches/${id}`)).json();
    expect(view).toMatchObject({ status: 'ready', partnerRecords: 2, ourRecords: 6 });
    const links = (await registrar.get(`/api/v1/linkage/matches/${id}/links`)).json();
    expect(links.items.length).toBeGreaterThanOrEqual(1);
    const karim = links.items.find((l: { partnerId: string }) => l.partnerId === 'P-17');
    expect(karim).toMatchObject({ householdReference: reference, personName: 'Muhammad Karim Ahmadzai', status: 'pending' });
    expect(links.items.some((l: { partnerId: string }) => l.partnerId === 'P-18')).toBe(false);
    expect(view.pending).toBe(links.items.length);

    const ok = await registrar.post(`/api/v1/linkage/links/${karim.id}/decision`, { status: 'confirmed', note: 'same PoR card seen' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'confirmed', decidedBy: expect.any(String) });
    const [row] = await db().select().from(auditLog).where(eq(auditLog.entityId, karim.id));
    expect(row.action).toBe('linkage.link.confirm');
    expect((await admin.post(`/api/v1/linkage/links/${karim.id}/decision`, { status: 'rejected' })).statusCode).toBe(404);
    expect((await registrar.get(`/api/v1/linkage/matches/${id}/links?status=pending`)).json().items.some((l: { id: string }) => l.id === karim.id)).toBe(false);
    // Still two households: a link is not a merge.
    expect((await registrar.get('/api/v1/people/households?operation=AFG')).json().total).toBe(2);

    // Another secret: filters do not match.
    const other = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: 'another-secret-for-another-day', partner: 'Partner NGO', content });
    await runner.drain();
    expect((await registrar.get(`/api/v1/linkage/matches/${other.json().id}/links`)).json().total).toBe(0);
  });

  it('a job is bound to the process holding its secret: another process does not claim it, and fails it once that process is gone', async () => {
    const partner = encodePeople([{ id: 'P-1', givenName: 'Mohammad Karim', familyName: 'Ahmadzai', fatherName: 'Abdurrahman', sex: 'm', birthYear: 1984, locationPcode: 'AF0601' }], { secret: SECRET });
    const content = `id,clk\nP-1,${filterToBase64(partner.bits, 0)}\n`;
    const res = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'Partner NGO', content });
    expect(res.statusCode, res.body).toBe(202);
    const { id, job } = res.json();
    expect((await getJob(db(), job.id))!.holder).toBe(PROCESS_HOLDER);
    // A runner of another server process on the same database leaves it alone.
    const elsewhere = new JobRunner(t.db.database, { holder: 'other-host:99:0000cafe', staleAfterMs: 1000 });
    await elsewhere.drain();
    expect((await registrar.get(`/api/v1/linkage/matches/${id}`)).json()).toMatchObject({ status: 'queued', job: { status: 'queued' } });
    // The process that accepted it (and holds the secret) stops before running it: the other
    // process's recovery fails the job and the match, saying why.
    await db().update(jobs).set({ holder: 'gone-host:1:0000dead', createdAt: new Date(Date.now() - 3600_000) }).where(eq(jobs.id, job.id));
    const { failed } = await elsewhere.recover();
    expect(failed).toContain(job.id);
    const view = (await registrar.get(`/api/v1/linkage/matches/${id}`)).json();
    expect(view).toMatchObject({ status: 'failed', message: HOLDER_GONE_MESSAGE, job: { status: 'failed', message: HOLDER_GONE_MESSAGE } });
    expect(view.finishedAt).toEqual(expect.any(String));
    // A new match, run by this process's runner, works as before.
    const again = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'Partner NGO', content });
    await elsewhere.drain();
    await runner.drain();
    expect((await registrar.get(`/api/v1/linkage/matches/${again.json().id}`)).json()).toMatchObject({ status: 'ready', partnerRecords: 1 });
  });

  it('an export or match cancelled before its job ran is failed with the job\'s sentence, not left queued', async () => {
    const e = (await registrar.post('/api/v1/linkage/exports', { operationId: 'AFG', secret: SECRET })).json();
    expect(e).toMatchObject({ status: 'queued', job: { status: 'queued' } });
    expect((await registrar.post(`/api/v1/jobs/${e.job.id}/cancel`)).statusCode).toBe(200);
    const view = (await registrar.get(`/api/v1/linkage/exports/${e.id}`)).json();
    expect(view).toMatchObject({ status: 'failed', message: 'Cancelled before it started.', job: { status: 'cancelled' } });
    expect(view.finishedAt).toEqual(expect.any(String));
    const partner = encodePeople([{ id: 'P-9', givenName: 'Mohammad Karim', familyName: 'Ahmadzai', fatherName: 'Abdurrahman', sex: 'm', birthYear: 1984, locationPcode: 'AF0601' }], { secret: SECRET });
    const m = (await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'Partner NGO', content: `id,clk\nP-9,${filterToBase64(partner.bits, 0)}\n` })).json();
    expect((await registrar.post(`/api/v1/jobs/${m.job.id}/cancel`)).statusCode).toBe(200);
    expect((await registrar.get(`/api/v1/linkage/matches/${m.id}`)).json()).toMatchObject({ status: 'failed', message: 'Cancelled before it started.' });
    await runner.drain();
    expect((await registrar.get(`/api/v1/linkage/exports/${e.id}`)).json().status).toBe('failed');
    // Its file is not there: a 409 explained by code.
    const file = await registrar.get(`/api/v1/linkage/exports/${e.id}/file`);
    expect(file.statusCode).toBe(409);
    expect(file.json().error).toMatchObject({ message: 'The export is failed; wait until it is ready.', messageCode: 'conflict.exportNotReady', messageParams: { status: 'failed' } });
  });

  it('a job that finds no secret (the server restarted meanwhile) fails saying so, by code', async () => {
    const job = await enqueueJob(db(), { kind: EXPORT_JOB, operationId: 'AFG', payload: { exportId: uuidv7() }, holder: PROCESS_HOLDER });
    await runner.drain();
    const done = presentJob((await getJob(db(), job.id))!);
    expect(done).toMatchObject({ status: 'failed', messageParts: [{ code: 'conflict.linkageSecretGone' }] });
  });

  it('refuses short secrets and files that are not encodings, naming the field', async () => {
    const short = await registrar.post('/api/v1/linkage/exports', { operationId: 'AFG', secret: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).not.toContain('short"');
    const bad = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'X', content: 'name,dob\nAli,1990\n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0]).toMatchObject({ path: 'body.content' });
    const badClk = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'X', content: 'id,clk\nA,abc\n' });
    expect(badClk.json().error.fields[0].message).toContain('Row 2');
    expect((await registrar.post('/api/v1/linkage/exports', { operationId: 'PAK', secret: SECRET })).statusCode).toBe(404);
  });
});
