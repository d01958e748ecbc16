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
    opRoute.addChildren([dashboardRoute, placesRoute, usersRoute, userRoute, rolesRoute, roleRoute, auditRoute, tokensRoute, moduleRoute]),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
