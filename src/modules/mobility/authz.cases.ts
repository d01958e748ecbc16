import type { AuthzCase } from '../../../test/authz/types';
import { everyone, only, PERSONA_NAMES } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';

// Who holds what (src/server/permissions.ts, src/modules/demo/personas.ts): the enumerator holds
// mobility.read and mobility.write in AFG, limited to AF06 (Nangarhar) and AF27 (Kandahar); the
// analyst holds mobility.read, mobility.write and mobility.verify in AFG and PAK; the admin holds
// all of them everywhere. Nobody else holds a mobility permission: 403. Every persona holds
// reports.published.read, which is enough for the DTM-API-compatible endpoint.
const READERS = ['admin', 'enumerator', 'analyst'];
const WRITERS = ['admin', 'enumerator', 'analyst'];
const VERIFIERS = ['admin', 'analyst'];

const memo = new WeakMap<TestApp, Map<string, Promise<unknown>>>();
function once<T>(t: TestApp, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key) as Promise<T> | undefined;
  if (!v) m.set(key, (v = make()));
  return v;
}

/** A district per persona, so that each persona's assessment has its own place in the round. */
function district(province: 'AF06' | 'AF01', persona: string): string {
  const i = PERSONA_NAMES.indexOf(persona) + 2; // anonymous → 1
  return `${province}${String(i).padStart(2, '0')}`;
}

const figures = { idps: { ind: 50, hh: 8 }, returnees: { ind: 120, hh: 18 }, idpReturnees: { ind: 0, hh: 0 }, outMigrants: { ind: 0, hh: 0 } };
const row = (admin2Pcode: string) => ({ kind: 'baseline', admin2Pcode, figures });

