/**
 * People registry benchmark: search and duplicate-lookup latency on a synthetic registry.
 *
 *   npm run bench:people [-- --people 100000 --runs 50]
 *   DATABASE_URL=postgres://… npm run bench:people   (a PostgreSQL database of your own: it writes into it)
 *
 * Loads ~N individuals (AFG) with the demo generator, then times the search service (names in
 * variant spellings, Arabic script, a document number with a typo, a phone) and the engine
 * lookup (index build, then drafts typed with other spellings). Prints `BENCH {json}`.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client';
import { arg, loadRegistry, openBenchDatabase, registrarAuth } from './registry-setup';
import { lookup, LookupIndexes } from '../src/modules/people/lookup';
import { search } from '../src/modules/people/search';

const PEOPLE = arg('people', 100_000);
const RUNS = arg('runs', 40);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};

async function main() {
  const database = await openBenchDatabase();
  const db = database.db;
  const auth = registrarAuth();
  const actor = { userId: null, requestId: 'bench' };

  // Load (the search index built once at the end: far faster than row by row) -----------------
  const t0 = performance.now();
  const loaded = await loadRegistry(database, PEOPLE, async (tx, step, insert) => {
    if (step.first) await tx.execute(sql`drop index if exists people_individuals_search_idx`);
    const res = await insert();
    if (step.last) await tx.execute(sql`create index people_individuals_search_idx on people_individuals using gin (search_keys) with (fastupdate = false)`);
    return res;
  });
  const loadMs = performance.now() - t0;
  process.stderr.write(`loaded ${loaded} individuals in ${Math.round(loadMs)} ms (${database.kind})\n`);

  // Queries from the data itself: a document with a typo, a phone in another format.
  const [doc] = await rows<{ number: string }>(db, sql`select number from people_documents where type = 'por_card' order by id limit 1 offset (select count(*) / 3 from people_documents where type = 'por_card')`);
  const [phone] = await rows<{ phones: { number: string }[] }>(db, sql`select phones from people_individuals where jsonb_array_length(phones) > 0 order by id limit 1 offset (select count(*) / 2 from people_individuals where jsonb_array_length(phones) > 0)`);
  const typo = doc.number.slice(0, -1) + String((Number(doc.number.at(-1)) + 1) % 10);
  const phoneQ = `+93 ${phone.phones[0].number.slice(1)}`;
  const queries: [string, string][] = [
    ['variant', 'Mohd Yusuf Shinwari'],
    ['variant2', 'Gholam Haidar Safi'],
    ['common', 'Muhammad'],
    ['arabic', 'محمد یوسف شینواری'],
    ['arabic2', 'فاطمه احمدزی'],
    ['document-typo', typo],
    ['phone', phoneQ],
    ['reference', 'AFG-HH-000042'],
  ];
  const searchMs: Record<string, { p50: number; p95: number; hits: number }> = {};
  const allSearch: number[] = [];
  for (const [name, q] of queries) {
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < RUNS; r++) {
      const s = performance.now();
      const res = await db.transaction((tx) => search(tx, auth, actor, { operation: 'AFG', q, limit: 20 }));
      times.push(performance.now() - s);
      hits = res.items.length;
    }
    allSearch.push(...times);
    searchMs[name] = { p50: pct(times, 50), p95: pct(times, 95), hits };
  }

  // Lookup --------------------------------------------------------------------------------------
  const indexes = new LookupIndexes(database);
  const withTx = <T>(fn: (tx: typeof db) => Promise<T>) => db.transaction((tx) => fn(tx as typeof db));
  const b0 = performance.now();
  const first = await lookup(indexes, auth, { operationId: 'AFG', draft: { givenName: 'Mohammad Yusuf', fatherName: 'Abdul Ghafur', familyName: 'Shinwari', sex: 'male', birth: { precision: 'year', value: '1982' } }, limit: 5 }, withTx);
  const buildMs = performance.now() - b0;
  const sample = await rows<{ given_name: string | null; father_name: string | null; family_name: string | null; given_name_ar: string | null; sex: 'male' | 'female'; birth_input: string | null; birth_precision: string | null }>(
    db,
    sql`select given_name, father_name, family_name, given_name_ar, sex, birth_input, birth_precision from people_individuals where relationship = 'head' order by id limit ${RUNS * 5}`,
  );
  const swap: Record<string, string> = { Mohammad: 'Muhammad', Muhammad: 'Mohammad', Ahmad: 'Ahmed', Ghulam: 'Gholam', Yousuf: 'Yusuf', Fatima: 'Fatema' };
  const respell = (s: string | null) => (s ? s.split(' ').map((w) => swap[w] ?? w).join(' ') : null);
  const lookupTimes: number[] = [];
  const typingTimes: number[] = [];
  let found = 0;
  for (const p of sample) {
    const draft = {
      givenName: respell(p.given_name),
      fatherName: respell(p.father_name),
      familyName: p.family_name,
      givenNameAr: p.given_name ? null : p.given_name_ar,
      sex: p.sex,
      birth: p.birth_input && p.birth_precision ? { precision: p.birth_precision as 'year', value: p.birth_input } : null,
    };
    const s = performance.now();
    const res = await lookup(indexes, auth, { operationId: 'AFG', draft, limit: 5 }, withTx);
    lookupTimes.push(performance.now() - s);
    if (res.candidates.length) found++;
    // While typing: the given name alone, then with the family name.
    const s2 = performance.now();
    await lookup(indexes, auth, { operationId: 'AFG', draft: { givenName: draft.givenName ?? draft.givenNameAr, familyName: draft.familyName }, limit: 5 }, withTx);
    typingTimes.push(performance.now() - s2);
  }
  const out = {
    backend: database.kind,
    individuals: loaded,
    households: Math.round(PEOPLE / 4.4),
    loadMs: Math.round(loadMs),
    search: { runsPerQuery: RUNS, p50: pct(allSearch, 50), p95: pct(allSearch, 95), byQuery: searchMs },
    lookup: {
      firstLookupMs: Math.round(buildMs),
      index: await indexes.stats('AFG'),
      indexSize: first.indexSize,
      plantedFound: first.candidates.map((c) => `${c.person.displayName} ${c.decision} ${c.score}`),
      lookups: lookupTimes.length,
      p50: pct(lookupTimes, 50),
      p95: pct(lookupTimes, 95),
      withCandidates: found,
      partialDraft: { p50: pct(typingTimes, 50), p95: pct(typingTimes, 95) },
    },
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  };
  console.log(`BENCH ${JSON.stringify(out)}`);
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
