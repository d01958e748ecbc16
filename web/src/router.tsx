import { lazy } from 'react';
import { createRootRoute, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
import { LoginPage } from './shell/LoginPage';
import { AppLayout } from './shell/AppLayout';
import { HomeRedirect } from './shell/HomeRedirect';
import { Dashboard } from './shell/Dashboard';
import { NotAvailable } from './shell/NotAvailable';
import { NotFoundPage } from './shell/NotFoundPage';
import { Loading } from './shell/states';

const PlacesPage = lazy(() => import('./modules/places/PlacesPage'));
const UsersPage = lazy(() => import('./modules/access/UsersPage'));
const UserPage = lazy(() => import('./modules/access/UserPage'));
const RolesPage = lazy(() => import('./modules/access/RolesPage'));
const RolePage = lazy(() => import('./modules/access/RolePage'));
const AuditPage = lazy(() => import('./modules/access/AuditPage'));
const TokensPage = lazy(() => import('./modules/access/TokensPage'));
const PeopleSearchPage = lazy(() => import('./modules/people/SearchPage'));
const RegisterPage = lazy(() => import('./modules/people/RegisterPage'));
const HouseholdPage = lazy(() => import('./modules/people/HouseholdPage'));
const FlowsLayout = lazy(() => import('./modules/flows/FlowsLayout'));
const MobilityPage = lazy(() => import('./modules/mobility/MobilityPage'));
const MobilityRoundPage = lazy(() => import('./modules/mobility/RoundPage'));
const FlowCountsPage = lazy(() => import('./modules/flows/CountsPage'));
const FlowCountFormPage = lazy(() => import('./modules/flows/CountFormPage'));
const FlowCountDetailPage = lazy(() => import('./modules/flows/CountDetailPage'));
const FlowSurveysPage = lazy(() => import('./modules/flows/SurveysPage'));
const FlowSurveyFormPage = lazy(() => import('./modules/flows/SurveyFormPage'));
const FlowAlertsPage = lazy(() => import('./modules/flows/AlertsPage'));
const FlowRulesPage = lazy(() => import('./modules/flows/RulesPage'));
const ImportsPage = lazy(() => import('./modules/imports/ImportsPage'));
const FlowsDashboardPage = lazy(() => import('./modules/dashboards/DashboardPage'));
const FlowsSnapshotPage = lazy(() => import('./modules/dashboards/SnapshotPage'));
const DedupLayout = lazy(() => import('./modules/dedup/DedupLayout'));
const DedupRunsPage = lazy(() => import('./modules/dedup/RunsPage'));
const DedupQueuePage = lazy(() => import('./modules/dedup/QueuePage'));
const DedupPairPage = lazy(() => import('./modules/dedup/PairPage'));
const DedupMergesPage = lazy(() => import('./modules/dedup/MergesPage'));
const LinkagePage = lazy(() => import('./modules/linkage/LinkagePage'));

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFoundPage });

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { redirect?: string } => ({ redirect: str(s.redirect) }),
  component: LoginPage,
});

const appRoute = createRoute({ getParentRoute: () => rootRoute, id: 'app', component: AppLayout, pendingComponent: () => <Loading /> });

const homeRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: HomeRedirect });

export const opRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/op/$op',
  params: {
    parse: (p: { op: string }) => ({ op: p.op.toUpperCase() }),
    stringify: (p: { op: string }) => ({ op: p.op }),
  },
});

const dashboardRoute = createRoute({ getParentRoute: () => opRoute, path: '/', component: Dashboard });

export const placesRoute = createRoute({
  getParentRoute: () => opRoute,
  path: '/places',
  validateSearch: (s: Record<string, unknown>): { area?: string; q?: string } => ({ area: str(s.area), q: str(s.q) }),
  component: PlacesPage,
});

export const usersRoute = createRoute({
  getParentRoute: () => opRoute,
  path: '/admin/users',
  validateSearch: (s: Record<string, unknown>): { q?: string } => ({ q: str(s.q) }),
  component: UsersPage,
});

