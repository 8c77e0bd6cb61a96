import { useEffect, useState } from 'preact/hooks';
import { watchIdle } from './auth/idle.ts';
import { session } from './auth/session.ts';
import { Link } from './components/Link.tsx';
import { matchPath, navigate, useLocation } from './router.ts';
import { ROUTES, type PageRoute } from './routes.ts';
import { SignIn } from './SignIn.tsx';

function useSession() {
  const [, setVersion] = useState(0);
  useEffect(() => session.subscribe(() => setVersion((v) => v + 1)), []);
  return session;
}

/** The shell: restores the session through the refresh cookie, then sign-in or the layout with the page of the URL. */
export function App() {
  const s = useSession();
  const [restoring, setRestoring] = useState(true);
  useEffect(() => {
    void s.refresh().finally(() => setRestoring(false));
  }, []);
  const signedIn = s.accessToken() !== null;
  useEffect(() => (signedIn ? watchIdle() : undefined), [signedIn]);

  if (restoring) return <main class="signin" id="main" aria-busy="true"><p role="status">Loading…</p></main>;
  if (!signedIn) return <SignIn />;
  return <Layout />;
}

function Layout() {
  const { path } = useLocation();
  const role = session.role();
  const allowed = ROUTES.filter((r) => role !== null && r.roles.includes(role));
  const found = allowed.map((r) => ({ route: r, params: matchPath(r.path, path) })).find((m) => m.params !== null);
  useEffect(() => {
    document.title = `${found?.route.title ?? 'Not found'} · Nexus Bank console`;
  }, [found?.route]);
  const claims = session.claims();
  // A role that may not open Overview starts at its own first page.
  useEffect(() => {
    if (!found && path === '/' && allowed[0]) navigate(allowed[0].path, true);
  }, [found, path]);

  return (
    <div class="shell" data-role={role ?? 'none'}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <span class="brand">Nexus Bank console</span>
        <nav aria-label="Sections">
          <ul>
            {allowed.filter((r) => r.nav).map((r) => (
              <li><Link to={r.path} aria-current={isCurrent(r, path) ? 'page' : undefined}>{r.title}</Link></li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class="email">{claims?.email}</span> <span class="badge">{role ?? 'no console role'}</span>
          <button type="button" onClick={() => void session.signOut()}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {role === null ? (
          <p class="problem" role="alert">This account has no console role (staff or auditor).</p>
        ) : found ? (
          <found.route.component params={found.params!} />
        ) : (
          <NotFound home={allowed[0]} />
        )}
      </main>
    </div>
  );
}

const isCurrent = (r: PageRoute, path: string) => (r.path === '/' ? path === '/' : path === r.path || path.startsWith(`${r.path}/`));

function NotFound({ home }: { home: PageRoute | undefined }) {
  return (
    <section>
      <h1>Not here</h1>
      <p>This page does not exist or your role may not open it.</p>
      {home ? <Link to={home.path}>Go to {home.title}</Link> : null}
    </section>
  );
}
