import type { AuthzCase } from '../../../test/authz/types';
import { everyone, only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';

// Imports need the kind's permission: flows.surveys needs flows.survey.write, which the admin
// holds everywhere and the enumerator in AFG (AF06, AF27) only; nobody else holds it (403).
// A batch and its job are seen only by the user who uploaded it: everyone else gets 404.
const SURVEY_WRITERS = ['admin', 'enumerator'];

const memo = new WeakMap<TestApp, Map<string, Promise<unknown>>>();
function once<T>(t: TestApp, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key) as Promise<T> | undefined;
  if (!v) m.set(key, (v = make()));
  return v;
}

const CSV = 'bcp,date,direction,respondent_sex,age_band,group_size,men,women,boys,girls,origin_country,documents,intended_stay,consent\n' +
  'BCP-TORKHAM,2024-05-02,in,f,25-34,2,1,1,0,0,PAK,tazkira,ge1y,yes\n';
const upload = (operation: string) => ({
  method: 'POST' as const,
  url: `/api/v1/imports?operation=${operation}&kind=flows.surveys&fileName=authz.csv`,
  payload: CSV,
  headers: { 'content-type': 'text/csv' },
});

/** A batch the enumerator uploaded (one per purpose, so state changes do not collide). */
const batchOf = (t: TestApp, purpose: string) =>
  once(t, `imports-batch:${purpose}`, async () => {
    const res = await (await t.as('enumerator')).request(upload('AFG'));
    if (res.statusCode !== 201) throw new Error(`import fixture: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

/** A queued job the enumerator started (validating a batch; no runner runs in the matrix). */
const jobOf = (t: TestApp, purpose: string) =>
  once(t, `imports-job:${purpose}`, async () => {
    const id = await batchOf(t, `job-${purpose}`);
    const res = await (await t.as('enumerator')).post(`/api/v1/imports/${id}/validate`, { mapping: {} });
    if (res.statusCode !== 202) throw new Error(`job fixture: ${res.statusCode} ${res.body}`);
    return res.json().job.id as string;
  });

const ownerOnly = (ok: number) => only(['enumerator'], ok, 404);

export const cases: AuthzCase[] = [
  {
    route: 'GET /api/v1/imports/kinds',
    title: 'everyone may ask; the list holds only what they may import',
    request: () => ({ method: 'GET', url: '/api/v1/imports/kinds?operation=AFG' }),
    expect: everyone(200),
  },
  {
    route: 'POST /api/v1/imports',
    title: 'surveys in AFG',
    request: () => upload('AFG'),
    expect: only(SURVEY_WRITERS, 201, 403),
  },
  {
    route: 'POST /api/v1/imports',
    title: 'surveys in PAK: the enumerator works in AFG only',
    request: () => upload('PAK'),
    expect: { ...only(['admin'], 201, 403), enumerator: 404 },
  },
  {
    route: 'GET /api/v1/imports',
    request: () => ({ method: 'GET', url: '/api/v1/imports?operation=AFG&kind=flows.surveys' }),
    expect: only(SURVEY_WRITERS, 200, 403),
  },
  {
    route: 'GET /api/v1/imports/:id',
    title: "the enumerator's upload",
    request: async (t) => ({ method: 'GET', url: `/api/v1/imports/${await batchOf(t, 'read')}` }),
    expect: ownerOnly(200),
  },
  {
    route: 'GET /api/v1/imports/:id/issues',
    title: "the enumerator's upload",
    request: async (t) => ({ method: 'GET', url: `/api/v1/imports/${await batchOf(t, 'read')}/issues` }),
    expect: ownerOnly(200),
  },
  {
    route: 'POST /api/v1/imports/:id/validate',
    title: "the enumerator's upload",
    request: async (t) => ({ method: 'POST', url: `/api/v1/imports/${await batchOf(t, 'validate')}/validate`, payload: { mapping: {} } }),
    expect: ownerOnly(202),
  },
  {
    route: 'POST /api/v1/imports/:id/commit',
    title: "the enumerator's upload",
    request: async (t) => ({ method: 'POST', url: `/api/v1/imports/${await batchOf(t, 'commit')}/commit`, payload: { mode: 'valid' } }),
    expect: ownerOnly(202),
  },
  {
    route: 'GET /api/v1/jobs/:id',
    title: "the enumerator's validation job",
    request: async (t) => ({ method: 'GET', url: `/api/v1/jobs/${await jobOf(t, 'read')}` }),
    expect: ownerOnly(200),
  },
  {
    route: 'POST /api/v1/jobs/:id/cancel',
    title: "the enumerator's queued job",
    request: async (t) => ({ method: 'POST', url: `/api/v1/jobs/${await jobOf(t, 'cancel')}/cancel` }),
    expect: ownerOnly(200),
  },
];
