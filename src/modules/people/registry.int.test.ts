import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, fieldsOf, type Agent, type TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { auditLog } from '../access/schema';
import { householdBody } from './fixtures';


describe.each(BACKENDS)('people registry on %s', (backend) => {
  let t: TestApp;
  let registrar: Agent;
  let cash: Agent;
  let distributor: Agent;
  let body: ReturnType<typeof householdBody>;
  let id: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    registrar = await t.as('registrar');
    cash = await t.as('cash');
    distributor = await t.as('distributor');
    body = householdBody();
    const res = await registrar.post('/api/v1/people/households', body);
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const auditRows = (entityId: string) => t.db.database.db.select().from(auditLog).where(eq(auditLog.entityId, entityId));

  it('registers a household with members in one request: reference, QR token, version 1, normalised births, one audit row', async () => {
    const res = await registrar.get(`/api/v1/people/households/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h.reference).toMatch(/^AFG-HH-\d{6}$/);
    expect(h.qrToken.length).toBeGreaterThanOrEqual(20);
    expect(h).toMatchObject({ version: 1, size: 3, headName: 'Muhammad Karim Ahmadzai', populationGroup: 'returnee_deported', sensitive: true, femaleHeaded: false });
    expect(h.members.map((m: { relationship: string }) => m.relationship)).toEqual(['head', 'spouse', 'son']);
    expect(h.members[1].birth).toMatchObject({ precision: 'solar_hijri', input: '1368/02/10', date: '1989-04-30', yearFrom: 1989, yearTo: 1989 });
    expect(h.members[2].birth.precision).toBe('estimated_age');
    expect(h.members[2].birth.yearTo - h.members[2].birth.yearFrom).toBe(1);
    expect(h.members[0].documents[0]).toMatchObject({ type: 'por_card', status: 'issued', history: [{ status: 'issued', on: '2022-01-01' }] });
    expect(h.members[0].vulnerabilities).toMatchObject({ disability: true, specificNeeds: ['DS'], uasc: false });
    expect(h.consents[0]).toMatchObject({ purpose: 'registration', individualId: body.members[0].id, withdrawnAt: null });
    expect(h.versions).toEqual([expect.objectContaining({ version: 1, action: 'household.create' })]);
    const rows = await auditRows(id);
    expect(rows.filter((r) => r.action === 'household.create')).toHaveLength(1);
    // The sensitive GET above was audited as a sensitive read.
    expect(rows.filter((r) => r.sensitiveRead && r.action === 'household.read').length).toBeGreaterThanOrEqual(1);
  });

  it('a re-POST of the same body answers the stored household; another body with the same id is 409', async () => {
    const again = await registrar.post('/api/v1/people/households', body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().id).toBe(id);
    const other = await registrar.post('/api/v1/people/households', { ...body, notes: 'changed' });
    expect(other.statusCode).toBe(409);
    expect((await auditRows(id)).filter((r) => r.action === 'household.create')).toHaveLength(1);
  });

  it('refuses a household without a head, a nameless member and an impossible birth date, naming each field', async () => {
    const b = householdBody();
    b.members[0].relationship = 'brother';
    (b.members[1] as Record<string, unknown>).givenName = null;
    (b.members[1] as Record<string, unknown>).familyName = null;
    (b.members[2] as Record<string, unknown>).birth = { precision: 'exact', value: '2019-02-30' };
    const res = await registrar.post('/api/v1/people/households', b);
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json())).toEqual(['body.members', 'body.members.1.givenName', 'body.members.2.birth.value']);
  });

  it('hides documents, phones and vulnerabilities from readers without people.sensitive.read', async () => {
    const res = await cash.get(`/api/v1/people/households/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h.sensitive).toBe(false);
    expect(h.femaleHeaded).toBeNull();
    for (const m of h.members) expect([m.phones, m.documents, m.vulnerabilities]).toEqual([null, null, null]);
    expect(h.members[0].givenName).toBe('Muhammad Karim');
    expect(JSON.stringify(h)).not.toContain('99887766');
    const caseworker = await (await t.as('caseworker')).get(`/api/v1/people/households/${id}`);
    expect(caseworker.json().sensitive).toBe(true);
  });

  it('scopes by area: the distributor (AF06 only) sees a Nangarhar household, not a Kandahar one', async () => {
    expect((await distributor.get(`/api/v1/people/households/${id}`)).statusCode).toBe(200);
    const far = householdBody({ currentPcode: 'AF2701' });
    expect((await registrar.post('/api/v1/people/households', far)).statusCode).toBe(201);
    expect((await distributor.get(`/api/v1/people/households/${far.id}`)).statusCode).toBe(404);
    const list = (await distributor.get('/api/v1/people/households?operation=AFG&limit=100')).json();
    expect(list.items.map((h: { id: string }) => h.id)).toContain(id);
    expect(list.items.map((h: { id: string }) => h.id)).not.toContain(far.id);
    expect(list.total).toBe(list.items.length);
  });

  it('edits make versions; a stale baseVersion is 409; earlier versions stay readable', async () => {
    const cur = (await registrar.get(`/api/v1/people/households/${id}`)).json();
    const v = cur.version;
    const ok = await registrar.patch(`/api/v1/people/households/${id}`, { baseVersion: v, destinationPcode: 'AF0601', notes: 'Going home to Jalalabad' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: v + 1, destinationPcode: 'AF0601' });
    const stale = await registrar.patch(`/api/v1/people/households/${id}`, { baseVersion: v, notes: 'lost update' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ messageCode: 'conflict.householdVersion', messageParams: { version: v + 1, baseVersion: v } });
    const old = await registrar.get(`/api/v1/people/households/${id}/versions/${v}`);
    expect(old.statusCode).toBe(200);
    expect(old.json().snapshot.destinationPcode).toBe('AF0101');
    const audits = (await auditRows(id)).filter((r) => r.action === 'household.update');
    expect(audits).toHaveLength(1);
    expect(audits[0].changes).toMatchObject({ destinationPcode: { before: 'AF0101', after: 'AF0601' } });
  });

  it('members, document status and consent changes each add a version and show on the timeline', async () => {
    let h = (await registrar.get(`/api/v1/people/households/${id}`)).json();
    const added = await registrar.post(`/api/v1/people/households/${id}/members`, { baseVersion: h.version, member: { id: uuidv7(), relationship: 'daughter', givenName: 'Zainab', sex: 'female', birth: { precision: 'year', value: '2015' }, uasc: false } });
    expect(added.statusCode, added.body).toBe(200);
    h = added.json();
    expect(h.size).toBe(4);
    const daughter = h.members.find((m: { givenName: string }) => m.givenName === 'Zainab');
    const edited = await registrar.patch(`/api/v1/people/households/${id}/members/${daughter.id}`, { baseVersion: h.version, givenName: 'Zaynab', elsewhereOperationId: 'PAK' });
    expect(edited.statusCode, edited.body).toBe(200);
    h = edited.json();
    expect(h.members.find((m: { id: string }) => m.id === daughter.id)).toMatchObject({ givenName: 'Zaynab', elsewhereOperationId: 'PAK' });
    const removed = await registrar.post(`/api/v1/people/households/${id}/members/${daughter.id}/remove`, { baseVersion: h.version, reason: 'left_household' });
    expect(removed.statusCode, removed.body).toBe(200);
    h = removed.json();
    expect(h.size).toBe(3);
    expect(h.members.at(-1)).toMatchObject({ id: daughter.id, removalReason: 'left_household' });
    const docId = h.members[0].documents[0].id;
    const st = await registrar.post(`/api/v1/people/documents/${docId}/status`, { status: 'confiscated', on: '2025-03-01', note: 'At the border' });
    expect(st.statusCode, st.body).toBe(200);
    expect(st.json().members[0].documents[0]).toMatchObject({ status: 'confiscated', history: [{ status: 'issued' }, { status: 'confiscated', on: '2025-03-01' }] });
    const consentId = st.json().consents[0].id;
    const w = await registrar.post(`/api/v1/people/consents/${consentId}/withdraw`, { reason: 'Asked at the desk' });
    expect(w.statusCode, w.body).toBe(200);
    expect(w.json().consents[0].withdrawnAt).not.toBeNull();
    expect((await registrar.post(`/api/v1/people/consents/${consentId}/withdraw`, {})).statusCode).toBe(409);
    const tl = (await registrar.get(`/api/v1/people/households/${id}/timeline`)).json().items.map((e: { kind: string }) => e.kind);
    expect(tl[0]).toBe('household.create');
    for (const k of ['consent.give', 'household.update', 'member.add', 'member.update', 'member.remove', 'document.status', 'consent.withdraw']) expect(tl).toContain(k);
    // The cash officer's timeline leaves out document changes (sensitive).
    const cashTl = (await cash.get(`/api/v1/people/households/${id}/timeline`)).json().items.map((e: { kind: string }) => e.kind);
    expect(cashTl).not.toContain('document.status');
    const actions = (await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.operationId, 'AFG')))).map((r) => r.action);
    for (const a of ['member.add', 'member.update', 'member.remove', 'document.status', 'consent.withdraw']) expect(actions).toContain(a);
  });

  it('only the people.write holders write; the cash officer cannot edit', async () => {
    const h = (await cash.get(`/api/v1/people/households/${id}`)).json();
    expect((await cash.patch(`/api/v1/people/households/${id}`, { baseVersion: h.version, notes: 'x' })).statusCode).toBe(403);
  });

  it('serves the QR code and resolves a scanned token', async () => {
    const svg = await registrar.get(`/api/v1/people/households/${id}/qr`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<svg');
    const png = await registrar.get(`/api/v1/people/households/${id}/qr?format=png`);
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const token = (await registrar.get(`/api/v1/people/households/${id}`)).json().qrToken;
    const hit = await distributor.get(`/api/v1/people/qr/${token}`);
    expect(hit.statusCode).toBe(200);
    expect(hit.json().id).toBe(id);
    expect((await distributor.get('/api/v1/people/qr/not-a-real-token-at-all')).statusCode).toBe(404);
  });

  describe('search and lookup', () => {
    let arabicId: string;
    beforeAll(async () => {
      const ar = householdBody(
        { currentPcode: 'AF0601' },
        { givenName: null, fatherName: null, familyName: null, givenNameAr: 'غلام حیدر', fatherNameAr: 'نور محمد', familyNameAr: 'صافی', phones: [{ number: '0799 555 444', label: null }], documents: [{ id: uuidv7(), type: 'tazkira', number: '1400-0101-55555', issuingCountry: 'AFG' }] },
      );
      expect((await registrar.post('/api/v1/people/households', ar)).statusCode).toBe(201);
      arabicId = ar.members[0].id;
    });

    const search = (a: Agent, q: string) => a.get(`/api/v1/people/search?operation=AFG&q=${encodeURIComponent(q)}`);
    const ids = (res: { json(): { items: { person: { id: string } }[] } }) => res.json().items.map((i) => i.person.id);

    it('finds a name in another spelling (Mohammad for Muhammad) and in Arabic script', async () => {
      const latin = await search(registrar, 'Mohammad Ahmadzai');
      expect(latin.statusCode, latin.body).toBe(200);
      expect(ids(latin)).toContain(body.members[0].id);
      expect(latin.json().items[0].matched).toContain('name');
      const arabic = await search(registrar, 'محمد');
      expect(ids(arabic)).toContain(body.members[0].id);
      expect(arabic.json().items.find((i: { person: { id: string } }) => i.person.id === body.members[0].id).matched).toContain('arabic');
      // Latin query for a person recorded only in Arabic script.
      const gh = await search(registrar, 'Gholam Haidar');
      expect(ids(gh)).toContain(arabicId);
    });

    it('finds a document number with one typo and a phone in another format (sensitive readers only)', async () => {
      const typo = await search(registrar, 'POR99887767');
      expect(ids(typo)).toContain(body.members[0].id);
      expect(typo.json().items[0].matched).toContain('document');
      const phone = await search(registrar, '+93 799 555 444');
      expect(ids(phone)).toEqual([arabicId]);
      expect(phone.json().items[0].matched).toEqual(['phone']);
      // The cash officer may not link a document number to a person.
      expect(ids(await search(cash, 'POR99887766'))).toEqual([]);
      const audited = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'person_search'), eq(auditLog.sensitiveRead, true)));
      expect(audited.length).toBeGreaterThanOrEqual(2);
    });

    it('narrows by a birth year typed after the name', async () => {
      expect(ids(await search(registrar, 'Mohammad Ahmadzai 1984'))).toContain(body.members[0].id);
      expect(ids(await search(registrar, 'Mohammad Ahmadzai 1960'))).not.toContain(body.members[0].id);
    });

    it('finds the members of a household by its reference', async () => {
      const ref = (await registrar.get(`/api/v1/people/households/${id}`)).json().reference;
      const res = await search(cash, ref);
      expect(res.json().items.length).toBe(3);
      expect(res.json().items[0].person.relationship).toBe('head');
    });

    it('lookup while typing finds the existing record under another spelling, and a later registration too', async () => {
      const draft = { givenName: 'Mohammad Karim', fatherName: 'Abdulrahman', familyName: 'Ahmadzai', sex: 'male', birth: { precision: 'year', value: '1984' } };
      const res = await registrar.post('/api/v1/people/lookup', { operationId: 'AFG', draft });
      expect(res.statusCode, res.body).toBe(200);
      const first = res.json().candidates[0];
      expect(first.person.id).toBe(body.members[0].id);
      expect(['match', 'review']).toContain(first.decision);
      expect(first.score).toBeGreaterThan(0);
      // Registered after the index was built: found through the delta index.
      const late = householdBody({}, { givenName: 'Shir Agha', fatherName: 'Gul Mohammad', familyName: 'Popalzai', givenNameAr: null, birth: { precision: 'exact', value: '1979-05-05' }, documents: [] });
      expect((await registrar.post('/api/v1/people/households', late)).statusCode).toBe(201);
      const res2 = await registrar.post('/api/v1/people/lookup', { operationId: 'AFG', draft: { givenName: 'Sher Agha', fatherName: 'Gul Muhammad', familyName: 'Popalzay', sex: 'male', birth: { precision: 'exact', value: '1979-05-05' } } });
      expect(res2.json().candidates[0]?.person.id).toBe(late.members[0].id);
      // Excluding the household being edited.
      const res3 = await registrar.post('/api/v1/people/lookup', { operationId: 'AFG', draft, excludeHouseholdId: id });
      expect(res3.json().candidates.map((c: { person: { id: string } }) => c.person.id)).not.toContain(body.members[0].id);
    });
  });
});
