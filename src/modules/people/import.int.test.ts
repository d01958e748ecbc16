/**
 * Bulk import of households (`people.households`): the three shapes field teams have, the
 * hand-entry rules per row and field, idempotent re-runs, and the duplicate check before commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { writeXlsxSheets } from '../../imports/testing';
import { XLSX_MIME } from '../../imports/source';
import { importFile } from '../imports/service';
import { householdBody } from './fixtures';
import { peopleImportDuplicates } from './import-schema';
import { householdsImport } from './import';
import { runImport } from '../../imports/pipeline';
import { loadGrants } from '../access/sessions';
import { users } from '../access/schema';
import type { AuthContext } from '../../server/context';
import { peopleHouseholds, peopleIndividuals } from './schema';

const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

/** Shape (a): one row per person, a household key, the head marked by relationship. */
const PEOPLE_HEADER = ['hh_id', 'relationship', 'first_name', 'father_name', 'last_name', 'name_ar', 'sex', 'dob', 'age', 'dob_sh', 'population_group', 'doc_type', 'doc_number', 'phone', 'specific_needs', 'current_pcode', 'bcp', 'crossing_date', 'consent'];
const peopleRows = [
  ['HH-1', 'head', 'Gul', 'Noor', 'Sadozai', 'گل', 'm', '1980-02-03', '', '', 'deported', 'tazkira', '1402-0101-55555', '0700111222', '', 'AF0601', 'BCP-TORKHAM', '2024-05-02', 'yes'],
  ['HH-1', 'wife', 'Bibi', 'Shah', 'Sadozai', '', 'f', '', '', '1362/05/01', 'deported', '', '', '', 'WR', 'AF0601', 'BCP-TORKHAM', '2024-05-02', 'yes'],
  ['HH-1', 'child', 'Nasrin', 'Gul', 'Sadozai', '', 'f', '', '9', '', '', '', '', '', '', '', '', '', ''],
  ['HH-2', 'head', 'Zarghuna', 'Wali', 'Stanekzai', '', 'female', '', '44', '', 'spontaneous', '', '', '', '', 'AF0601', '', '', 'yes'],
  // Problems: no head, a P-code outside the operation, a birth in the future; then an unknown sex.
  ['HH-3', 'son', 'Ahmad', 'Jan', 'Wardak', '', 'm', '2099-01-01', '', '', 'idp', '', '', '', '', 'PK528', '', '', 'yes'],
  ['HH-3', 'daughter', 'Laila', 'Jan', 'Wardak', '', 'm', '', '', '', 'idp', '', '', '', '', 'PK528', '', '', 'yes'],
  ['HH-5', 'head', 'Wali', 'Khan', 'Kakar', '', 'x', '', '', '', 'idp', '', '', '', '', 'AF9999', '', '', 'yes'],
];

