import type { AuthzCase } from '../../../test/authz/types';
import { only } from '../../../test/authz/types';

// flows.export (counts, aggregated surveys): the analyst in AFG and PAK, the admin everywhere.
// flows.surveys.rows.export (row-level surveys): the same two, through the analyst and admin roles.
// Everybody else, the enumerator included, holds neither: 403. An operation the caller has no
// grant in answers 404 (IRN: only the admin works there).
const EXPORTERS = ['admin', 'analyst'];
const PERIOD = 'from=2022-01-01&to=2022-01-31';

const kinds = [
  { path: 'counts', extra: '&direction=in' },
  { path: 'surveys', extra: '&period=month' },
  { path: 'survey-rows', extra: '&originCountry=PAK' },
];

export const cases: AuthzCase[] = kinds.flatMap(({ path, extra }) =>
  (['csv', 'xlsx'] as const).flatMap((format): AuthzCase[] => [
    {
      route: `GET /api/v1/flows/exports/${path}.${format}`,
      request: () => ({ method: 'GET', url: `/api/v1/flows/exports/${path}.${format}?operation=AFG&${PERIOD}${extra}` }),
      expect: only(EXPORTERS, 200, 403),
    },
    {
      route: `GET /api/v1/flows/exports/${path}.${format}`,
      title: 'IRN: only the admin works there',
      request: () => ({ method: 'GET', url: `/api/v1/flows/exports/${path}.${format}?operation=IRN` }),
      expect: { ...only(['admin'], 200, 403), analyst: 404 },
    },
  ]),
);
