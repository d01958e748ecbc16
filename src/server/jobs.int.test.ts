import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../../test/helpers/db';
import { defineJob, enqueueJob, getJob, HOLDER_GONE_MESSAGE, JobCancelled, JobRunner, requestCancel, waitForJob, type JobRow } from './jobs';
import { jobRunners, jobs } from './jobs-schema';

const seen: string[] = [];
let gate: (() => void) | null = null;
const ran = new Map<string, number>();

defineJob('test.echo', async (ctx) => {
  seen.push(ctx.job.id);
  for (let i = 1; i <= 4; i++) await ctx.progress(i, 4, `step ${i}`, true);
  return { echoed: ctx.job.payload.value };
});
defineJob('test.fail', async () => {
  throw new Error('boom');
});
defineJob('test.slow', async (ctx) => {
  ran.set(ctx.job.id, (ran.get(ctx.job.id) ?? 0) + 1);
  await new Promise<void>((resolve) => (gate = resolve));
  await ctx.progress(1, 2, 'half way', true);
  ctx.throwIfCancelled();
  return 'finished';
});
const abandoned: string[] = [];
defineJob('test.once', async () => 'ok', {
  retryOnRestart: false,
  onAbandoned: async (_db, job) => {
    abandoned.push(job.id);
  },
});

