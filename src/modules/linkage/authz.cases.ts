import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';
import type { TestApp } from '../../../test/helpers/app';
import { JobRunner } from '../../server/jobs';
import { householdBody } from '../people/fixtures';

// people.linkage: the admin (everywhere) and the registration officer (AFG) hold it; everyone
// else gets 403. Exports, matches and their links are seen only by the user who started them:
// the other holder (admin) gets 404.
const HOLDERS = ['admin', 'registrar'];
const SECRET = 'authz-matrix-shared-secret-01';
const ownerOnly = (ok: number) => ({ ...only(['registrar'], ok, 403), admin: 404 });

const memo = new WeakMap<TestApp, Promise<{ exportId: string; pseudonym: string; matchId: string; linkId: string }>>();

/** The registrar's ready export, a pseudonym in it, a ready match of that file and one of its links. */
function fixture(t: TestApp) {
  let f = memo.get(t);
  if (!f) {
    f = (async () => {
      const registrar = await t.as('registrar');
      const hh = await registrar.post('/api/v1/people/households', householdBody());
      if (hh.statusCode !== 201) throw new Error(`linkage fixture: ${hh.statusCode} ${hh.body}`);
      const runner = new JobRunner(t.db.database, { progressEveryMs: 0 });
      try {
        const exp = await registrar.post('/api/v1/linkage/exports', { operationId: 'AFG', secret: SECRET });
        if (exp.statusCode !== 202) throw new Error(`linkage fixture: ${exp.statusCode} ${exp.body}`);
        await runner.drain();
        const file = await registrar.get(`/api/v1/linkage/exports/${exp.json().id}/file`);
        const match = await registrar.post('/api/v1/linkage/matches', { operationId: 'AFG', secret: SECRET, partner: 'Authz partner', content: file.body });
        await runner.drain();
        const links = (await registrar.get(`/api/v1/linkage/matches/${match.json().id}/links`)).json();
        if (!links.items?.length) throw new Error(`linkage fixture: no links ${JSON.stringify(links)}`);
        return { exportId: exp.json().id, pseudonym: file.body.split('\n')[1].split(',')[0], matchId: match.json().id, linkId: links.items[0].id };
      } finally {
        await runner.stop();
      }
    })();
    memo.set(t, f);
  }
  return f;
}

export const cases: AuthzCase[] = [
  {
    route: 'POST /api/v1/linkage/exports',
    title: 'AFG',
    request: () => ({ method: 'POST', url: '/api/v1/linkage/exports', payload: { operationId: 'AFG', secret: SECRET } }),
    expect: only(HOLDERS, 202, 403),
  },
  {
    route: 'POST /api/v1/linkage/exports',
    title: 'PAK: the registration officer works in AFG only',
    request: () => ({ method: 'POST', url: '/api/v1/linkage/exports', payload: { operationId: 'PAK', secret: SECRET } }),
    expect: { ...only(['admin'], 202, 403), registrar: 404 },
  },
  {
    route: 'GET /api/v1/linkage/exports',
    request: () => ({ method: 'GET', url: '/api/v1/linkage/exports?operation=AFG' }),
    expect: only(HOLDERS, 200, 403),
  },
  {
    route: 'GET /api/v1/linkage/exports/:id',
    title: "the registrar's export",
    request: async (t) => ({ method: 'GET', url: `/api/v1/linkage/exports/${(await fixture(t)).exportId}` }),
    expect: ownerOnly(200),
  },
  {
    route: 'GET /api/v1/linkage/exports/:id/file',
    title: "the registrar's export",
    request: async (t) => ({ method: 'GET', url: `/api/v1/linkage/exports/${(await fixture(t)).exportId}/file` }),
    expect: ownerOnly(200),
  },
  {
    route: 'GET /api/v1/linkage/exports/:id/resolve',
    title: "a pseudonym of the registrar's export",
    request: async (t) => {
      const f = await fixture(t);
      return { method: 'GET', url: `/api/v1/linkage/exports/${f.exportId}/resolve?pseudonym=${f.pseudonym}` };
    },
    expect: ownerOnly(200),
  },
  {
    route: 'POST /api/v1/linkage/matches',
    title: 'a small encoded file',
    request: async (t) => {
      const f = await fixture(t);
      const file = await (await t.as('registrar')).get(`/api/v1/linkage/exports/${f.exportId}/file`);
      return { method: 'POST', url: '/api/v1/linkage/matches', payload: { operationId: 'AFG', secret: SECRET, partner: 'Authz partner', content: file.body } };
    },
    expect: only(HOLDERS, 202, 403),
  },
  {
    route: 'GET /api/v1/linkage/matches',
    request: () => ({ method: 'GET', url: '/api/v1/linkage/matches?operation=AFG' }),
    expect: only(HOLDERS, 200, 403),
  },
  {
    route: 'GET /api/v1/linkage/matches/:id',
    title: "the registrar's match",
    request: async (t) => ({ method: 'GET', url: `/api/v1/linkage/matches/${(await fixture(t)).matchId}` }),
    expect: ownerOnly(200),
  },
  {
    route: 'GET /api/v1/linkage/matches/:id/links',
    title: "the registrar's match",
    request: async (t) => ({ method: 'GET', url: `/api/v1/linkage/matches/${(await fixture(t)).matchId}/links` }),
    expect: ownerOnly(200),
  },
  {
    route: 'POST /api/v1/linkage/links/:id/decision',
    title: "a link of the registrar's match",
    request: async (t) => ({ method: 'POST', url: `/api/v1/linkage/links/${(await fixture(t)).linkId}/decision`, payload: { status: 'confirmed' } }),
    expect: ownerOnly(200),
  },
];
