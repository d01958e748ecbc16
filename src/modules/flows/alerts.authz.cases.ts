import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';

// Surge alerts: reading needs flows.read (admin; analyst in AFG and PAK; the enumerator at the
// crossings of AF06 and AF27 only); managing rules and acknowledging needs flows.verify (admin,
// analyst). Nobody else holds a flows permission: 403.
const READERS = ['admin', 'enumerator', 'analyst'];
const MANAGERS = ['admin', 'analyst'];

const memo = new WeakMap<TestApp, Map<string, Promise<unknown>>>();
function once<T>(t: TestApp, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key) as Promise<T> | undefined;
  if (!v) m.set(key, (v = make()));
  return v;
}

const siteId = (t: TestApp, code: string) =>
  once(t, `alerts-site:${code}`, async () => {
    const res = await (await t.as('admin')).get(`/api/v1/sites?operation=AFG&q=${encodeURIComponent(code)}`);
    const hit = res.json().items.find((s: { code: string }) => s.code === code);
    if (!hit) throw new Error(`no site ${code}`);
    return hit.id as string;
  });

/** Each persona's case gets its own day in 2021 (flows cases use 2022), so counts never collide. */
const days = new WeakMap<TestApp, number>();
function nextDate(t: TestApp): string {
  const n = days.get(t) ?? 0;
  days.set(t, n + 1);
  return new Date(Date.UTC(2021, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

/** A rule (absolute, daily, threshold 0) at a crossing, made by the admin. */
const ruleAt = (t: TestApp, key: string, code: string) =>
  once(t, `alerts-rule:${key}:${code}`, async () => {
    const res = await (await t.as('admin')).post('/api/v1/flows/alert-rules', { operationId: 'AFG', siteId: await siteId(t, code), direction: 'out', kind: 'absolute', window: '1d', threshold: 0 });
    if (res.statusCode !== 201) throw new Error(`rule fixture: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

/** A fresh open alert at a crossing: an outflow count of 5 above the rule's threshold 0. */
const alertAt = async (t: TestApp, code: string) => {
  const admin = await t.as('admin');
  const ruleId = await ruleAt(t, 'alerts', code);
  const res = await admin.post('/api/v1/flows/counts', {
    id: uuidv7(),
    operationId: 'AFG',
    siteId: await siteId(t, code),
    date: nextDate(t),
    direction: 'out',
    total: 5,
    men: 5,
    women: 0,
    boys: 0,
    girls: 0,
    afghan: 5,
    otherNationality: 0,
  });
  if (res.statusCode !== 201) throw new Error(`alert fixture count: ${res.statusCode} ${res.body}`);
  const list = await admin.get(`/api/v1/flows/alerts?operation=AFG&rule=${ruleId}&status=open&limit=1`);
  const id = list.json().items[0]?.id as string | undefined;
  if (!id) throw new Error('alert fixture: no alert raised');
  return id;
};

const ruleBody = async (t: TestApp, code: string) => ({ operationId: 'AFG', siteId: await siteId(t, code), direction: 'in', kind: 'ratio', factor: 3 });

export const cases: AuthzCase[] = [
  {
    route: 'GET /api/v1/flows/alert-rules',
    request: () => ({ method: 'GET', url: '/api/v1/flows/alert-rules?operation=AFG' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/alert-rules',
    title: 'PAK: the enumerator works in AFG only',
    request: () => ({ method: 'GET', url: '/api/v1/flows/alert-rules?operation=PAK' }),
    expect: { ...only(MANAGERS, 200, 403), enumerator: 404 },
  },
  {
    route: 'POST /api/v1/flows/alert-rules',
    title: 'at Spin Boldak',
    request: async (t) => ({ method: 'POST', url: '/api/v1/flows/alert-rules', payload: await ruleBody(t, 'BCP-SPIN-BOLDAK') }),
    expect: only(MANAGERS, 201, 403),
  },
  {
    route: 'GET /api/v1/flows/alert-rules/:id',
    title: 'a Torkham rule',
    request: async (t) => ({ method: 'GET', url: `/api/v1/flows/alert-rules/${await ruleAt(t, 'read', 'BCP-TORKHAM')}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/alert-rules/:id',
    title: 'an Islam Qala rule',
    request: async (t) => ({ method: 'GET', url: `/api/v1/flows/alert-rules/${await ruleAt(t, 'read', 'BCP-ISLAM-QALA')}` }),
    expect: { ...only(MANAGERS, 200, 403), enumerator: 404 },
  },
  {
    route: 'PATCH /api/v1/flows/alert-rules/:id',
    title: 'switch a Torkham rule off',
    request: async (t) => ({ method: 'PATCH', url: `/api/v1/flows/alert-rules/${await ruleAt(t, 'patch', 'BCP-TORKHAM')}`, payload: { active: false } }),
    expect: only(MANAGERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/alerts',
    request: () => ({ method: 'GET', url: '/api/v1/flows/alerts?operation=AFG&limit=5' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/alerts',
    title: 'PAK: the enumerator works in AFG only',
    request: () => ({ method: 'GET', url: '/api/v1/flows/alerts?operation=PAK' }),
    expect: { ...only(MANAGERS, 200, 403), enumerator: 404 },
  },
  {
    route: 'POST /api/v1/flows/alerts/:id/acknowledge',
    title: 'a fresh Spin Boldak alert for each persona',
    request: async (t, persona) => ({ method: 'POST', url: `/api/v1/flows/alerts/${await alertAt(t, 'BCP-SPIN-BOLDAK')}/acknowledge`, payload: { note: `seen by ${persona}` } }),
    expect: only(MANAGERS, 200, 403),
  },
  {
    route: 'GET /api/v1/flows/origin-districts',
    title: 'Pakistani districts for the survey, also for AFG-only enumerators',
    request: () => ({ method: 'GET', url: '/api/v1/flows/origin-districts?q=pesh' }),
    expect: only(READERS, 200, 403),
  },
];
