import { CruxApiError, createCruxClient } from '@crux/client';
import { session } from '../auth/session.ts';

/** The one API client: same origin, the signed-in user's token on every call. */
export const crux = createCruxClient({
  baseUrl: '',
  token: () => session.token(),
  // An expired or revoked token ends the session; the router then shows sign-in.
  onUnauthorized: () => session.end('expired'),
});

export { CruxApiError };

/** Whether an error means the request never reached the server (offline, DNS, refused). */
export function isNetworkError(error: unknown): boolean {
  return (error instanceof CruxApiError && error.code === 'network_error') || error instanceof TypeError;
}
