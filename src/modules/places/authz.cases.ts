import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';

export const cases: AuthzCase[] = [
  { route: 'GET /api/v1/operations', request: () => ({ method: 'GET', url: '/api/v1/operations' }), expect: only(['admin','enumerator','analyst','registrar','cash','distributor','caseworker','gbv','cfm','psea','warehouse','partner','viewer'], 200, 403) },
  {
    route: 'GET /api/v1/areas',
    title: 'PAK areas: only those granted in PAK',
    request: () => ({ method: 'GET', url: '/api/v1/areas?operation=PAK&level=1' }),
    expect: only(['admin', 'analyst', 'cash', 'cfm', 'psea', 'partner', 'viewer'], 200, 404),
  },
];
