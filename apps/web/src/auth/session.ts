import { useSyncExternalStore } from 'react';

/** Who is signed in: the API's bearer token and the e-mail it was issued for. */
export interface Session {
  token: string;
  email: string;
}

const KEY = 'crux.session';
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === 'object' && 'token' in parsed && 'email' in parsed) {
      const { token, email } = parsed;
      if (typeof token === 'string' && typeof email === 'string') return { token, email };
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
