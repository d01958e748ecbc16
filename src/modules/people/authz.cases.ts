import type { InjectOptions } from 'fastify';
import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';
import { uuidv7 } from '../../shared/ids';
import { householdBody } from './fixtures';

// Who holds what (src/server/permissions.ts, src/modules/demo/personas.ts): the registrar holds
// people.read, people.write and people.sensitive.read in AFG; the admin holds them in AFG, PAK and
// IRN; cash (AFG, PAK), distributor (AFG, area AF06 only), caseworker and gbv (AFG) hold
// people.read (caseworker and gbv also people.sensitive.read). Nobody else holds a people
// permission: 403. Fixture households live in Nangarhar (AF0601), inside the distributor's area.
const READERS = ['admin', 'registrar', 'cash', 'distributor', 'caseworker', 'gbv'];
const WRITERS = ['admin', 'registrar'];

const memo = new WeakMap<TestApp, Map<string, Promise<unknown>>>();
function once<T>(t: TestApp, key: string, make: () => Promise<T>): Promise<T> {
  let m = memo.get(t);
  if (!m) memo.set(t, (m = new Map()));
  let v = m.get(key) as Promise<T> | undefined;
  if (!v) m.set(key, (v = make()));
  return v;
}

interface Fixture {
  id: string;
  headId: string;
  spouseId: string;
  documentId: string;
  consentId: string;
  qrToken: string;
}

/** A household registered by the admin, one per key (write cases use one per persona). */
const fixture = (t: TestApp, key: string, pcode = 'AF0601') =>
  once(t, `people-hh:${key}:${pcode}`, async (): Promise<Fixture> => {
    const body = householdBody({ currentPcode: pcode });
    const res = await (await t.as('admin')).post('/api/v1/people/households', body);
    if (res.statusCode !== 201) throw new Error(`household fixture: ${res.statusCode} ${res.body}`);
    const h = res.json();
    return {
      id: h.id,
      headId: body.members[0].id,
      spouseId: body.members[1].id,
      documentId: h.members[0].documents[0].id,
      consentId: h.consents[0].id,
      qrToken: h.qrToken,
    };
  });

const version = async (t: TestApp, id: string) => (await (await t.as('admin')).get(`/api/v1/people/households/${id}`)).json().version as number;

const write = (method: 'POST' | 'PATCH', path: (f: Fixture) => string, payload: (f: Fixture, v: number, persona: string) => unknown) =>
  async (t: TestApp, persona: string): Promise<InjectOptions> => {
    const f = await fixture(t, `w:${persona}`);
    return { method, url: `/api/v1${path(f)}`, payload: payload(f, await version(t, f.id), persona) as InjectOptions['payload'] };
  };

export const cases: AuthzCase[] = [
  {
    route: 'POST /api/v1/people/households',
    title: 'register a Nangarhar household',
    request: () => ({ method: 'POST', url: '/api/v1/people/households', payload: householdBody() }),
    expect: only(WRITERS, 201, 403),
  },
  {
    route: 'GET /api/v1/people/households',
    request: () => ({ method: 'GET', url: '/api/v1/people/households?operation=AFG&limit=5' }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/households',
    title: 'PAK: only the admin and the cash officer read people there',
    request: () => ({ method: 'GET', url: '/api/v1/people/households?operation=PAK' }),
    expect: { ...only(['admin', 'cash'], 200, 403), registrar: 404, distributor: 404, caseworker: 404, gbv: 404 },
  },
  {
    route: 'GET /api/v1/people/households/:id',
    title: 'a Nangarhar household',
    request: async (t) => ({ method: 'GET', url: `/api/v1/people/households/${(await fixture(t, 'read')).id}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/households/:id',
    title: 'a Kandahar household: outside the distributor\'s area',
    request: async (t) => ({ method: 'GET', url: `/api/v1/people/households/${(await fixture(t, 'read', 'AF2701')).id}` }),
    expect: { ...only(READERS, 200, 403), distributor: 404 },
  },
  {
    route: 'PATCH /api/v1/people/households/:id',
    request: write('PATCH', (f) => `/people/households/${f.id}`, (_f, v, persona) => ({ baseVersion: v, notes: `by ${persona}` })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/households/:id/versions/:version',
    request: async (t) => ({ method: 'GET', url: `/api/v1/people/households/${(await fixture(t, 'read')).id}/versions/1` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/households/:id/members',
    request: write('POST', (f) => `/people/households/${f.id}/members`, (_f, v) => ({ baseVersion: v, member: { id: uuidv7(), relationship: 'daughter', givenName: 'Maryam', sex: 'female' } })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'PATCH /api/v1/people/households/:id/members/:individualId',
    request: write('PATCH', (f) => `/people/households/${f.id}/members/${f.headId}`, (_f, v) => ({ baseVersion: v, fatherName: 'Abdul Rahim' })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/households/:id/members/:individualId/remove',
    request: write('POST', (f) => `/people/households/${f.id}/members/${f.spouseId}/remove`, (_f, v) => ({ baseVersion: v, reason: 'entered_in_error' })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/households/:id/members/:individualId/documents',
    request: write('POST', (f) => `/people/households/${f.id}/members/${f.headId}/documents`, (_f, v) => ({ baseVersion: v, document: { id: uuidv7(), type: 'tazkira', number: '1401-0602-12345', issuingCountry: 'AFG' } })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/documents/:id/status',
    request: write('POST', (f) => `/people/documents/${f.documentId}/status`, () => ({ status: 'expired', on: '2025-07-01' })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/households/:id/consents',
    request: write('POST', (f) => `/people/households/${f.id}/consents`, () => ({ consent: { id: uuidv7(), purpose: 'referral', givenOn: '2025-03-03' } })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/consents/:id/withdraw',
    request: write('POST', (f) => `/people/consents/${f.consentId}/withdraw`, () => ({ reason: 'asked' })),
    expect: only(WRITERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/households/:id/timeline',
    request: async (t) => ({ method: 'GET', url: `/api/v1/people/households/${(await fixture(t, 'read')).id}/timeline` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/households/:id/qr',
    request: async (t) => ({ method: 'GET', url: `/api/v1/people/households/${(await fixture(t, 'read')).id}/qr` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/qr/:token',
    request: async (t) => ({ method: 'GET', url: `/api/v1/people/qr/${(await fixture(t, 'read')).qrToken}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'GET /api/v1/people/search',
    request: () => ({ method: 'GET', url: `/api/v1/people/search?operation=AFG&q=${encodeURIComponent('Mohammad Ahmadzai')}` }),
    expect: only(READERS, 200, 403),
  },
  {
    route: 'POST /api/v1/people/lookup',
    request: () => ({ method: 'POST', url: '/api/v1/people/lookup', payload: { operationId: 'AFG', draft: { givenName: 'Mohammad Karim', familyName: 'Ahmadzai', sex: 'male' } } }),
    expect: only(READERS, 200, 403),
  },
];
