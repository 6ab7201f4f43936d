import { Suspense } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { signOut } from '../api/crux.ts';
import { useSession } from '../auth/session.ts';
import { useOfflineSync, useWaitingClimbs } from '../offline/use-offline-queue.ts';
import { PageErrorBoundary } from './page-error-boundary.tsx';
import { useOnline } from './use-online.ts';

const PAGES = [
  { to: '/logbook', label: 'Logbook' },
  { to: '/coach', label: 'Coach' },
  { to: '/chat', label: 'Chat' },
  { to: '/usage', label: 'Usage' },
  { to: '/settings', label: 'Settings' },
];

/** The signed-in shell: header, navigation, connection state, and the page. */
export function Layout() {
  const current = useSession();
  const online = useOnline();
  const { pathname } = useLocation();
  useOfflineSync();
  const waiting = useWaitingClimbs().filter((climb) => !climb.refused).length;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="header-row">
          <NavLink to="/logbook" className="brand">
            Crux
          </NavLink>
          <div className="header-status" role="status">
            {!online && <span className="pill offline">Offline</span>}
            {waiting > 0 && (
              <span className="pill waiting" data-testid="waiting-badge">
                {waiting} waiting
              </span>
            )}
          </div>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Sign out<span className="visually-hidden"> {current?.email ?? ''}</span>
          </button>
        </div>
        <nav aria-label="Main">
          <ul className="nav-list">
            {PAGES.map((page) => (
              <li key={page.to}>
                <NavLink to={page.to}>{page.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <PageErrorBoundary key={pathname}>
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <Outlet />
          </Suspense>
        </PageErrorBoundary>
      </main>
    </>
  );
}