describe.each(BACKENDS)('household import on %s', (backend) => {
  let t: TestApp;
  let runner: JobRunner;
  let registrar: Agent;
  let existingRef: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
    registrar = await t.as('registrar');
    // Registered by hand before: "Muhammad Karim Ahmadzai" (see fixtures.ts).
    const res = await registrar.post('/api/v1/people/households', householdBody());
    expect(res.statusCode, res.body).toBe(201);
    existingRef = res.json().reference;
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });
  const db = () => t.db.database.db;
  const count = async (table: typeof peopleHouseholds | typeof peopleIndividuals | typeof peopleImportDuplicates) => Number((await db().select({ n: sql<number>`count(*)::int` }).from(table))[0].n);

  it('one row per person: reports each problem by row and field with the hand-entry rules, then imports the valid households only', async () => {
    const file = Buffer.from(csv([PEOPLE_HEADER, ...peopleRows]));
    const before = await count(peopleHouseholds);
    const all = await importFile(t.db.database, 'registrar', 'people.households', file, { operation: 'AFG', fileName: 'people.csv' });
    expect(all.status).toBe('failed');
    expect(all.mapping).toMatchObject({ householdKey: 'hh_id', givenName: 'first_name', givenNameAr: 'name_ar', birthDate: 'dob', birthDateSh: 'dob_sh', crossingPoint: 'bcp', documentNumber: 'doc_number' });
    const errors = all.issues.filter((i) => !i.severity);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 6, field: 'birthDate', column: 'dob', message: 'The date of birth is in the future.' }),
        expect.objectContaining({ row: 6, field: 'currentPcode', message: 'PK528 is not a P-code of AFG.' }),
        expect.objectContaining({ row: 6, field: 'relationship', message: 'One member must be the head of household.' }),
        // A value the schema refuses does not hide the other problems of the household.
        expect.objectContaining({ row: 8, field: 'sex', column: 'sex' }),
        expect.objectContaining({ row: 8, field: 'currentPcode', message: 'AF9999 is not a P-code of AFG.' }),
      ]),
    );
    expect(all.summary).toMatchObject({ rows: 7, valid: 2, invalid: 3, inserted: 0 });
    expect(await count(peopleHouseholds)).toBe(before);

    const valid = await importFile(t.db.database, 'registrar', 'people.households', file, { operation: 'AFG', fileName: 'people.csv', mode: 'valid' });
    expect(valid.status).toBe('committed');
    expect(valid.summary.inserted).toBe(2);
    const list = (await registrar.get('/api/v1/people/households?operation=AFG&limit=10')).json();
    const gul = list.items.find((h: { headName: string }) => h.headName === 'Gul Sadozai');
    expect(gul).toMatchObject({ size: 3, populationGroup: 'returnee_deported', currentPcode: 'AF0601', crossingDate: '2024-05-02' });
    const detail = (await registrar.get(`/api/v1/people/households/${gul.id}`)).json();
    expect(detail.members.map((m: { relationship: string }) => m.relationship)).toEqual(['head', 'spouse', 'daughter']);
    expect(detail.members[0]).toMatchObject({ givenNameAr: 'گل', birth: { precision: 'exact', date: '1980-02-03' }, phones: [{ number: '0700111222' }] });
    expect(detail.members[0].documents[0]).toMatchObject({ type: 'tazkira', issuingCountry: 'AFG', number: '1402-0101-55555', status: 'issued' });
    expect(detail.members[1]).toMatchObject({ birth: { precision: 'solar_hijri', input: '1362/05/01' }, vulnerabilities: { specificNeeds: ['WR'] } });
    expect(detail.members[2].birth.precision).toBe('estimated_age');
    expect(detail.consents).toEqual([expect.objectContaining({ purpose: 'registration', individualId: detail.members[0].id })]);
    expect(detail.versions).toEqual([expect.objectContaining({ version: 1, action: 'household.import' })]);
    const journey = (await registrar.get(`/api/v1/people/households/${gul.id}/timeline`)).json();
    expect(journey.items.map((e: { kind: string }) => e.kind)).toContain('household.import');
    // Search finds an imported person by Arabic script (search keys were written).
    const found = (await registrar.get(`/api/v1/people/search?operation=AFG&q=${encodeURIComponent('گل')}`)).json();
    expect(found.items.some((h: { person: { householdId: string } }) => h.person.householdId === gul.id)).toBe(true);

    // The same rows again (in another file: one more row) add nothing but the new household.
    const again = await importFile(t.db.database, 'registrar', 'people.households', Buffer.from(csv([PEOPLE_HEADER, ...peopleRows.slice(0, 4), ['HH-4', 'head', 'Omid', 'Rahim', 'Kakar', '', 'm', '', '30', '', 'idp', '', '', '', '', 'AF0601', '', '', 'no']])), { operation: 'AFG', fileName: 'people2.csv' });
    expect(again.summary).toMatchObject({ existing: 2, inserted: 1 });
    // The same key with other content is an error on that household, not an overwrite.
    const changed = peopleRows.slice(3, 4).map((r) => r.map((c, i) => (i === 2 ? 'Zarghona' : c)));
    const conflict = await importFile(t.db.database, 'registrar', 'people.households', Buffer.from(csv([PEOPLE_HEADER, ...changed])), { operation: 'AFG', fileName: 'people3.csv' });
    expect(conflict.issues).toEqual([expect.objectContaining({ row: 2, field: 'householdKey', message: expect.stringContaining('imported before with other content') })]);
  });

  it('a Kobo export with the members as a repeat group (second sheet) through the wizard routes, with duplicate warnings naming the row and the existing household', async () => {
    const book = writeXlsxSheets([
      {
        name: 'registration',
        rows: [
          ['start', 'g_hh/population_group', 'g_hh/current_pcode', 'g_hh/consent', '_uuid', '_index'],
          ['2024-05-02T08:00:00', 'returnee_deported', 'AF0601', 'yes', 'c0ffee00-0000-4000-8000-000000000001', 1],
          ['2024-05-02T08:10:00', 'idp', 'AF0601', 'yes', 'c0ffee00-0000-4000-8000-000000000002', 2],
          ['2024-05-02T08:20:00', 'idp', 'AF0601', 'yes', 'c0ffee00-0000-4000-8000-000000000003', 3],
        ],
      },
      {
        name: 'members',
        rows: [
          ['members/relationship', 'members/given_name', 'members/father_name', 'members/family_name', 'members/sex', 'members/birth_year', '_index', '_parent_index', '_parent_table_name', '_submission__uuid'],
          // The head registered by hand before, spelled another way.
          ['head', 'Mohammad Karim', 'Abdul Rahman', 'Ahmadzai', 'male', '1984', 1, 1, 'registration', 'c0ffee00-0000-4000-8000-000000000001'],
          ['head', 'Sabira', 'Hamid', 'Noori', 'female', '1975', 2, 2, 'registration', 'c0ffee00-0000-4000-8000-000000000002'],
          ['head', 'Sabira', 'Hamid', 'Noori', 'female', '1975', 3, 3, 'registration', 'c0ffee00-0000-4000-8000-000000000003'],
        ],
      },
    ]);
    const up = await registrar.request({ method: 'POST', url: '/api/v1/imports?operation=AFG&kind=people.households&fileName=kobo.xlsx', payload: Buffer.from(book), headers: { 'content-type': XLSX_MIME } });
    expect(up.statusCode, up.body).toBe(201);
    const batch = up.json();
    expect(batch.headers).toContain('members/given_name');
    expect(batch.suggestedMapping).toMatchObject({ householdKey: '_uuid', givenName: 'members/given_name', populationGroup: 'g_hh/population_group', birthYear: 'members/birth_year' });
    const v = await registrar.post(`/api/v1/imports/${batch.id}/validate`, { mapping: batch.suggestedMapping });
    expect(v.statusCode, v.body).toBe(202);
    await runner.drain();
    const report = (await registrar.get(`/api/v1/imports/${batch.id}`)).json();
    expect(report.summary).toMatchObject({ rows: 3, valid: 3, invalid: 0, warnings: 2 });
    const warnings = report.issues.filter((i: { severity?: string }) => i.severity === 'warning');
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, field: 'givenName', message: expect.stringContaining(`household ${existingRef}`) }),
        expect.objectContaining({ row: 4, message: expect.stringContaining('same person as row 3') }),
      ]),
    );
    const c = await registrar.post(`/api/v1/imports/${batch.id}/commit`, { mode: 'all' });
    expect(c.statusCode, c.body).toBe(202);
    await runner.drain();
    const done = (await registrar.get(`/api/v1/imports/${batch.id}`)).json();
    expect(done.status, done.message).toBe('committed');
    expect(done.summary.inserted).toBe(3);
    const flags = await db().select().from(peopleImportDuplicates);
    expect(flags.map((f) => f.source).sort()).toEqual(['batch', 'registry']);
    const [hh] = await db().select().from(peopleHouseholds).where(eq(peopleHouseholds.id, flags.find((f) => f.source === 'registry')!.candidateHouseholdId));
    expect(hh.reference).toBe(existingRef);
  });

  it('a Kobo export with the head in the main sheet and the other members in the repeat sheet: suggested mapping, households built head first, problems on the right sheet and row, re-run adds nothing', async () => {
    const main = [
      ['start', 'g_head/given_name', 'g_head/father_name', 'g_head/family_name', 'g_head/sex', 'g_head/birth_year', 'g_head/doc_type', 'g_head/doc_number', 'g_head/phone', 'g_hh/population_group', 'g_hh/current_pcode', 'g_hh/consent', 'g_hh/specific_needs', '_uuid', '_index'],
      ['2024-06-01T08:00:00', 'Shir', 'Aqa', 'Popal', 'male', '1979', 'tazkira', '1401-0202-77777', '0700222333', 'returnee_deported', 'AF0601', 'yes', '', 'beef0000-0000-4000-8000-000000000001', 1],
      // A head alone: no repeat entries.
      ['2024-06-01T08:10:00', 'Torpekai', 'Nazar', 'Achakzai', 'female', '1968', '', '', '', 'returnee_spontaneous', 'AF0601', 'yes', '', 'beef0000-0000-4000-8000-000000000002', 2],
      // A head whose sex is not a sex: the problem is on the main sheet's row 4.
      ['2024-06-01T08:20:00', 'Jawed', 'Sami', 'Hotak', 'x', '1985', '', '', '', 'idp', 'AF0601', 'yes', '', 'beef0000-0000-4000-8000-000000000003', 3],
      // A member with a birth in the future: the problem is on the repeat sheet's row.
      ['2024-06-01T08:30:00', 'Fawad', 'Rahim', 'Barakzai', 'male', '1990', '', '', '', 'idp', 'AF0601', 'yes', '', 'beef0000-0000-4000-8000-000000000004', 4],
    ];
    const repeat = [
      ['members/relationship', 'members/given_name', 'members/father_name', 'members/family_name', 'members/sex', 'members/birth_year', '_index', '_parent_index', '_parent_table_name', '_submission__uuid'],
      ['spouse', 'Gulalai', 'Hamid', 'Popal', 'female', '1983', 1, 1, 'registration', 'beef0000-0000-4000-8000-000000000001'],
      ['child', 'Mirwais', 'Shir', 'Popal', 'male', '2010', 2, 1, 'registration', 'beef0000-0000-4000-8000-000000000001'],
      ['child', 'Palwasha', 'Shir', 'Popal', 'female', '2014', 3, 1, 'registration', 'beef0000-0000-4000-8000-000000000001'],
      ['spouse', 'Marzia', 'Karim', 'Hotak', 'female', '1988', 4, 3, 'registration', 'beef0000-0000-4000-8000-000000000003'],
      ['child', 'Yama', 'Fawad', 'Barakzai', 'male', '2099', 5, 4, 'registration', 'beef0000-0000-4000-8000-000000000004'],
    ];
    const book = writeXlsxSheets([
      { name: 'registration', rows: main },
      { name: 'members', rows: repeat },
    ]);
    const up = await registrar.request({ method: 'POST', url: '/api/v1/imports?operation=AFG&kind=people.households&fileName=kobo-heads.xlsx', payload: Buffer.from(book), headers: { 'content-type': XLSX_MIME } });
    expect(up.statusCode, up.body).toBe(201);
    const batch = up.json();
    // The questions asked in both sheets: the main sheet's go to the head, the repeat sheet's to the members.
    expect(batch.suggestedMapping).toMatchObject({
      householdKey: '_uuid',
      headGivenName: 'g_head/given_name',
      headFatherName: 'g_head/father_name',
      headFamilyName: 'g_head/family_name',
      headSex: 'g_head/sex',
      headBirthYear: 'g_head/birth_year',
      givenName: 'members/given_name',
      fatherName: 'members/father_name',
      familyName: 'members/family_name',
      sex: 'members/sex',
      birthYear: 'members/birth_year',
      relationship: 'members/relationship',
      populationGroup: 'g_hh/population_group',
    });
    // The head's document and phone have no twin in the repeat sheet: chosen in the mapping step.
    const mapping = { ...batch.suggestedMapping, headDocumentType: 'g_head/doc_type', headDocumentNumber: 'g_head/doc_number', headPhone: 'g_head/phone' };
    delete mapping.documentType;
    delete mapping.documentNumber;
    delete mapping.phone;
    const v = await registrar.post(`/api/v1/imports/${batch.id}/validate`, { mapping });
    expect(v.statusCode, v.body).toBe(202);
    await runner.drain();
    const report = (await registrar.get(`/api/v1/imports/${batch.id}`)).json();
    const errors = report.issues.filter((i: { severity?: string }) => !i.severity);
    expect(errors).toEqual([
      expect.objectContaining({ sheet: 'registration', row: 4, field: 'headSex', column: 'g_head/sex' }),
      expect.objectContaining({ sheet: 'members', row: 6, field: 'birthYear', column: 'members/birth_year', message: expect.stringContaining('future') }),
    ]);
    // Rows read: the five repeat entries and the head alone; the two bad households' rows are invalid.
    expect(report.summary).toMatchObject({ rows: 6, valid: 2, invalid: 2 });
    const c = await registrar.post(`/api/v1/imports/${batch.id}/commit`, { mode: 'valid', mapping });
    expect(c.statusCode, c.body).toBe(202);
    await runner.drain();
    const done = (await registrar.get(`/api/v1/imports/${batch.id}`)).json();
    expect(done.status, done.message).toBe('committed');
    expect(done.summary.inserted).toBe(2);

    const list = (await registrar.get('/api/v1/people/households?operation=AFG&limit=50')).json();
    const shir = list.items.find((h: { headName: string }) => h.headName === 'Shir Popal');
    expect(shir).toMatchObject({ size: 4, populationGroup: 'returnee_deported', currentPcode: 'AF0601' });
    const detail = (await registrar.get(`/api/v1/people/households/${shir.id}`)).json();
    expect(detail.members.map((m: { givenName: string; relationship: string }) => `${m.relationship}:${m.givenName}`)).toEqual(['head:Shir', 'spouse:Gulalai', 'son:Mirwais', 'daughter:Palwasha']);
    expect(detail.members[0]).toMatchObject({ sex: 'male', fatherName: 'Aqa', birth: { precision: 'year' }, phones: [{ number: '0700222333' }] });
    expect(detail.members[0].documents[0]).toMatchObject({ type: 'tazkira', number: '1401-0202-77777', issuingCountry: 'AFG' });
    expect(detail.consents).toEqual([expect.objectContaining({ purpose: 'registration', individualId: detail.members[0].id })]);
    const torpekai = list.items.find((h: { headName: string }) => h.headName === 'Torpekai Achakzai');
    expect(torpekai).toMatchObject({ size: 1, populationGroup: 'returnee_spontaneous' });
    expect(list.items.some((h: { headName: string }) => h.headName === 'Jawed Hotak' || h.headName === 'Fawad Barakzai')).toBe(false);

    // The same workbook again (the file's hash aside: one cell of a bad household changed) adds nothing new.
    const [u] = await db().select().from(users).where(eq(users.username, 'registrar'));
    const auth = { user: { id: u.id, username: u.username, displayName: u.displayName, organisationId: u.organisationId, language: u.language, isDemo: false }, grants: await loadGrants(db(), u.id), via: 'token' } as AuthContext;
    const book2 = writeXlsxSheets([
      { name: 'registration', rows: main.map((r, i) => (i === 3 ? r.map((c, j) => (j === 4 ? 'male' : c)) : r)) },
      { name: 'members', rows: repeat },
    ]);
    const individualsBefore = await count(peopleIndividuals);
    const again = await runImport({ database: t.db.database, adapter: householdsImport as never, auth, userId: u.id, operationId: 'AFG', bytes: book2, format: 'xlsx', mapping, mode: 'valid', commit: true });
    // Shir's and Torpekai's households exist; Jawed's (fixed now) is the only one added; Fawad's still has its problem.
    expect(again.summary).toMatchObject({ existing: 2, inserted: 1, invalid: 1 });
    expect(await count(peopleIndividuals)).toBe(individualsBefore + 2);
    const third = await runImport({ database: t.db.database, adapter: householdsImport as never, auth, userId: u.id, operationId: 'AFG', bytes: book2, format: 'xlsx', mapping, mode: 'valid', commit: true });
    expect(third.summary).toMatchObject({ existing: 3, inserted: 0 });
    expect(await count(peopleIndividuals)).toBe(individualsBefore + 2);
  });

  it('a member of the repeat sheet marked head beside a head in the main sheet is an error on that member\'s row', async () => {
    const book = writeXlsxSheets([
      {
        name: 'registration',
        rows: [
          ['g_head/given_name', 'g_head/sex', 'g_head/age', 'population_group', 'current_pcode', '_uuid', '_index'],
          ['Nabi', 'male', '50', 'idp', 'AF0601', 'beef0000-0000-4000-8000-0000000000aa', 1],
        ],
      },
      {
        name: 'members',
        rows: [
          ['members/relationship', 'members/given_name', 'members/sex', 'members/age', '_parent_index'],
          ['spouse', 'Shirin', 'female', '45', 1],
          ['head', 'Nabi', 'male', '50', 1],
        ],
      },
    ]);
    const r = await importFile(t.db.database, 'registrar', 'people.households', Buffer.from(book), { operation: 'AFG', fileName: 'two-heads.xlsx' });
    expect(r.mapping).toMatchObject({ headGivenName: 'g_head/given_name', givenName: 'members/given_name', headAge: 'g_head/age', age: 'members/age' });
    expect(r.issues.filter((i) => !i.severity)).toEqual([expect.objectContaining({ sheet: 'members', row: 3, field: 'relationship', message: expect.stringContaining('row 2 (registration)') })]);
    expect(r.summary).toMatchObject({ rows: 2, valid: 0, invalid: 2, inserted: 0 });
  });

  it('a CSV with the columns of the head on each member row: the head once, then the members', async () => {
    const file = csv([
      ['hh_id', 'hoh_name', 'hoh_sex', 'hoh_age', 'population_group', 'current_pcode', 'member_relationship', 'member_name', 'member_sex', 'member_age'],
      ['CSV-1', 'Qadir', 'male', '41', 'idp', 'AF0601', 'spouse', 'Nazifa', 'female', '35'],
      ['CSV-1', 'Qadir', 'male', '41', 'idp', 'AF0601', 'child', 'Sana', 'female', '7'],
      ['CSV-2', 'Basir', 'male', '30', 'idp', 'AF0601', 'son', 'Elham', 'male', '3'],
      ['CSV-2', 'Bashir', 'male', '30', 'idp', 'AF0601', 'daughter', 'Hadia', 'female', '1'],
    ]);
    const r = await importFile(t.db.database, 'registrar', 'people.households', Buffer.from(file), { operation: 'AFG', fileName: 'heads-on-rows.csv', mode: 'valid' });
    expect(r.mapping).toMatchObject({ headGivenName: 'hoh_name', headSex: 'hoh_sex', givenName: 'member_name', sex: 'member_sex', relationship: 'member_relationship' });
    expect(r.issues.filter((i) => !i.severity)).toEqual([expect.objectContaining({ row: 5, field: 'headGivenName', column: 'hoh_name', message: 'Differs from row 4 of the same household.' })]);
    expect(r.summary).toMatchObject({ inserted: 1, invalid: 2 });
    const list = (await registrar.get('/api/v1/people/households?operation=AFG&limit=50')).json();
    const qadir = list.items.find((h: { headName: string }) => h.headName === 'Qadir');
    expect(qadir).toMatchObject({ size: 3 });
  });

  it('one row per household with its head only (no key column)', async () => {
    const file = csv([
      ['given_name', 'family_name', 'gender', 'year_of_birth', 'population_group', 'district_pcode'],
      ['Habib', 'Rahimi', 'male', '1990', 'host_community', 'AF0601'],
      ['Maryam', 'Karimi', 'female', '1988', 'returnee_spontaneous', 'AF0601'],
    ]);
    const r = await importFile(t.db.database, 'registrar', 'people.households', Buffer.from(file), { operation: 'AFG', fileName: 'heads.csv' });
    expect(r.status, JSON.stringify(r.issues)).toBe('committed');
    expect(r.summary.inserted).toBe(2);
    const again = await importFile(t.db.database, 'registrar', 'people.households', Buffer.from(file.replace('\r\n', '\r\n\r\n')), { operation: 'AFG', fileName: 'heads-again.csv' });
    expect(again.summary).toMatchObject({ existing: 2, inserted: 0 });
  });

  it('writes in steps (one household per step here): a possible duplicate in an earlier step is still flagged, progress moves', async () => {
    const [u] = await db().select().from(users).where(eq(users.username, 'registrar'));
    const auth = { user: { id: u.id, username: u.username, displayName: u.displayName, organisationId: u.organisationId, language: u.language, isDemo: false }, grants: await loadGrants(db(), u.id), via: 'token' } as AuthContext;
    const file = csv([
      ['hh', 'relationship', 'given_name', 'father_name', 'family_name', 'sex', 'dob', 'population_group', 'current_pcode'],
      ['S-1', 'head', 'Rahmatullah', 'Nasrullah', 'Zadran', 'm', '1970-03-04', 'idp', 'AF0601'],
      ['S-2', 'head', 'Rahmatullah', 'Nasrullah', 'Zadran', 'm', '1970-03-04', 'idp', 'AF0601'],
      ['S-3', 'head', 'Parwana', 'Aziz', 'Safi', 'f', '1990-07-07', 'idp', 'AF0601'],
    ]);
    const steps: number[] = [];
    const batchFlags = async () => (await db().select().from(peopleImportDuplicates).where(eq(peopleImportDuplicates.source, 'batch'))).length;
    const before = await batchFlags();
    const r = await runImport({
      database: t.db.database,
      adapter: { ...householdsImport, writeChunkSize: 1 } as typeof householdsImport as never,
      auth,
      userId: u.id,
      operationId: 'AFG',
      bytes: Buffer.from(file),
      format: 'csv',
      mapping: { householdKey: 'hh', relationship: 'relationship', givenName: 'given_name', fatherName: 'father_name', familyName: 'family_name', sex: 'sex', birthDate: 'dob', populationGroup: 'population_group', currentPcode: 'current_pcode' },
      mode: 'all',
      commit: true,
      onProgress: (phase, done) => {
        if (phase === 'writing') steps.push(done);
      },
    });
    expect(r.outcome).toBe('committed');
    expect(r.summary.inserted).toBe(3);
    expect(steps).toEqual([0, 1, 2, 3]);
    // S-2 looks like S-1, written one step earlier: the flag is kept.
    expect(await batchFlags()).toBe(before + 1);
  });
});
