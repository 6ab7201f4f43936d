import { CruxApiError, createCruxClient } from '@crux/client';
import { session } from '../auth/session.ts';
import { refreshWithSupabase, signOutOfSupabase } from '../auth/supabase.ts';

/** One refresh at a time across tabs: they share the refresh token, and a second use would revoke it. */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  if (!navigator.locks) return work();
  return navigator.locks.request('crux.refresh', async () => {
    session.reload();
    return await work();
  }) as Promise<T>;
}

/**
 * The one API client: same origin, the signed-in user's token on every call. A refused access
 * token is renewed with the refresh token and the call retried once (also when the offline queue
 * sends after a reconnect with an access token that expired meanwhile).
 */
export const crux = createCruxClient({
  baseUrl: '',
  token: () => session.token(),
  refreshToken: () => session.refreshToken(),
  onSession: (next) => session.renew(next),
  // A Supabase Auth session is renewed by Supabase Auth; Crux's own by POST /v1/auth/refresh.
  refreshSession: (refreshToken, ownRefresh) =>
    session.get()?.provider === 'supabase' ? refreshWithSupabase(refreshToken) : ownRefresh(refreshToken),
  serializeRefresh: acrossTabs,
  // A token that cannot be renewed (revoked, expired refresh token) ends the session; the router then shows sign-in.
  onUnauthorized: () => session.end('expired'),
});

/** Signs out: the refresh token is revoked on the server (when reachable) and the session cleared in every tab. */
export async function signOut(): Promise<void> {
  const ended = session.get();
  session.end();
  if (ended?.provider === 'supabase') await signOutOfSupabase(ended.token);
  else if (ended?.refresh_token) await crux.auth.logout(ended.refresh_token).catch(() => {});
}

export { CruxApiError };

/** Whether an error means the request never reached the server (offline, DNS, refused). */
export function isNetworkError(error: unknown): boolean {
  return (error instanceof CruxApiError && error.code === 'network_error') || error instanceof TypeError;
}
