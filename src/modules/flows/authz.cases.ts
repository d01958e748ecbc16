import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';

// Who holds what (src/server/permissions.ts, src/modules/demo/personas.ts): the enumerator holds
// flows.read, flows.count.write and flows.survey.write in AFG, limited to AF06 (Torkham) and AF27
// (Spin Boldak); the analyst holds flows.read, flows.verify and flows.export in AFG and PAK; the
// admin holds all of them everywhere. Nobody else holds a flows permission: 403.
const READERS = ['admin', 'enumerator', 'analyst'];
const WRITERS = ['admin', 'enumerator'];
const VERIFIERS = ['admin', 'analyst'];
const EXPORTERS = ['admin', 'analyst'];

const memo = new WeakMap<TestApp, Map<string, Promise<unknown>>>();
function once<T>(t: TestApp, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key) as Promise<T> | undefined;
  if (!v) m.set(key, (v = make()));
  return v;
}

const siteId = (t: TestApp, code: string) =>
  once(t, `flows-site:${code}`, async () => {
    const res = await (await t.as('admin')).get(`/api/v1/sites?operation=AFG&q=${encodeURIComponent(code)}`);
    const hit = res.json().items.find((s: { code: string }) => s.code === code);
    if (!hit) throw new Error(`no site ${code}`);
    return hit.id as string;
  });