export const userRoute = createRoute({ getParentRoute: () => opRoute, path: '/admin/users/$userId', component: UserPage });
const rolesRoute = createRoute({ getParentRoute: () => opRoute, path: '/admin/roles', component: RolesPage });
export const roleRoute = createRoute({ getParentRoute: () => opRoute, path: '/admin/roles/$roleId', component: RolePage });
const auditRoute = createRoute({ getParentRoute: () => opRoute, path: '/admin/audit', component: AuditPage });
const tokensRoute = createRoute({ getParentRoute: () => opRoute, path: '/tokens', component: TokensPage });
// Flow monitoring (DTM): counts (index), surveys, surge alerts, under one tabbed layout.
const flowsRoute = createRoute({ getParentRoute: () => opRoute, path: '/flows', component: FlowsLayout });
const flowCountsRoute = createRoute({
  getParentRoute: () => flowsRoute,
  path: '/',
  validateSearch: (s: Record<string, unknown>): { from?: string; to?: string; site?: string; status?: string } => ({ from: str(s.from), to: str(s.to), site: str(s.site), status: str(s.status) }),
  component: FlowCountsPage,
});
const flowCountNewRoute = createRoute({ getParentRoute: () => flowsRoute, path: '/counts/new', component: FlowCountFormPage });
const flowCountRoute = createRoute({ getParentRoute: () => flowsRoute, path: '/counts/$countId', component: FlowCountDetailPage });
const flowSurveysRoute = createRoute({
  getParentRoute: () => flowsRoute,
  path: '/surveys',
  validateSearch: (s: Record<string, unknown>): { from?: string; to?: string; site?: string } => ({ from: str(s.from), to: str(s.to), site: str(s.site) }),
  component: FlowSurveysPage,
});
const flowSurveyNewRoute = createRoute({ getParentRoute: () => flowsRoute, path: '/surveys/new', component: FlowSurveyFormPage });
const flowAlertsRoute = createRoute({
  getParentRoute: () => flowsRoute,
  path: '/alerts',
  validateSearch: (s: Record<string, unknown>): { status?: 'open' | 'acknowledged' | 'withdrawn' | 'all'; site?: string } => ({
    status: s.status === 'open' || s.status === 'acknowledged' || s.status === 'withdrawn' || s.status === 'all' ? s.status : undefined,
    site: str(s.site),
  }),
  component: FlowAlertsPage,
});
const flowRulesRoute = createRoute({ getParentRoute: () => flowsRoute, path: '/alerts/rules', component: FlowRulesPage });
// Flow dashboards (outside the tabbed flows layout; the snapshot prints on A4). Filters live in the query string.
const flowsDashboardRoute = createRoute({ getParentRoute: () => opRoute, path: '/flows/dashboard', component: FlowsDashboardPage });
const flowsSnapshotRoute = createRoute({
  getParentRoute: () => opRoute,
  path: '/flows/snapshot',
  validateSearch: (s: Record<string, unknown>): { week?: string } => ({ week: str(s.week) }),
  component: FlowsSnapshotPage,
});
const peopleRoute = createRoute({ getParentRoute: () => opRoute, path: '/people' });
export const peopleSearchRoute = createRoute({
  getParentRoute: () => peopleRoute,
  path: '/',
  validateSearch: (s: Record<string, unknown>): { q?: string; group?: string; place?: string } => ({ q: str(s.q), group: str(s.group), place: str(s.place) }),
  component: PeopleSearchPage,
});
export const registerRoute = createRoute({ getParentRoute: () => peopleRoute, path: '/register', component: RegisterPage });
export const householdRoute = createRoute({ getParentRoute: () => peopleRoute, path: '/households/$id', component: HouseholdPage });
const mobilityRoute = createRoute({ getParentRoute: () => opRoute, path: '/mobility' });
const mobilityIndexRoute = createRoute({ getParentRoute: () => mobilityRoute, path: '/', component: MobilityPage });
export const mobilityRoundRoute = createRoute({ getParentRoute: () => mobilityRoute, path: '/rounds/$roundId', component: MobilityRoundPage });
const importsRoute = createRoute({ getParentRoute: () => opRoute, path: '/imports', component: ImportsPage });
// Deduplication: runs (index), the review queue, one pair side by side, the merge history.
const dedupRoute = createRoute({ getParentRoute: () => opRoute, path: '/dedup', component: DedupLayout });
const dedupRunsRoute = createRoute({ getParentRoute: () => dedupRoute, path: '/', component: DedupRunsPage });
const dedupQueueRoute = createRoute({
  getParentRoute: () => dedupRoute,
  path: '/queue',
  validateSearch: (s: Record<string, unknown>): { status?: 'open' | 'skipped' | 'decided' | 'all'; decision?: 'match' | 'review'; household?: string; sort?: 'score_desc' | 'score_asc' } => ({
    status: s.status === 'open' || s.status === 'skipped' || s.status === 'decided' || s.status === 'all' ? s.status : undefined,
    decision: s.decision === 'match' || s.decision === 'review' ? s.decision : undefined,
    household: str(s.household),
    sort: s.sort === 'score_asc' || s.sort === 'score_desc' ? s.sort : undefined,
  }),
  component: DedupQueuePage,
});
const dedupPairRoute = createRoute({ getParentRoute: () => dedupRoute, path: '/pairs/$a/$b', component: DedupPairPage });
const dedupMergesRoute = createRoute({ getParentRoute: () => dedupRoute, path: '/merges', component: DedupMergesPage });
const linkageRoute = createRoute({ getParentRoute: () => opRoute, path: '/linkage', component: LinkagePage });
export const moduleRoute = createRoute({ getParentRoute: () => opRoute, path: '/$module', component: NotAvailable });

// Old or hand-typed address without operation: send to the home redirect.
const opIndexRedirect = createRoute({
  getParentRoute: () => appRoute,
  path: '/op',
  beforeLoad: () => {
    throw redirect({ to: '/' });
  },
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    homeRoute,
    opIndexRedirect,
    opRoute.addChildren([dashboardRoute, placesRoute, usersRoute, userRoute, rolesRoute, roleRoute, auditRoute, tokensRoute,
      flowsDashboardRoute, flowsSnapshotRoute,
      flowsRoute.addChildren([flowCountsRoute, flowCountNewRoute, flowCountRoute, flowSurveysRoute, flowSurveyNewRoute, flowAlertsRoute, flowRulesRoute]),
      peopleRoute.addChildren([peopleSearchRoute, registerRoute, householdRoute]),
      mobilityRoute.addChildren([mobilityIndexRoute, mobilityRoundRoute]),
      importsRoute,
      dedupRoute.addChildren([dedupRunsRoute, dedupQueueRoute, dedupPairRoute, dedupMergesRoute]),
      linkageRoute,
      moduleRoute]),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
