import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { uuidv7 } from '../../shared/ids';
import { engineRecord } from '../people/keys';
import { matchKeysPage } from '../people/merge';
import { dedupe, thresholdsFor } from './engine';
import { computeRun } from './run';
import { dedupPairs } from './schema';

type Member = Record<string, unknown>;
const household = (pcode: string, members: Member[]) => ({
  id: uuidv7(),
  operationId: 'AFG',
  populationGroup: 'returnee_deported',
  currentPcode: pcode,
  originPcode: 'PK513',
  destinationPcode: 'AF0101',
  crossingDate: '2025-03-02',
  femaleHeaded: false,
  members: members.map((m) => ({ id: uuidv7(), ...m })),
  consents: [],
});
const year = (value: string) => ({ precision: 'year', value });

/**
 * A family registered at two places. The second time the son was written down with an age
 * instead of his date of birth, without his father's name and in another spelling: on his own he
 * is not a duplicate worth a look, beside his parents (who match) he is.
 */
function family(f: { head: string; father: string; family: string; family2: string; wife: string; wife2: string; son: string; son2: string; born: string; age: string; phone: string }) {
  const first = household('AF0601', [
    { relationship: 'head', givenName: f.head, fatherName: f.father, familyName: f.family, sex: 'male', birth: year('1971'), phones: [{ number: f.phone, label: 'own' }] },
    { relationship: 'spouse', givenName: f.wife, familyName: f.family, sex: 'female', birth: year('1978') },
    { relationship: 'son', givenName: f.son, fatherName: f.head, familyName: f.family, sex: 'male', birth: { precision: 'exact', value: f.born } },
  ]);
  const again = household('AF3001', [
    { relationship: 'head', givenName: f.head, fatherName: f.father, familyName: f.family2, sex: 'male', birth: year('1971'), phones: [{ number: f.phone, label: 'own' }] },
    { relationship: 'spouse', givenName: f.wife2, familyName: f.family2, sex: 'female', birth: year('1978') },
    { relationship: 'son', givenName: f.son2, familyName: f.family2, sex: 'male', birth: { precision: 'estimated_age', value: f.age } },
  ]);
  return { first, again, son: [first.members[2].id, again.members[2].id].sort() as [string, string] };
}

/** Other people with the same common names (so a shared given and family name alone proves little). */
function neighbours(i: number) {
  const given = ['Karim', 'Rahim', 'Ahmad', 'Mahmood', 'Yousuf', 'Hamid'];
  const families = ['Noori', 'Sultani', 'Ahmadi', 'Rahimi'];
  const fam = families[i % families.length];
  return household(i % 2 ? 'AF0601' : 'AF3001', [
    { relationship: 'head', givenName: given[(i + 2) % given.length], fatherName: given[(i + 4) % given.length], familyName: fam, sex: 'male', birth: year(String(1960 + (i % 15))) },
    { relationship: 'son', givenName: given[i % given.length], fatherName: given[(i + 2) % given.length], familyName: fam, sex: 'male', birth: year(String(2000 + (i % 9))) },
    { relationship: 'daughter', givenName: ['Maryam', 'Fatima', 'Zahra', 'Aisha'][i % 4], familyName: fam, sex: 'female', birth: year(String(2003 + (i % 7))) },
  ]);
}

describe.each(BACKENDS)('household context in whole-registry dedup runs on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let registrar: Agent;
  const noori = family({ head: 'Gul Ahmad', father: 'Noor Mohammad', family: 'Noori', family2: 'Nuri', wife: 'Mariam', wife2: 'Maryam', son: 'Karim', son2: 'Kareem', born: '2005-03-14', age: '21', phone: '+93 788 555 123' });
  const sultani = family({ head: 'Abdul Qadir', father: 'Ghulam Sakhi', family: 'Sultani', family2: 'Sultany', wife: 'Zarghona', wife2: 'Zarghuna', son: 'Rahim', son2: 'Raheem', born: '2008-09-02', age: '18', phone: '+93 799 321 654' });

  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    const admin = await t.as('admin');
    registrar = await t.as('registrar');
    for (const b of [noori.first, sultani.first, ...Array.from({ length: 24 }, (_, i) => neighbours(i)), noori.again, sultani.again]) {
      const res = await admin.post('/api/v1/people/households', b);
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  it('finds the son registered with an age only thanks to the household ids', async () => {
    const db = t.db.database.db;
    // The engine on the same stored keys without household ids: the sons are not proposed.
    const page = await matchKeysPage(db, 'AFG', null, 1000);
    const bare = page.map(([id, keys]) => engineRecord(id, keys));
    const th = thresholdsFor(bare.length);
    const without = dedupe(bare, { matchThreshold: th.match, reviewThreshold: th.review });
    const pairKey = (a: string, b: string) => [a, b].sort().join(' ');
    const withoutKeys = new Set(without.pairs.map((p) => pairKey(p.a, p.b)));
    for (const f of [noori, sultani]) {
      expect(withoutKeys.has(pairKey(...f.son))).toBe(false);
      // Their fathers are found on their own.
      expect(withoutKeys.has(pairKey(f.first.members[0].id, f.again.members[0].id))).toBe(true);
    }

    // A run as the product does it (a job, the engine in a worker thread).
    const start = await registrar.post('/api/v1/dedup/runs', { operationId: 'AFG' });
    expect(start.statusCode, start.body).toBe(202);
    await runner.drain();
    const run = (await registrar.get(`/api/v1/dedup/runs/${start.json().id}`)).json();
    expect(run.status).toBe('succeeded');
    const stored = await db.select().from(dedupPairs).where(eq(dedupPairs.runId, run.id));
    const byKey = new Map(stored.map((p) => [`${p.idA} ${p.idB}`, p]));
    for (const f of [noori, sultani]) {
      const son = byKey.get(f.son.join(' '));
      expect(son, 'the son pair is stored').toBeTruthy();
      expect(son!.score).toBeGreaterThanOrEqual(th.review);
      // Its per-field weights are there for the side-by-side page, though it scores below review on its own.
      expect(son!.parts, 'the son pair has field weights').not.toBeNull();
      expect(byKey.has(pairKey(f.first.members[0].id, f.again.members[0].id))).toBe(true);
    }
    expect(run.stats.householdSupported).toBeGreaterThanOrEqual(2);
    // The in-thread run (the demo seed's path) gives the same pairs.
    const inline = await computeRun(db, 'AFG', { progress: async () => {}, throwIfCancelled: () => {}, stage: async () => {}, engine: 'inline' });
    const row = (p: { a: string; b: string; score: number; decision: string }) => `${p.a} ${p.b} ${p.score} ${p.decision}`;
    expect(inline.pairs.map(row).sort()).toEqual(stored.map((p) => row({ a: p.idA, b: p.idB, score: p.score, decision: p.decision })).sort());
  });
});