/** Every count a case creates gets its own day (keys never collide), all in the past. */
const days = new WeakMap<TestApp, number>();
function nextDate(t: TestApp): string {
  const n = days.get(t) ?? 0;
  days.set(t, n + 1);
  return new Date(Date.UTC(2022, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

const figures = { total: 10, men: 4, women: 2, boys: 2, girls: 2, afghan: 10, otherNationality: 0, deported: 3, spontaneous: 7, otherReason: 0 };
const countBody = async (t: TestApp, code: string) => ({ id: uuidv7(), operationId: 'AFG', siteId: await siteId(t, code), date: nextDate(t), direction: 'in', ...figures });

/** A count created by the admin and moved to `status`, for each key (persona) separately. */
const countAt = (t: TestApp, key: string, code: string, status: 'draft' | 'submitted' | 'verified') =>
  once(t, `flows-count:${key}:${code}:${status}`, async () => {
    const admin = await t.as('admin');
    const res = await admin.post('/api/v1/flows/counts', await countBody(t, code));
    if (res.statusCode !== 201) throw new Error(`count fixture: ${res.statusCode} ${res.body}`);
    const id = res.json().id as string;
    for (const step of status === 'draft' ? [] : status === 'submitted' ? ['submit'] : ['submit', 'verify']) {
      const s = await admin.post(`/api/v1/flows/counts/${id}/${step}`);
      if (s.statusCode !== 200) throw new Error(`count fixture ${step}: ${s.statusCode} ${s.body}`);
    }
    return id;
  });

const surveyBody = async (t: TestApp, code: string) => ({
  id: uuidv7(),
  operationId: 'AFG',
  siteId: await siteId(t, code),
  date: '2024-05-02',
  direction: 'in',
  respondentSex: 'm',
  respondentAgeBand: '35-49',
  groupSize: 2,
  men: 1,
  women: 1,
  boys: 0,
  girls: 0,
  originCountry: code === 'BCP-ISLAM-QALA' ? 'IRN' : 'PAK',
  documents: ['tazkira'],
  reasons: ['return'],
  intendedStay: 'ge1y',
  consent: true,
});

const surveyAt = (t: TestApp, code: string) =>
  once(t, `flows-survey:${code}`, async () => {
    const res = await (await t.as('admin')).post('/api/v1/flows/surveys', await surveyBody(t, code));
    if (res.statusCode !== 201) throw new Error(`survey fixture: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const current = async (t: TestApp, id: string) => (await (await t.as('admin')).get(`/api/v1/flows/counts/${id}`)).json().version as number;

export const cases: AuthzCase[] = [
  {
    route: 'POST /api/v1/flows/counts',
    title: 'Torkham (AF0617): the enumerator\'s crossing',
    request: async (t) => ({ method: 'POST', url: '/api/v1/flows/counts', payload: await countBody(t, 'BCP-TORKHAM') }),
    expect: only(WRITERS, 201, 403),
  },
  {
    route: 'POST /api/v1/flows/counts',
    title: 'Islam Qala (AF3213): outside the enumerator\'s areas',
    request: async (t) => ({ method: 'POST', url: '/api/v1/flows/counts', payload: await countBody(t, 'BCP-ISLAM-QALA') }),
    expect: { ...only(['admin'], 201, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/flows/counts',
    request: () => ({ method: 'GET', url: '/api/v1/flows/counts?operation=AFG&limit=5' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/counts',
    title: 'PAK: the enumerator works in AFG only',
    request: () => ({ method: 'GET', url: '/api/v1/flows/counts?operation=PAK' }),
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/flows/counts/:id',
    title: 'a Spin Boldak count',
    request: async (t) => ({ method: 'GET', url: `/api/v1/flows/counts/${await countAt(t, 'read', 'BCP-SPIN-BOLDAK', 'draft')}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/counts/:id',
    title: 'an Islam Qala count',
    request: async (t) => ({ method: 'GET', url: `/api/v1/flows/counts/${await countAt(t, 'read', 'BCP-ISLAM-QALA', 'draft')}` }),
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
  {
    route: 'PUT /api/v1/flows/counts/:id',
    title: 'correct a Torkham count',
    request: async (t, persona) => {
      const id = await countAt(t, 'correct', 'BCP-TORKHAM', 'draft');
      return { method: 'PUT', url: `/api/v1/flows/counts/${id}`, payload: { ...figures, notes: `by ${persona}`, baseVersion: await current(t, id) } };
    },
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'PUT /api/v1/flows/counts/:id',
    title: 'correct an Islam Qala count',
    request: async (t, persona) => {
      const id = await countAt(t, 'correct', 'BCP-ISLAM-QALA', 'draft');
      return { method: 'PUT', url: `/api/v1/flows/counts/${id}`, payload: { ...figures, notes: `by ${persona}`, baseVersion: await current(t, id) } };
    },
    expect: { ...only(['admin'], 200, 403), enumerator: 404 },
  },
  {
    route: 'POST /api/v1/flows/counts/:id/submit',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/flows/counts/${await countAt(t, persona, 'BCP-TORKHAM', 'draft')}/submit` }),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'POST /api/v1/flows/counts/:id/verify',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/flows/counts/${await countAt(t, persona, 'BCP-TORKHAM', 'submitted')}/verify` }),
    expect: only(VERIFIERS, 200, 403),
  },
  {
    route: 'POST /api/v1/flows/counts/:id/publish',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/flows/counts/${await countAt(t, persona, 'BCP-TORKHAM', 'verified')}/publish` }),
    expect: only(VERIFIERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/counts.csv',
    request: () => ({ method: 'GET', url: '/api/v1/flows/counts.csv?operation=AFG&from=2022-01-01&to=2022-01-31' }),
    expect: only(EXPORTERS, 200, 403),
  },
  {
    route: 'POST /api/v1/flows/surveys',
    title: 'at Spin Boldak',
    request: async (t) => ({ method: 'POST', url: '/api/v1/flows/surveys', payload: await surveyBody(t, 'BCP-SPIN-BOLDAK') }),
    expect: only(WRITERS, 201, 403),
  },
  {
    route: 'POST /api/v1/flows/surveys',
    title: 'at Islam Qala',
    request: async (t) => ({ method: 'POST', url: '/api/v1/flows/surveys', payload: await surveyBody(t, 'BCP-ISLAM-QALA') }),
    expect: { ...only(['admin'], 201, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/flows/surveys',
    request: () => ({ method: 'GET', url: '/api/v1/flows/surveys?operation=AFG&limit=5' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/surveys/:id',
    title: 'a Torkham survey',
    request: async (t) => ({ method: 'GET', url: `/api/v1/flows/surveys/${await surveyAt(t, 'BCP-TORKHAM')}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/surveys/:id',
    title: 'an Islam Qala survey',
    request: async (t) => ({ method: 'GET', url: `/api/v1/flows/surveys/${await surveyAt(t, 'BCP-ISLAM-QALA')}` }),
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/flows/summary',
    request: () => ({ method: 'GET', url: '/api/v1/flows/summary?operation=AFG&from=2024-04-01&to=2024-06-30' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/summary',
    title: 'PAK: the enumerator works in AFG only',
    request: () => ({ method: 'GET', url: '/api/v1/flows/summary?operation=PAK&from=2024-04-01&to=2024-06-30' }),
    expect: { ...only(['admin', 'analyst'], 200, 403), enumerator: 404 },
  },
];
