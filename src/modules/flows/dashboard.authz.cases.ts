import type { AuthzCase } from '../../../test/authz/types';
import { everyone } from '../../../test/authz/types';

// GET /flows/dashboard declares `authenticated` and decides in the service: flows.read (admin,
// enumerator, analyst) sees everything at its sites; reports.published.read, which every built-in
// role holds in its operations, sees published figures. An operation without either grant: 404.
// Grants by operation (src/modules/demo/personas.ts): the partner works in PAK only; the
// enumerator, registrar, distributor, caseworker, gbv and warehouse personas in AFG only.
const AFG_ONLY = ['enumerator', 'registrar', 'distributor', 'caseworker', 'gbv', 'warehouse'];

export const cases: AuthzCase[] = [
  {
    route: 'GET /api/v1/flows/dashboard',
    title: 'AFG, Q2 2024 (the partner has no AFG grant)',
    request: () => ({ method: 'GET', url: '/api/v1/flows/dashboard?operation=AFG&from=2024-04-01&to=2024-06-30' }),
    expect: { ...everyone(200), partner: 404 },
  },
  {
    route: 'GET /api/v1/flows/dashboard',
    title: 'PAK: personas granted in AFG only get 404',
    request: () => ({ method: 'GET', url: '/api/v1/flows/dashboard?operation=PAK&from=2024-04-01&to=2024-06-30&granularity=month' }),
    expect: { ...everyone(200), ...Object.fromEntries(AFG_ONLY.map((p) => [p, 404])) },
  },
];
