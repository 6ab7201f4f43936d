import { useSyncExternalStore } from 'react';

/**
 * Who is signed in: the API's short-lived access token, the refresh token that renews it (Crux's
 * own sign-in), and the account's e-mail (null for a phone sign-in through Supabase Auth).
 */
export interface Session {
  token: string;
  refresh_token?: string | undefined;
  email: string | null;
  /** The account id (sessions stored before it was kept have none). */
  user_id?: string | undefined;
  /** Signed in through Supabase Auth (renewed there), not by Crux itself. */
  provider?: 'supabase' | undefined;
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

const KEY = 'crux.session';
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === 'object' && 'token' in parsed && 'email' in parsed) {
      const { token, email } = parsed;
      const record = parsed as Record<string, unknown>;
      if (typeof token === 'string' && (typeof email === 'string' || email === null))
        return {
          token,
          email,
          refresh_token: optionalString(record.refresh_token),
          user_id: optionalString(record.user_id),
          provider: record.provider === 'supabase' ? 'supabase' : undefined,
        };
    }
  } catch {
    // A corrupt entry is the same as none.
  }
  return null;
}

let current = read();
let expired = false;

function emit() {
  for (const listener of listeners) listener();
}

// Signing out in one tab signs out every tab.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = read();
  emit();
});

/**
 * The session store. The token lives in localStorage: the API takes bearer tokens (no cookies,
 * so no cross-site request forgery), and the page's CSP allows only this origin's scripts.
 */
export const session = {
  get: (): Session | null => current,
  token: (): string | undefined => current?.token,
  refreshToken: (): string | undefined => current?.refresh_token,
  /** Whose offline queue is whose: the e-mail (as before), or the account id of a phone sign-in. */
  owner: (): string | undefined => current?.email ?? current?.user_id,
  /** Reads the stored session again (another tab may have renewed it a moment ago). */
  reload() {
    current = read();
  },
  /** Keeps a renewed pair (the previous refresh token is spent). */
  renew(next: { token: string; refresh_token: string }) {
    if (!current) return;
    session.start({ ...current, token: next.token, refresh_token: next.refresh_token });
  },
  /** True once the server refused the token (expired or revoked) until the next sign-in. */
  wasExpired: (): boolean => expired,
  start(next: Session) {
    localStorage.setItem(KEY, JSON.stringify(next));
    current = next;
    expired = false;
    emit();
  },
  end(reason: 'signed_out' | 'expired' = 'signed_out') {
    if (!current) return;
    localStorage.removeItem(KEY);
    current = null;
    expired = reason === 'expired';
    emit();
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The current session, re-rendering on sign-in and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}
