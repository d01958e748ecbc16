import type { AuthzCase } from '../../../test/authz/types';
import { everyone, only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';

// Who holds places.read where (src/modules/demo/personas.ts): everyone but the partner works in
// AFG (the enumerator only in AF06 Nangarhar and AF27 Kandahar, the distributor only in AF06);
// admin, analyst, cash, cfm, psea, partner and viewer work in PAK. Only admin has places.manage.
const AFG = ['admin', 'enumerator', 'analyst', 'registrar', 'cash', 'distributor', 'caseworker', 'gbv', 'cfm', 'psea', 'warehouse', 'viewer'];
const AFG_COUNTRYWIDE = AFG.filter((p) => p !== 'enumerator' && p !== 'distributor');
const PAK = ['admin', 'analyst', 'cash', 'cfm', 'psea', 'partner', 'viewer'];

/** Ids the cases need, looked up or created once per test app through the admin persona. */
const memo = new WeakMap<TestApp, Map<string, Promise<string>>>();
function once(t: TestApp, key: string, make: () => Promise<string>): Promise<string> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key);
  if (!v) m.set(key, (v = make()));
  return v;
}

const siteId = (t: TestApp, code: string) =>
  once(t, `site:${code}`, async () => {
    const res = await (await t.as('admin')).get(`/api/v1/sites?operation=AFG&q=${encodeURIComponent(code)}`);
    const hit = res.json().items.find((s: { code: string }) => s.code === code);
    if (!hit) throw new Error(`no site ${code}`);
    return hit.id as string;
  });

const orgId = (t: TestApp, acronym: string) =>
  once(t, `org:${acronym}`, async () => {
    const res = await (await t.as('admin')).get(`/api/v1/organisations?q=${encodeURIComponent(acronym)}`);
    const hit = res.json().items.find((o: { acronym: string }) => o.acronym === acronym);
    if (!hit) throw new Error(`no organisation ${acronym}`);
    return hit.id as string;
  });

