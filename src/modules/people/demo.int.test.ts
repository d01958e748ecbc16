import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { seedPeopleDemo } from './demo';
import { peopleHouseholds, peopleIndividuals } from './schema';

describe.each(BACKENDS)('people demo registry on %s', (backend) => {
  let t: TestApp;
  let registrar: Agent;
  let seeded: Awaited<ReturnType<typeof seedPeopleDemo>>;
  beforeAll(async () => {
    t = await createTestApp(backend);
    registrar = await t.as('registrar');
    seeded = await t.db.database.db.transaction((tx) => seedPeopleDemo(tx));
    process.stderr.write(`people demo on ${backend}: ${seeded.households} households, ${seeded.individuals} individuals in ${seeded.ms} ms\n`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds about 2,000 households and 9,000 people in AFG and PAK, with references per operation', async () => {
    const db = t.db.database.db;
    expect(seeded.households).toBeGreaterThanOrEqual(2000);
    expect(seeded.individuals).toBeGreaterThan(8000);
    expect(seeded.individuals).toBeLessThan(11000);
    const [{ n: pak }] = await db.select({ n: count() }).from(peopleHouseholds).where(eq(peopleHouseholds.operationId, 'PAK'));
    expect(Number(pak)).toBeGreaterThan(150);
    const [{ n: people }] = await db.select({ n: count() }).from(peopleIndividuals);
    expect(Number(people)).toBe(seeded.individuals);
    const first = await registrar.get('/api/v1/people/households?operation=AFG&limit=2');
    expect(first.json().total).toBeGreaterThan(1700);
    expect(first.json().items[0].reference).toMatch(/^AFG-HH-\d{6}$/);
    // Cursor paging over a filter: pages do not overlap and add up to the total.
    const seen = new Set<string>();
    let url = '/api/v1/people/households?operation=AFG&pcode=AF06&limit=400';
    let total = 0;
    for (let page = 0; page < 20; page++) {
      const res = (await registrar.get(url)).json();
      total = res.total;
      for (const h of res.items) {
        expect(seen.has(h.id)).toBe(false);
        expect(h.currentPcode.startsWith('AF06')).toBe(true);
        seen.add(h.id);
      }
      if (!res.nextCursor) break;
      url = `/api/v1/people/households?operation=AFG&pcode=AF06&limit=400&cursor=${res.nextCursor}`;
    }
    expect(seen.size).toBe(total);
    expect(total).toBeGreaterThan(500);
    // A second run leaves the registry alone.
    expect((await db.transaction((tx) => seedPeopleDemo(tx))).skipped).toBe(true);
  });

  it('the lookup finds the planted "Muhammad Yousaf" (last month) and the Arabic-script record while typing "Mohammad Yusuf"', async () => {
    const res = await registrar.post('/api/v1/people/lookup', {
      operationId: 'AFG',
      draft: { givenName: 'Mohammad Yusuf', fatherName: 'Abdul Ghafur', familyName: 'Shinwari', sex: 'male', birth: { precision: 'year', value: '1982' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const names = res.json().candidates.map((c: { person: { displayName: string; givenNameAr: string | null } }) => c.person.givenNameAr ?? c.person.displayName);
    expect(names).toContain('Muhammad Yousaf Shinwari');
    expect(names).toContain('محمد یوسف');
    // The registrar works in AFG only: the Peshawar (PAK) record stays hidden from her ...
    expect(res.json().candidates.every((c: { person: { operationId: string } }) => c.person.operationId === 'AFG')).toBe(true);
    // ... while the admin, who works in both, sees the cross-border duplicate too.
    const admin = await (await t.as('admin')).post('/api/v1/people/lookup', { operationId: 'AFG', draft: { givenName: 'Mohammad Yusuf', fatherName: 'Abdul Ghafur', familyName: 'Shinwari', sex: 'male', birth: { precision: 'year', value: '1982' } } });
    expect(admin.json().candidates.some((c: { person: { operationId: string; displayName: string } }) => c.person.operationId === 'PAK' && c.person.displayName === 'Muhammad Yousuf Shinwari')).toBe(true);
  });

  it('search finds the planted man by variant spelling, by Arabic script and by his phone', async () => {
    const ids = async (q: string) => (await registrar.get(`/api/v1/people/search?operation=AFG&q=${encodeURIComponent(q)}`)).json().items.map((i: { person: { displayName: string } }) => i.person.displayName);
    expect(await ids('Mohd Yusuf Shinwari')).toContain('Muhammad Yousaf Shinwari');
    expect(await ids('محمد یوسف شینواری')).toEqual(expect.arrayContaining(['Muhammad Yousaf Shinwari', 'محمد یوسف شینواری']));
    expect(await ids('0092-312-555-01982')).toContain('Muhammad Yousaf Shinwari');
  });
});
