/**
 * Bulk household import benchmark: a synthetic file of N households (one row per person, with a
 * household key, as field teams keep them in Excel) imported through the same pipeline as the
 * wizard and `hamrah import` (validate with the hand-entry rules, duplicate check against the
 * batch and the registry, multi-row writes), on PGlite unless BENCH_DATABASE_URL is set.
 *
 *   npm run bench:people-import [-- --households 10000 --registry 20000]
 *
 * Prints the phases, wall and process CPU time, and `BENCH {json}` last.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/client';
import { prepareDatabase } from '../src/server/bootstrap';
import { seedDemo } from '../src/modules/demo/seed';
import { importFile } from '../src/modules/imports/service';
import { demoPlaces, generateHouseholds, insertHouseholds } from '../src/modules/people/demo';
import { lastDuplicateCheck, lastWrite } from '../src/modules/people/import';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const HOUSEHOLDS = arg('households', 10_000);
const REGISTRY = arg('registry', 20_000);
const log = (s: string) => process.stderr.write(`${s}\n`);

const GROUP: Record<string, string> = { returnee_deported: 'deported', returnee_spontaneous: 'spontaneous' };

async function main() {
  const database = await openDatabase(process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL } : { dataDir: 'memory://' });
  await prepareDatabase(database);
  await database.db.transaction((tx) => seedDemo(tx, 'bench-password-not-used'));
  const places = await demoPlaces(database.db);
  // A registry to check against (households registered earlier).
  const earlier = generateHouseholds(places, { households: REGISTRY, operationId: 'AFG', seed: 7, days: 365 });
  await database.db.transaction((tx) => insertHouseholds(tx, earlier, { snapshots: false }));
  const registryPeople = earlier.reduce((n, h) => n + h.members.length, 0);

  // The file: other synthetic households (a second seed), one row per person, in Excel's words.
  const list = generateHouseholds(places, { households: HOUSEHOLDS, operationId: 'AFG', seed: 99, days: 30 });
  const header = ['hh_id', 'relationship', 'first_name', 'father_name', 'last_name', 'name_ar', 'sex', 'dob', 'age', 'dob_sh', 'population_group', 'doc_type', 'doc_number', 'phone', 'current_pcode', 'destination_pcode', 'crossing_date', 'consent'];
  const lines = [header.join(',')];
  let people = 0;
  for (const [i, h] of list.entries())
    for (const m of h.members) {
      people++;
      const b = m.birth;
      const d = m.documents[0];
      lines.push(
        [
          `HH-${i + 1}`,
          m.relationship,
          m.givenName ?? '',
          m.fatherName ?? '',
          m.familyName ?? '',
          m.givenNameAr ?? '',
          m.sex === 'male' ? 'm' : 'f',
          b && (b.precision === 'exact' || b.precision === 'year') ? b.value : '',
          b?.precision === 'estimated_age' ? b.value : '',
          b?.precision === 'solar_hijri' ? b.value : '',
          GROUP[h.populationGroup] ?? h.populationGroup,
          d?.type ?? '',
          d?.number ?? '',
          m.phones[0]?.number ?? '',
          h.currentPcode,
          h.destinationPcode ?? '',
          h.crossingDate ?? '',
          'yes',
        ]
          .map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
          .join(','),
      );
    }
  const file = Buffer.from(lines.join('\n') + '\n');
  log(`file: ${HOUSEHOLDS.toLocaleString('en')} households, ${people.toLocaleString('en')} people, ${(file.length / 1e6).toFixed(1)} MB CSV; registry ${registryPeople.toLocaleString('en')} people (${database.kind})`);

  const phases: Record<string, number> = {};
  let phase = '';
  let since = performance.now();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await importFile(database, 'admin', 'people.households', file, { operation: 'AFG', mode: 'valid', fileName: 'bench-households.csv' }, (p) => {
    if (p === phase) return;
    const now = performance.now();
    if (phase) phases[phase] = Math.round(now - since);
    phase = p;
    since = now;
  });
  const ms = performance.now() - t0;
  if (phase) phases[phase] = Math.round(performance.now() - since);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  log(`import: ${res.status}, ${res.summary.inserted} households written, ${res.summary.invalid} invalid rows, ${res.summary.warnings ?? 0} duplicate warnings: ${Math.round(ms)} ms wall, ${cpuMs} ms CPU`);
  const write = lastWrite;
  log(`phases (ms, the write is inside "checking" as progress is reported after it): ${JSON.stringify(phases)}`);
  log(`duplicate check ${JSON.stringify(lastDuplicateCheck)}; writes ${JSON.stringify(write)}`);
  if (res.summary.invalid) log(`first problems: ${JSON.stringify(res.issues.filter((i) => !i.severity).slice(0, 3))}`);
  const again0 = performance.now();
  const again = await importFile(database, 'admin', 'people.households', Buffer.concat([file, Buffer.from('\n')]), { operation: 'AFG', mode: 'valid', fileName: 'bench-again.csv' });
  const againMs = Math.round(performance.now() - again0);
  log(`re-run of the same rows: ${again.summary.existing} existing, ${again.summary.inserted} written, ${againMs} ms`);
  await database.close();
  console.log(
    `BENCH ${JSON.stringify({
      name: 'people-import',
      backend: database.kind,
      households: { value: HOUSEHOLDS, unit: 'households' },
      people: { value: people, unit: 'people' },
      registry: { value: registryPeople, unit: 'people' },
      importMs: { value: Math.round(ms), unit: 'ms', target: 60_000 },
      cpuMs: { value: cpuMs, unit: 'ms' },
      phases,
      duplicateCheckMs: { value: lastDuplicateCheck?.ms ?? null, unit: 'ms' },
      write,
      warnings: { value: res.summary.warnings ?? 0, unit: 'warnings' },
      rerunMs: { value: againMs, unit: 'ms' },
      rerunInserted: { value: again.summary.inserted, unit: 'households', target: 0 },
    })}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
