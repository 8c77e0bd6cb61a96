import type { ComponentType } from 'preact';
import type { Role } from './auth/session.ts';
import { AccountDetailPage, AccountsPage } from './pages/accounts.tsx';
import { AuditPage, BalancePage, CheckpointsPage, ProjectionsPage, StreamPage, VerifyPage } from './pages/audit.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { IncidentPage, LocksPage, LoginsPage, RiskPage } from './pages/risk.tsx';
import { UserDetailPage, UsersPage } from './pages/users.tsx';

export interface PageProps {
  /** The path's :params ('/users/:id' -> { id }). */
  params: Record<string, string>;
}

export interface PageRoute {
  /** App path under /console, with :params. */
  path: string;
  title: string;
  component: ComponentType<PageProps>;
  /** Roles that may open it (the API checks again on every call). */
  roles: Role[];
  /** Shown in the navigation (detail pages are not). */
  nav?: boolean;
}

/**
 * Every page of the console, in navigation order. To add a page: write
 * console/src/pages/<name>.tsx exporting a component taking PageProps, and add
 * its entry here. The first entry a role may open is that role's home.
 */
export const ROUTES: PageRoute[] = [
  { path: '/', title: 'Overview', component: OverviewPage, roles: ['staff'], nav: true },
  { path: '/users', title: 'Users', component: UsersPage, roles: ['staff'], nav: true },
  { path: '/users/:id', title: 'User', component: UserDetailPage, roles: ['staff'] },
  { path: '/accounts', title: 'Accounts', component: AccountsPage, roles: ['staff'], nav: true },
  { path: '/accounts/:number', title: 'Account', component: AccountDetailPage, roles: ['staff'] },
  { path: '/risk', title: 'Risk', component: RiskPage, roles: ['staff'], nav: true },
  { path: '/risk/incidents/:id', title: 'Incident', component: IncidentPage, roles: ['staff'] },
  { path: '/risk/logins', title: 'Login events', component: LoginsPage, roles: ['staff'] },
  { path: '/risk/locks', title: 'Locked IPs and pairs', component: LocksPage, roles: ['staff'] },
  { path: '/audit', title: 'Audit', component: AuditPage, roles: ['staff', 'auditor'], nav: true },
  { path: '/audit/streams/:id', title: 'Stream', component: StreamPage, roles: ['staff', 'auditor'] },
  { path: '/audit/verify', title: 'Verify chains', component: VerifyPage, roles: ['staff', 'auditor'] },
  { path: '/audit/balance', title: 'Balance as of', component: BalancePage, roles: ['staff', 'auditor'] },
  { path: '/audit/checkpoints', title: 'Checkpoints', component: CheckpointsPage, roles: ['staff', 'auditor'] },
  { path: '/audit/projections', title: 'Projections', component: ProjectionsPage, roles: ['staff', 'auditor'] },
];
