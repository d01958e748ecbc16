import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/helpers/db';
import { createTestApp, type Agent, type TestApp } from '../../../test/helpers/app';

interface Area {
  pcode: string;
  name: string;
  nameLocal: string | null;
  level: number;
  parentPcode: string | null;
  childCount: number;
}

describe.each(BACKENDS)('operations and admin areas on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let viewer: Agent;
  beforeAll(async () => {
    t = await createTestApp(backend);
    admin = await t.as('admin');
    viewer = await t.as('viewer');
  });
  afterAll(async () => {
    await t?.close();
  });

  const total = async (url: string, who: Agent = viewer) => {
    const res = await who.get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().total as number;
  };

  it('lists the operations a user works in, and shows one', async () => {
    expect((await admin.get('/api/v1/operations')).json().items.map((o: { id: string }) => o.id)).toEqual(['AFG', 'PAK', 'IRN']);
    const partner = await t.as('partner');
    expect((await partner.get('/api/v1/operations')).json().items.map((o: { id: string }) => o.id)).toEqual(['PAK']);
    const afg = await viewer.get('/api/v1/operations/afg');
    expect(afg.statusCode).toBe(200);
    expect(afg.json()).toMatchObject({ id: 'AFG', currency: 'AFN', solarHijri: true, timeZone: 'Asia/Kabul' });
    expect((await partner.get('/api/v1/operations/AFG')).statusCode).toBe(404);
    expect((await viewer.get('/api/v1/operations/IRN')).statusCode).toBe(404);
    expect((await viewer.get('/api/v1/operations/XYZ')).statusCode).toBe(404);
  });

  it('holds the COD-AB gazetteer: AFG 34 / 401, PAK 7 / 160 / 577', async () => {
    expect(await total('/api/v1/areas?operation=AFG&level=1')).toBe(34);
    expect(await total('/api/v1/areas?operation=AFG&level=2')).toBe(401);
    expect(await total('/api/v1/areas?operation=PAK&level=1')).toBe(7);
    expect(await total('/api/v1/areas?operation=PAK&level=2')).toBe(160);
    expect(await total('/api/v1/areas?operation=PAK&level=3')).toBe(577);
    expect(await total('/api/v1/areas?operation=AFG&parent=AF01')).toBe(15);
    const res = await viewer.get('/api/v1/areas?operation=AFG&level=2&limit=2');
    expect(res.json().items[0]).toMatchObject({ pcode: 'AF0101', name: 'Kabul', nameLocal: 'کابل', level: 2, parentPcode: 'AF01', childCount: 0 });
  });

  it('finds areas by Dari name, with Arabic letters folded', async () => {
    const kabul = (await viewer.get(`/api/v1/areas?operation=AFG&q=${encodeURIComponent('کابل')}`)).json().items.map((a: Area) => a.pcode);
    expect(kabul).toEqual(expect.arrayContaining(['AF01', 'AF0101']));
    // Arabic kaf (ك) typed instead of Persian keheh (ک).
    const arabicKaf = (await viewer.get(`/api/v1/areas?operation=AFG&q=${encodeURIComponent('كابل')}`)).json().items.map((a: Area) => a.pcode);
    expect(arabicKaf).toEqual(kabul);
    // Arabic yeh (ي) instead of Persian yeh (ی): غزنی (Ghazni).
    const ghazni = await viewer.get(`/api/v1/areas?operation=AFG&level=1&q=${encodeURIComponent('غزني')}`);
    expect(ghazni.json().items.map((a: Area) => a.pcode)).toEqual(['AF11']);
    // English, any case.
    const herat = await viewer.get('/api/v1/areas?operation=AFG&level=1&q=HIRAT');
    expect(herat.json().items.map((a: Area) => a.name)).toEqual(['Hirat']);
  });

  it('finds areas by P-code prefix', async () => {
    const res = await viewer.get('/api/v1/areas?operation=AFG&q=AF06');
    const pcodes = res.json().items.map((a: Area) => a.pcode);
    expect(pcodes[0]).toBe('AF06');
    expect(pcodes.every((p: string) => p.startsWith('AF06'))).toBe(true);
    expect(res.json().total).toBe(1 + 22);
    expect(await total('/api/v1/areas?operation=PAK&q=pk513')).toBe(1 + (await total('/api/v1/areas?operation=PAK&parent=PK513')));
  });

  it('walks all 401 districts with the cursor, without duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { statusCode: number; json(): { items: Area[]; total: number; nextCursor: string | null } } = await viewer.get(
        `/api/v1/areas?operation=AFG&level=2&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.total).toBe(401);
      seen.push(...page.items.map((a) => a.pcode));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(9);
    expect(seen).toHaveLength(401);
    expect(new Set(seen).size).toBe(401);
    expect([...seen].sort()).toEqual(seen);
    expect((await viewer.get('/api/v1/areas?operation=AFG&cursor=garbage')).statusCode).toBe(400);
  });

  it('shows one area with its ancestors and child count', async () => {
    const res = await viewer.get('/api/v1/areas/AF0617?operation=AFG');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      operationId: 'AFG',
      pcode: 'AF0617',
      level: 2,
      parentPcode: 'AF06',
      childCount: 0,
      ancestors: [
        { pcode: 'AF', name: 'Afghanistan', nameLocal: 'افغانستان', level: 0 },
        { pcode: 'AF06', name: 'Nangarhar', level: 1 },
      ],
    });
    const province = (await viewer.get('/api/v1/areas/af06')).json();
    expect(province).toMatchObject({ pcode: 'AF06', childCount: 22, ancestors: [{ pcode: 'AF' }] });
    const tehsil = (await viewer.get('/api/v1/areas/PK51303')).json();
    expect(tehsil.ancestors.map((a: Area) => a.pcode)).toEqual(['PK', 'PK5', 'PK513']);
    expect(tehsil).toMatchObject({ operationId: 'PAK', level: 3, name: 'Landi Kotal' });
    expect((await viewer.get('/api/v1/areas/AF9999?operation=AFG')).statusCode).toBe(404);
    expect((await viewer.get('/api/v1/areas/PK5?operation=AFG')).statusCode).toBe(404);
    expect((await (await t.as('partner')).get('/api/v1/areas/AF01')).statusCode).toBe(404);
    expect((await (await t.as('registrar')).get('/api/v1/areas/PK5')).statusCode).toBe(404);
  });

  it('serves AFG boundaries as GeoJSON with normalised properties and an ETag', async () => {
    const l1 = await viewer.get('/api/v1/areas/boundaries?operation=AFG&level=1');
    expect(l1.statusCode).toBe(200);
    expect(l1.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc1 = l1.json();
    expect(fc1.type).toBe('FeatureCollection');
    expect(fc1.features).toHaveLength(34);
    const hirat = fc1.features.find((f: { properties: { pcode: string } }) => f.properties.pcode === 'AF32');
    // English name from the 2021 gazetteer (the 2018 polygons say "Herat").
    expect(hirat.properties).toEqual({ pcode: 'AF32', name: 'Hirat', nameLocal: 'هرات', level: 1, parentPcode: 'AF' });
    expect(['Polygon', 'MultiPolygon']).toContain(hirat.geometry.type);

    const l2 = await viewer.get('/api/v1/areas/boundaries?operation=AFG&level=2');
    expect(l2.statusCode).toBe(200);
    const fc2 = l2.json();
    expect(fc2.features).toHaveLength(399);
    for (const f of fc2.features) {
      expect(Object.keys(f.properties).sort()).toEqual(['level', 'name', 'nameLocal', 'parentPcode', 'pcode']);
      expect(f.properties.level).toBe(2);
      expect(f.properties.pcode.startsWith(f.properties.parentPcode)).toBe(true);
    }
    const patoo = fc2.features.find((f: { properties: { pcode: string } }) => f.properties.pcode === 'AF2409');
    expect(patoo.properties).toMatchObject({ name: 'Patoo', nameLocal: null });

    const etag = l2.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(l2.headers['cache-control']).toBe('private, no-cache');
    expect(l1.headers.etag).not.toBe(etag);
    const again = await viewer.request({ method: 'GET', url: '/api/v1/areas/boundaries?operation=AFG&level=2', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const weak = await viewer.request({ method: 'GET', url: '/api/v1/areas/boundaries?operation=AFG&level=2', headers: { 'if-none-match': `"x", W/${etag}` } });
    expect(weak.statusCode).toBe(304);
    const stale = await viewer.request({ method: 'GET', url: '/api/v1/areas/boundaries?operation=AFG&level=2', headers: { 'if-none-match': '"stale"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(l2.body);
  });

  it('answers 404 for boundaries that are not shipped or not visible', async () => {
    const pak = await admin.get('/api/v1/areas/boundaries?operation=PAK&level=1');
    expect(pak.statusCode).toBe(404);
    expect(pak.json().error.message).toMatch(/No boundaries are shipped for PAK/);
    expect((await (await t.as('partner')).get('/api/v1/areas/boundaries?operation=AFG&level=1')).statusCode).toBe(404);
    expect((await viewer.get('/api/v1/areas/boundaries?operation=AFG&level=3')).statusCode).toBe(400);
    // Not captured by /areas/:pcode.
    expect((await viewer.get('/api/v1/areas/boundaries?operation=AFG&level=1')).json().type).toBe('FeatureCollection');
  });

  it('loads the 11 border crossing points as flow monitoring sites with P-codes', async () => {
    const res = await viewer.get('/api/v1/sites?operation=AFG&kind=border_crossing_point');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { code: string; flowMonitoring: boolean; areaPcode: string | null; lat: number | null; neighbourCountry: string }[];
    expect(items).toHaveLength(11);
    expect(items.every((s) => s.flowMonitoring && s.areaPcode)).toBe(true);
    expect(items.filter((s) => s.lat !== null)).toHaveLength(9);
    const byCode = Object.fromEntries(items.map((s) => [s.code, s]));
    expect(byCode['BCP-TORKHAM']).toMatchObject({ areaPcode: 'AF0617', neighbourCountry: 'PAK' });
    expect(byCode['BCP-ISLAM-QALA']).toMatchObject({ areaPcode: 'AF3213', neighbourCountry: 'IRN' });
    expect(byCode['BCP-DAK']).toMatchObject({ areaPcode: 'AF', lat: null });
    expect(await total('/api/v1/sites?operation=AFG&flowMonitoring=true')).toBe(11);
  });
});
