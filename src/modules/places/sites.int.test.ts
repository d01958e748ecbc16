import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, fieldsOf, type Agent, type TestApp } from '../../../test/helpers/app';
import { auditLog } from '../access/schema';

interface Site {
  id: string;
  operationId: string;
  code: string;
  name: string;
  areaPcode: string | null;
  kind: string;
  lat: number | null;
  lon: number | null;
}


describe.each(BACKENDS)('sites on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  const centre = (over: Record<string, unknown> = {}) => ({
    operationId: 'AFG',
    code: 'TC-JBD-01',
    name: 'Jalalabad transit centre',
    nameLocal: 'مرکز ترانزیت جلال‌آباد',
    kind: 'transit_centre',
    lat: 34.43,
    lon: 70.45,
    coordPrecision: 'about 100 m',
    areaPcode: 'AF0601',
    notes: 'Demo site',
    ...over,
  });

  it('creates, reads, changes a site, and audits both changes', async () => {
    const created = await admin.post('/api/v1/sites', centre());
    expect(created.statusCode, created.body).toBe(201);
    const site = created.json();
    expect(site).toMatchObject({ operationId: 'AFG', code: 'TC-JBD-01', kind: 'transit_centre', areaPcode: 'AF0601', flowMonitoring: false, active: true, neighbourCountry: null });
    expect((await admin.get(`/api/v1/sites/${site.id}`)).json()).toEqual(site);

    const patched = await admin.patch(`/api/v1/sites/${site.id}`, { name: 'Jalalabad TC', active: false, nameLocal: null });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Jalalabad TC', active: false, nameLocal: null, code: 'TC-JBD-01', lat: 34.43 });

    const rows = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'site'), eq(auditLog.entityId, site.id)));
    expect(rows.map((r) => r.action).sort()).toEqual(['site.create', 'site.update']);
    const update = rows.find((r) => r.action === 'site.update')!;
    expect(update.operationId).toBe('AFG');
    expect(update.changes).toMatchObject({ name: { before: 'Jalalabad transit centre', after: 'Jalalabad TC' }, active: { before: true, after: false } });
    expect(Object.keys(update.changes as object)).not.toContain('code');
  });

  it('finds sites by filters, Dari text and code prefix', async () => {
    await admin.post('/api/v1/sites', centre({ code: 'WH-KBL-01', name: 'Kabul warehouse', nameLocal: 'گدام کابل', kind: 'warehouse', areaPcode: 'AF0101', lat: 34.53, lon: 69.17 }));
    const q = async (query: string) => (await admin.get(`/api/v1/sites?${query}`)).json().items.map((s: Site) => s.code);
    expect(await q('operation=AFG&kind=warehouse')).toEqual(['WH-KBL-01']);
    expect(await q(`operation=AFG&q=${encodeURIComponent('كابل')}`)).toEqual(['WH-KBL-01']);
    expect(await q('q=wh-kbl')).toEqual(['WH-KBL-01']);
    expect(await q('operation=AFG&area=AF06&kind=border_crossing_point')).toEqual(['BCP-TORKHAM']);
    expect(await q('operation=AFG&q=chaman')).toEqual(['BCP-SPIN-BOLDAK']);
    expect(await q('operation=AFG&flowMonitoring=false')).toEqual(expect.arrayContaining(['WH-KBL-01']));
    expect(await q('operation=AFG&flowMonitoring=false')).not.toContain('BCP-TORKHAM');
    expect((await admin.get('/api/v1/sites?kind=castle')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/sites?operation=XYZ')).statusCode).toBe(404);
  });

  it('pages through sites with a cursor', async () => {
    const all = (await admin.get('/api/v1/sites?operation=AFG')).json();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Site[]; total: number; nextCursor: string | null } = (await admin.get(`/api/v1/sites?operation=AFG&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.total).toBe(all.total);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((s: Site) => s.id));
  });

  it('names the fields that are wrong', async () => {
    const bad = await admin.post('/api/v1/sites', centre({ code: 'ZZQ-1', kind: 'castle', lat: 91 }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(bad.json())).toEqual(['body.kind', 'body.lat']);

    // Latitude and longitude swapped: outside Afghanistan.
    const swapped = await admin.post('/api/v1/sites', centre({ code: 'ZZQ-2', lat: 70.45, lon: 34.43 }));
    expect(swapped.statusCode).toBe(400);
    expect(fieldsOf(swapped.json())).toEqual(['body.lat', 'body.lon']);
    expect(swapped.json().error.fields[0].message).toMatch(/outside Afghanistan/);

    // A Pakistani point in a Pakistani site is fine; in AFG it is not (Karachi).
    const karachi = { lat: 24.86, lon: 67.01 };
    expect(fieldsOf((await admin.post('/api/v1/sites', centre({ code: 'ZZQ-3', ...karachi }))).json())).toEqual(['body.lat']);
    const pk = await admin.post('/api/v1/sites', centre({ operationId: 'PAK', code: 'PK-KHI-01', areaPcode: 'PK7', ...karachi }));
    expect(pk.statusCode, pk.body).toBe(201);

    const halfPoint = await admin.post('/api/v1/sites', centre({ code: 'ZZQ-4', lat: 34.4, lon: null }));
    expect(fieldsOf(halfPoint.json())).toEqual(['body.lon']);

    const area = await admin.post('/api/v1/sites', centre({ code: 'ZZQ-5', areaPcode: 'PK513' }));
    expect(area.statusCode).toBe(400);
    expect(fieldsOf(area.json())).toEqual(['body.areaPcode']);

    const op = await admin.post('/api/v1/sites', centre({ code: 'ZZQ-6', operationId: 'XYZ' }));
    expect(fieldsOf(op.json())).toEqual(['body.operationId']);

    const missing = await admin.post('/api/v1/sites', { operationId: 'AFG' });
    expect(fieldsOf(missing.json())).toEqual(['body.code', 'body.kind', 'body.name']);

    // Nothing half-written.
    const codes = (await admin.get('/api/v1/sites?q=ZZQ')).json().items;
    expect(codes).toEqual([]);
  });

  it('keeps codes unique per operation (409 naming the field)', async () => {
    const dup = await admin.post('/api/v1/sites', centre({ code: 'bcp-torkham' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'CONFLICT', fields: [{ path: 'body.code' }], messageCode: 'conflict.siteCodeUsed', messageParams: { code: 'bcp-torkham', operationId: 'AFG' } });
    // The same code in another operation is fine.
    const other = await admin.post('/api/v1/sites', centre({ operationId: 'PAK', code: 'BCP-TORKHAM', areaPcode: 'PK513', lat: 34.1, lon: 71.1 }));
    expect(other.statusCode, other.body).toBe(201);
    const site = (await admin.post('/api/v1/sites', centre({ code: 'TC-RENAME' }))).json();
    const clash = await admin.patch(`/api/v1/sites/${site.id}`, { code: 'BCP-ISLAM-QALA' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.fields[0].path).toBe('body.code');
    const badPatch = await admin.patch(`/api/v1/sites/${site.id}`, { lat: 10 });
    expect(badPatch.statusCode).toBe(400);
    expect(fieldsOf(badPatch.json())).toEqual(['body.lat']);
    expect((await admin.patch('/api/v1/sites/0190f3c2-0000-7000-8000-000000000000', { name: 'x' })).statusCode).toBe(404);
  });

  it('limits an area-scoped enumerator to the sites inside AF06 and AF27', async () => {
    const herat = (await admin.post('/api/v1/sites', centre({ code: 'RC-HRT-01', name: 'Herat reception centre', kind: 'reception_centre', areaPcode: 'AF3201', lat: 34.35, lon: 62.2 }))).json();
    const kandahar = (await admin.post('/api/v1/sites', centre({ code: 'TC-KDH-01', name: 'Kandahar transit centre', areaPcode: 'AF2701', lat: 31.61, lon: 65.71 }))).json();
    const countryWide = (await admin.post('/api/v1/sites', centre({ code: 'HQ-NONE', name: 'Site without area', areaPcode: null, lat: null, lon: null }))).json();

    const enumerator = await t.as('enumerator');
    const list = (await enumerator.get('/api/v1/sites?operation=AFG&limit=1000')).json();
    const areas = list.items.map((s: Site) => s.areaPcode);
    expect(areas.length).toBeGreaterThan(0);
    expect(areas.every((a: string) => a.startsWith('AF06') || a.startsWith('AF27'))).toBe(true);
    expect(list.total).toBe(list.items.length);
    const codes = list.items.map((s: Site) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['BCP-TORKHAM', 'BCP-SPIN-BOLDAK', 'TC-KDH-01', 'TC-JBD-01']));
    expect(codes).not.toContain('RC-HRT-01');
    expect(codes).not.toContain('BCP-ISLAM-QALA');
    expect(codes).not.toContain('BCP-DAK');
    // Without an operation: the same rows (her only operation is AFG).
    expect((await enumerator.get('/api/v1/sites?limit=1000')).json().total).toBe(list.total);
    // Search and totals never reveal what she may not see.
    expect((await enumerator.get('/api/v1/sites?q=herat')).json()).toEqual({ items: [], total: 0, nextCursor: null });

    expect((await enumerator.get(`/api/v1/sites/${kandahar.id}`)).statusCode).toBe(200);
    expect((await enumerator.get(`/api/v1/sites/${herat.id}`)).statusCode).toBe(404);
    expect((await enumerator.get(`/api/v1/sites/${countryWide.id}`)).statusCode).toBe(404);
    // She cannot change any site, even inside her areas.
    expect((await enumerator.patch(`/api/v1/sites/${kandahar.id}`, { name: 'x' })).statusCode).toBe(403);

    // The partner works only in PAK and sees no AFG site at all.
    const partner = await t.as('partner');
    expect((await partner.get(`/api/v1/sites/${kandahar.id}`)).statusCode).toBe(404);
    expect((await partner.get('/api/v1/sites?operation=AFG')).statusCode).toBe(404);
    const pakOnly = (await partner.get('/api/v1/sites')).json();
    expect(pakOnly.items.every((s: Site) => s.operationId === 'PAK')).toBe(true);
  });
});
