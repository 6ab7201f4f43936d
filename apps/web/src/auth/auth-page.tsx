import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { crux } from '../api/crux.ts';
import { ErrorText } from '../shared/error-text.tsx';
import { session, useSession } from './session.ts';
import { signInWithSupabase, supabaseProject } from './supabase.ts';

interface Props {
  mode: 'sign-in' | 'sign-up';
}

/** Sign in or create an account; a new account goes on to the first-run set-up. */
export function AuthPage({ mode }: Props) {
  const current = useSession();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [next, setNext] = useState<string | null>(null);
  const [confirmEmail, setConfirmEmail] = useState(false);
  // When the server uses Supabase Auth, the web app signs in there and calls the API with its token.
  const project = useQuery({ queryKey: ['auth-config'], queryFn: supabaseProject, staleTime: Infinity });
  const viaSupabase = Boolean(project.data);
  const signUp = mode === 'sign-up';
  const from = (location.state as { from?: string } | null)?.from ?? '/logbook';

  if (current) return <Navigate to={next ?? from} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const credentials = { email: email.trim(), password };
      if (viaSupabase) {
        const started = await signInWithSupabase(mode, credentials.email, password);
        if (started === 'confirm_email') {
          setConfirmEmail(true);
          return;
        }
        setNext(signUp ? '/setup' : from);
        session.start(started);
        return;
      }
      const result = signUp ? await crux.auth.signup(credentials) : await crux.auth.login(credentials);
      // A new account goes on to the first-run set-up (both updates render together).
      setNext(signUp ? '/setup' : from);
      session.start({
        token: result.token,
        refresh_token: result.refresh_token,
        email: result.user.email,
        user_id: result.user.id,
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth" id="main">
      <h1>{signUp ? 'Create your Crux account' : 'Sign in to Crux'}</h1>
      <p className="lede">Log the climbs that matter. The coach finds the patterns.</p>
      {viaSupabase && <p className="muted">Your account is kept by Supabase Auth.</p>}
      {confirmEmail && (
        <p className="notice" role="status">
          Check your e-mail to confirm the address, then sign in.
        </p>
      )}
      {session.wasExpired() && !signUp && (
        <p className="notice" role="status">
          Your session ended. Sign in again to continue.
        </p>
      )}
      <form onSubmit={submit} className="card stack">
        <label className="field">
          <span>E-mail</span>
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete={signUp ? 'new-password' : 'current-password'}
            required
            minLength={signUp ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={signUp ? 'password-hint' : undefined}
          />
          {signUp && (
            <small id="password-hint" className="hint">
              At least 8 characters.
            </small>
          )}
        </label>
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Please wait…' : signUp ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p>
        {signUp ? (
          <>
            Already have an account? <Link to="/sign-in">Sign in</Link>
          </>
        ) : (
          <>
            New to Crux? <Link to="/sign-up">Create an account</Link>
          </>
        )}
      </p>
    </main>
  );
}
