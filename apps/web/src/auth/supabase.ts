import type { AuthConfig } from '@crux/contracts';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Session } from './session.ts';

interface Project {
  url: string;
  anonKey: string;
}

let project: Promise<Project | null> | undefined;
let client: Promise<SupabaseClient> | undefined;

/** The Supabase project the server names at `GET /v1/auth/config`, or null when Crux signs in by itself. */
export function supabaseProject(): Promise<Project | null> {
  project ??= fetch('/v1/auth/config')
    .then((response) => (response.ok ? (response.json() as Promise<AuthConfig>) : null))
    .then((config) =>
      config?.supabase_url && config.supabase_anon_key
        ? { url: config.supabase_url, anonKey: config.supabase_anon_key }
        : null,
    )
    .catch(() => {
      project = undefined; // offline: ask again next time
      return null;
    });
  return project;
}

/** supabase-js, loaded only when the server uses Supabase Auth; the session is kept by Crux's store, not by it. */
async function supabase(): Promise<SupabaseClient> {
  const found = await supabaseProject();
  if (!found) throw new Error('Supabase Auth is not configured on this server.');
  client ??= import('@supabase/supabase-js').then(({ createClient }) =>
    createClient(found.url, found.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    }),
  );
  return client;
}

/** Signs in (or up) through Supabase Auth; `confirm_email` when the project wants the address confirmed first. */
export async function signInWithSupabase(
  mode: 'sign-in' | 'sign-up',
  email: string,
  password: string,
): Promise<Session | 'confirm_email'> {
  const auth = (await supabase()).auth;
  const { data, error } =
    mode === 'sign-up'
      ? await auth.signUp({ email, password })
      : await auth.signInWithPassword({ email, password });
  if (error) throw new Error(error.message);
  if (!data.session) return 'confirm_email';
  return {
    token: data.session.access_token,
    refresh_token: data.session.refresh_token,
    email: data.session.user.email ?? null,
    user_id: data.session.user.id,
    provider: 'supabase',
  };
}

/** A new pair from Supabase Auth; null when it refuses the refresh token. */
export async function refreshWithSupabase(
  refreshToken: string,
): Promise<{ token: string; refresh_token: string } | null> {
  const { data, error } = await (await supabase()).auth.refreshSession({ refresh_token: refreshToken });
  if (data.session) return { token: data.session.access_token, refresh_token: data.session.refresh_token };
  if (error && (error.status === undefined || error.status === 0)) throw error; // offline: keep the session
  return null;
}

/** Ends the Supabase session (its refresh tokens revoked), when reachable. */
export async function signOutOfSupabase(accessToken: string): Promise<void> {
  const found = await supabaseProject();
  if (!found) return;
  await fetch(`${found.url}/auth/v1/logout`, {
    method: 'POST',
    headers: { apikey: found.anonKey, authorization: `Bearer ${accessToken}` },
  }).catch(() => {});
}
