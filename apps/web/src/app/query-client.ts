import { onlineManager, QueryClient } from '@tanstack/react-query';
import { CruxApiError } from '../api/crux.ts';
import { session } from '../auth/session.ts';

/** Client errors (4xx) are answers, not glitches: only network and server errors are retried. */
function retry(failures: number, error: unknown): boolean {
  if (error instanceof CruxApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export function createQueryClient(): QueryClient {
  // TanStack Query assumes it is online until an 'offline' event: an app opened without signal
  // would try every query, fail and show errors. Started from the browser's own view, queries
  // wait (paused) and run once the connection is back.
  onlineManager.setOnline(navigator.onLine);
  const client = new QueryClient({
    defaultOptions: {
      queries: { retry, staleTime: 30_000, refetchOnWindowFocus: false },
      // A change is tried at once and fails clearly offline; never held and sent later unseen
      // (a plan costs money). Climbs logged offline have their own outbox.
      mutations: { retry: false, networkMode: 'always' },
    },
  });
  // One user's data never shows to the next one signing in on this browser.
  session.subscribe(() => {
    if (!session.get()) client.clear();
  });
  return client;
}