describe.each(BACKENDS)('background jobs on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(backend, { demo: false });
  });
  afterAll(async () => {
    await db?.dispose();
  });
  const kinds = ['test.echo', 'test.fail', 'test.slow', 'test.once'];

  it('runs queued jobs in order with progress and result; a throwing handler fails its job with the message', async () => {
    const runner = new JobRunner(db.database, { kinds });
    const a = await enqueueJob(db.database.db, { kind: 'test.echo', payload: { value: 1 } });
    const b = await enqueueJob(db.database.db, { kind: 'test.echo', payload: { value: 2 } });
    const c = await enqueueJob(db.database.db, { kind: 'test.fail' });
    await runner.drain();
    expect(seen.slice(-2)).toEqual([a.id, b.id]);
    const done = (await getJob(db.database.db, a.id))!;
    expect(done).toMatchObject({ status: 'succeeded', progressDone: 4, progressTotal: 4, message: 'step 4', result: { echoed: 1 }, attempts: 1, runner: null });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect((await getJob(db.database.db, c.id))!).toMatchObject({ status: 'failed', message: 'Failed: boom' });
  });

  it('a started runner picks up work when woken, and a running job can be cancelled', async () => {
    const runner = await new JobRunner(db.database, { kinds, pollMs: 60_000, progressEveryMs: 0 }).start();
    try {
      const job = await enqueueJob(db.database.db, { kind: 'test.slow' });
      runner.wake();
      for (let i = 0; i < 200 && !gate; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await getJob(db.database.db, job.id))!.status).toBe('running');
      expect((await requestCancel(db.database.db, job.id)).cancelRequested).toBe(true);
      gate!();
      gate = null;
      const end = await waitForJob(db.database, job.id);
      expect(end).toMatchObject({ status: 'cancelled', message: 'Cancelled.' });
      await expect(requestCancel(db.database.db, job.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      const queued = await enqueueJob(db.database.db, { kind: 'test.echo', runAfter: new Date(Date.now() + 3_600_000) });
      expect((await requestCancel(db.database.db, queued.id)).status).toBe('cancelled');
    } finally {
      await runner.stop();
    }
  });

  it('on start, jobs left running by a dead process are queued again, or failed when they may not retry', async () => {
    const dead = { status: 'running' as const, runner: 'gone-host:1:dead', attempts: 1, startedAt: new Date(Date.now() - 600_000), heartbeatAt: new Date(Date.now() - 600_000) };
    const [retry] = await db.database.db.insert(jobs).values({ id: crypto.randomUUID(), kind: 'test.echo', payload: { value: 'again' }, ...dead }).returning();
    const [once] = await db.database.db.insert(jobs).values({ id: crypto.randomUUID(), kind: 'test.once', ...dead }).returning();
    const [spent] = await db.database.db.insert(jobs).values({ id: crypto.randomUUID(), kind: 'test.echo', ...dead, attempts: 3, maxAttempts: 3 }).returning();
    // A job whose heartbeat is fresh belongs to a live process: on PostgreSQL it is left alone.
    const [alive] = await db.database.db.insert(jobs).values({ id: crypto.randomUUID(), kind: 'test.echo', ...dead, heartbeatAt: new Date() }).returning();
    const runner = new JobRunner(db.database, { kinds });
    const recovered = await runner.recover();
    expect(recovered.requeued).toContain(retry.id);
    expect(recovered.failed.sort()).toEqual([once.id, spent.id].sort());
    expect(abandoned).toContain(once.id);
    const aliveNow = (await getJob(db.database.db, alive.id))!;
    // PGlite: one process per folder, so any running job is orphaned at start.
    expect(aliveNow.status).toBe(backend === 'pglite' ? 'queued' : 'running');
    await runner.drain();
    expect((await getJob(db.database.db, retry.id))!).toMatchObject({ status: 'succeeded', attempts: 2, result: { echoed: 'again' } });
    expect((await getJob(db.database.db, spent.id))!).toMatchObject({ status: 'failed', message: expect.stringMatching(/Interrupted/) });
    if (backend === 'postgres') await db.database.db.update(jobs).set({ status: 'cancelled' }).where(eq(jobs.id, alive.id));
  });

  it('claims each job once when several runners compete', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await enqueueJob(db.database.db, { kind: 'test.echo', payload: { value: i } })).id);
    const before = seen.length;
    const runners = [new JobRunner(db.database, { kinds }), new JobRunner(db.database, { kinds }), new JobRunner(db.database, { kinds })];
    await Promise.all(runners.map((r) => r.drain()));
    const mine = seen.slice(before).filter((id) => ids.includes(id));
    expect(mine.sort()).toEqual([...ids].sort());
    const rows: JobRow[] = await db.database.db.select().from(jobs).where(sql`${jobs.id} in ${ids}`);
    expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
  });

  it('a job bound to a process is claimed only by that process, and failed once that process is gone', async () => {
    const d = db.database.db;
    const hourAgo = new Date(Date.now() - 3600_000);
    const here = await new JobRunner(db.database, { kinds: ['test.none'], holder: 'host-a:1:aaaa', pollMs: 60_000 }).start();
    const elsewhere = new JobRunner(db.database, { kinds, holder: 'host-b:2:bbbb', staleAfterMs: 1000 });
    const bound = await enqueueJob(d, { kind: 'test.once', holder: 'host-a:1:aaaa' });
    expect(await elsewhere.claim()).toBeNull();
    await elsewhere.drain();
    expect((await getJob(d, bound.id))!).toMatchObject({ status: 'queued', holder: 'host-a:1:aaaa' });
    await d.update(jobs).set({ createdAt: hourAgo }).where(eq(jobs.id, bound.id));
    if (backend === 'postgres') {
      // Its process is alive (a fresh heartbeat): kept, however old the job.
      await elsewhere.recover();
      expect((await getJob(d, bound.id))!.status).toBe('queued');
      // A holder whose heartbeat stopped, and one never seen: failed, unless the job is too young
      // for its runner to have started.
      await d.insert(jobRunners).values({ id: 'host-c:3:cccc', heartbeatAt: hourAgo });
      const silent = await enqueueJob(d, { kind: 'test.once', holder: 'host-c:3:cccc' });
      const young = await enqueueJob(d, { kind: 'test.once', holder: 'host-d:4:dddd' });
      await d.update(jobs).set({ createdAt: hourAgo }).where(eq(jobs.id, silent.id));
      const { failed } = await elsewhere.recover();
      expect(failed).toContain(silent.id);
      expect(failed).not.toContain(young.id);
      expect((await getJob(d, young.id))!.status).toBe('queued');
      await requestCancel(d, young.id);
    }
    await here.stop();
    const { failed } = await elsewhere.recover();
    expect(failed).toContain(bound.id);
    expect((await getJob(d, bound.id))!).toMatchObject({ status: 'failed', message: HOLDER_GONE_MESSAGE, finishedAt: expect.any(Date) });
    expect(abandoned).toContain(bound.id);
    // Unbound jobs are anyone's.
    const free = await enqueueJob(d, { kind: 'test.once' });
    expect((await elsewhere.claim())?.id).toBe(free.id);
  });

  it('JobCancelled is an Error', () => {
    expect(new JobCancelled()).toBeInstanceOf(Error);
  });
});