const scratchSite = (t: TestApp) =>
  once(t, 'scratch-site', async () => {
    const res = await (await t.as('admin')).post('/api/v1/sites', { operationId: 'AFG', code: 'AUTHZ-PATCH', name: 'Matrix site', kind: 'transit_centre', areaPcode: 'AF0601', lat: 34.43, lon: 70.45 });
    if (res.statusCode !== 201) throw new Error(`scratch site: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const scratchOrg = (t: TestApp) =>
  once(t, 'scratch-org', async () => {
    const res = await (await t.as('admin')).post('/api/v1/organisations', { acronym: 'AUTHZ-PATCH', name: 'Matrix organisation', type: 'other', operationIds: ['AFG'] });
    if (res.statusCode !== 201) throw new Error(`scratch organisation: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

export const cases: AuthzCase[] = [
  { route: 'GET /api/v1/operations', request: () => ({ method: 'GET', url: '/api/v1/operations' }), expect: everyone(200) },
  {
    route: 'GET /api/v1/operations/:id',
    title: 'AFG: everyone working in Afghanistan',
    request: () => ({ method: 'GET', url: '/api/v1/operations/AFG' }),
    expect: only(AFG, 200, 404),
  },
  {
    route: 'GET /api/v1/operations/:id',
    title: 'PAK: only those granted in PAK',
    request: () => ({ method: 'GET', url: '/api/v1/operations/PAK' }),
    expect: only(PAK, 200, 404),
  },
  {
    route: 'GET /api/v1/areas',
    title: 'PAK areas: only those granted in PAK',
    request: () => ({ method: 'GET', url: '/api/v1/areas?operation=PAK&level=1' }),
    expect: only(PAK, 200, 404),
  },
  {
    route: 'GET /api/v1/areas',
    title: 'AFG districts: the whole gazetteer, area-limited grants included',
    request: () => ({ method: 'GET', url: '/api/v1/areas?operation=AFG&level=2&limit=5' }),
    expect: only(AFG, 200, 404),
  },
  {
    route: 'GET /api/v1/areas/:pcode',
    title: 'AF0101 Kabul district',
    request: () => ({ method: 'GET', url: '/api/v1/areas/AF0101?operation=AFG' }),
    expect: only(AFG, 200, 404),
  },
  {
    route: 'GET /api/v1/areas/:pcode',
    title: 'PK51303 Landi Kotal, operation inferred',
    request: () => ({ method: 'GET', url: '/api/v1/areas/PK51303' }),
    expect: only(PAK, 200, 404),
  },
  {
    route: 'GET /api/v1/areas/boundaries',
    title: 'AFG districts',
    request: () => ({ method: 'GET', url: '/api/v1/areas/boundaries?operation=AFG&level=2' }),
    expect: only(AFG, 200, 404),
  },
  {
    route: 'GET /api/v1/areas/boundaries',
    title: 'PAK: no boundaries shipped, and not visible to most',
    request: () => ({ method: 'GET', url: '/api/v1/areas/boundaries?operation=PAK&level=1' }),
    expect: everyone(404),
  },
  {
    route: 'GET /api/v1/sites',
    title: 'AFG sites',
    request: () => ({ method: 'GET', url: '/api/v1/sites?operation=AFG' }),
    expect: only(AFG, 200, 404),
  },
  {
    route: 'GET /api/v1/sites/:id',
    title: 'Torkham (AF0617): inside the enumerator\'s and distributor\'s AF06',
    request: async (t) => ({ method: 'GET', url: `/api/v1/sites/${await siteId(t, 'BCP-TORKHAM')}` }),
    expect: only(AFG, 200, 404),
  },
  {
    route: 'GET /api/v1/sites/:id',
    title: 'Spin Boldak (AF2711): the enumerator has AF27, the distributor does not',
    request: async (t) => ({ method: 'GET', url: `/api/v1/sites/${await siteId(t, 'BCP-SPIN-BOLDAK')}` }),
    expect: only(AFG.filter((p) => p !== 'distributor'), 200, 404),
  },
  {
    route: 'GET /api/v1/sites/:id',
    title: 'Islam Qala (AF3213 Herat): outside every area-limited grant',
    request: async (t) => ({ method: 'GET', url: `/api/v1/sites/${await siteId(t, 'BCP-ISLAM-QALA')}` }),
    expect: only(AFG_COUNTRYWIDE, 200, 404),
  },
  {
    route: 'POST /api/v1/sites',
    request: (_t, persona) => ({
      method: 'POST',
      url: '/api/v1/sites',
      payload: { operationId: 'AFG', code: `AUTHZ-${persona}`, name: `Site by ${persona}`, kind: 'warehouse', areaPcode: 'AF0101', lat: 34.5, lon: 69.2 },
    }),
    expect: only(['admin'], 201, 403),
  },
  {
    route: 'PATCH /api/v1/sites/:id',
    request: async (t, persona) => ({ method: 'PATCH', url: `/api/v1/sites/${await scratchSite(t)}`, payload: { notes: `touched by ${persona}` } }),
    expect: only(['admin'], 200, 403),
  },
  { route: 'GET /api/v1/organisations', request: () => ({ method: 'GET', url: '/api/v1/organisations' }), expect: everyone(200) },
  {
    route: 'GET /api/v1/organisations/:id',
    title: 'IOM works everywhere',
    request: async (t) => ({ method: 'GET', url: `/api/v1/organisations/${await orgId(t, 'IOM')}` }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/v1/organisations/:id',
    title: 'HRA works only in PAK',
    request: async (t) => ({ method: 'GET', url: `/api/v1/organisations/${await orgId(t, 'HRA')}` }),
    expect: only(PAK, 200, 404),
  },
  {
    route: 'POST /api/v1/organisations',
    request: (_t, persona) => ({
      method: 'POST',
      url: '/api/v1/organisations',
      payload: { acronym: `AZ-${persona}`, name: `Organisation of ${persona}`, type: 'national_ngo', operationIds: ['AFG'] },
    }),
    expect: only(['admin'], 201, 403),
  },
  {
    route: 'PATCH /api/v1/organisations/:id',
    request: async (t, persona) => ({ method: 'PATCH', url: `/api/v1/organisations/${await scratchOrg(t)}`, payload: { name: `Renamed by ${persona}` } }),
    expect: only(['admin'], 200, 403),
  },
];