const round = (t: TestApp, key: string) =>
  once(t, `mobility-round:${key}`, async () => {
    const res = await (await t.as('admin')).post('/api/v1/mobility/rounds', { id: uuidv7(), operationId: 'AFG', kind: 'baseline', name: `authz ${key}`, referenceDate: '2024-12-31' });
    if (res.statusCode !== 201) throw new Error(`round fixture: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

/** A round with one assessment (in AF0601), moved to `status`, per key. */
const roundAt = (t: TestApp, key: string, status: 'draft' | 'submitted' | 'verified') =>
  once(t, `mobility-round-at:${key}:${status}`, async () => {
    const admin = await t.as('admin');
    const id = await round(t, `${key}:${status}`);
    const a = await admin.post(`/api/v1/mobility/rounds/${id}/assessments`, { id: uuidv7(), ...row('AF0601') });
    if (a.statusCode !== 201) throw new Error(`assessment fixture: ${a.statusCode} ${a.body}`);
    for (const step of status === 'draft' ? [] : status === 'submitted' ? ['submit'] : ['submit', 'verify']) {
      const s = await admin.post(`/api/v1/mobility/rounds/${id}/${step}`);
      if (s.statusCode !== 200) throw new Error(`round fixture ${step}: ${s.statusCode} ${s.body}`);
    }
    return id;
  });

/** An assessment in a shared draft round, in `pcode`. */
const assessmentAt = (t: TestApp, pcode: string) =>
  once(t, `mobility-assessment:${pcode}`, async () => {
    const res = await (await t.as('admin')).post(`/api/v1/mobility/rounds/${await round(t, 'shared')}/assessments`, { id: uuidv7(), ...row(pcode) });
    if (res.statusCode !== 201) throw new Error(`assessment fixture: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const current = async (t: TestApp, id: string) => (await (await t.as('admin')).get(`/api/v1/mobility/assessments/${id}`)).json().version as number;

export const cases: AuthzCase[] = [
  {
    route: 'POST /api/v1/mobility/rounds',
    request: () => ({ method: 'POST', url: '/api/v1/mobility/rounds', payload: { id: uuidv7(), operationId: 'AFG', kind: 'event', name: 'authz event round', referenceDate: '2025-01-01' } }),
    expect: only(VERIFIERS, 201, 403),
  },
  {
    route: 'GET /api/v1/mobility/rounds',
    request: () => ({ method: 'GET', url: '/api/v1/mobility/rounds?operation=AFG&limit=5' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/mobility/rounds',
    title: 'PAK: the enumerator works in AFG only',
    request: () => ({ method: 'GET', url: '/api/v1/mobility/rounds?operation=PAK' }),
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/mobility/rounds/:id',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/rounds/${await round(t, 'shared')}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'PATCH /api/v1/mobility/rounds/:id',
    request: async (t, persona) => ({ method: 'PATCH', url: `/api/v1/mobility/rounds/${await round(t, 'shared')}`, payload: { notes: `by ${persona}` } }),
    expect: only(VERIFIERS, 200, 403),
  },
  {
    route: 'DELETE /api/v1/mobility/rounds/:id',
    title: 'an empty draft round per persona',
    request: async (t, persona) => ({ method: 'DELETE', url: `/api/v1/mobility/rounds/${await round(t, `delete:${persona}`)}` }),
    expect: only(VERIFIERS, 204, 403),
  },
  {
    route: 'POST /api/v1/mobility/rounds/:id/submit',
    title: 'an operation-wide grant is needed: the enumerator\'s is area-limited',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/mobility/rounds/${await roundAt(t, persona, 'draft')}/submit` }),
    expect: only(VERIFIERS, 200, 403),
  },
  {
    route: 'POST /api/v1/mobility/rounds/:id/verify',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/mobility/rounds/${await roundAt(t, persona, 'submitted')}/verify` }),
    expect: only(VERIFIERS, 200, 403),
  },
  {
    route: 'POST /api/v1/mobility/rounds/:id/publish',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/mobility/rounds/${await roundAt(t, persona, 'verified')}/publish` }),
    expect: only(VERIFIERS, 200, 403),
  },
  {
    route: 'GET /api/v1/mobility/rounds/:id/summary',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/rounds/${await round(t, 'shared')}/summary` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'POST /api/v1/mobility/rounds/:id/assessments',
    title: 'a Nangarhar district: the enumerator\'s area',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/mobility/rounds/${await round(t, 'create')}/assessments`, payload: { id: uuidv7(), ...row(district('AF06', persona)) } }),
    expect: only(WRITERS, 201, 403),
  },
  {
    route: 'POST /api/v1/mobility/rounds/:id/assessments',
    title: 'a Kabul district: outside the enumerator\'s areas',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/mobility/rounds/${await round(t, 'create')}/assessments`, payload: { id: uuidv7(), ...row(district('AF01', persona)) } }),
    expect: { ...only(['admin', 'analyst'], 201, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/mobility/rounds/:id/assessments',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/rounds/${await round(t, 'shared')}/assessments?limit=5` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/mobility/rounds/:id/assessments.csv',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/rounds/${await round(t, 'shared')}/assessments.csv` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/mobility/rounds/:id/assessments.xlsx',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/rounds/${await round(t, 'shared')}/assessments.xlsx` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/mobility/assessments/:id',
    title: 'in Nangarhar',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/assessments/${await assessmentAt(t, 'AF0620')}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/mobility/assessments/:id',
    title: 'in Kabul',
    request: async (t) => ({ method: 'GET', url: `/api/v1/mobility/assessments/${await assessmentAt(t, 'AF0115')}` }),
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
  {
    route: 'PUT /api/v1/mobility/assessments/:id',
    title: 'correct a Nangarhar row',
    request: async (t, persona) => {
      const id = await assessmentAt(t, 'AF0621');
      return { method: 'PUT', url: `/api/v1/mobility/assessments/${id}`, payload: { ...row('AF0621'), notes: `by ${persona}`, baseVersion: await current(t, id) } };
    },
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'PUT /api/v1/mobility/assessments/:id',
    title: 'correct a Kabul row',
    request: async (t, persona) => {
      const id = await assessmentAt(t, 'AF0114');
      return { method: 'PUT', url: `/api/v1/mobility/assessments/${id}`, payload: { ...row('AF0114'), notes: `by ${persona}`, baseVersion: await current(t, id) } };
    },
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
  ...(['admin0', 'admin1', 'admin2'] as const).map(
    (level): AuthzCase => ({
      route: `GET /api/dtm/v3/displacement/${level}`,
      title: 'any holder of reports.published.read; a token or session is needed',
      request: () => ({ method: 'GET', url: `/api/dtm/v3/displacement/${level}?Admin0Pcode=AFG` }),
      expect: everyone(200),
    }),
  ),
  {
    route: 'GET /api/dtm/v3/operation-list',
    request: () => ({ method: 'GET', url: '/api/dtm/v3/operation-list' }),
    expect: everyone(200),
  },
];
