import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { crux } from '../api/crux.ts';
import { session, useSession } from '../auth/session.ts';
import { ErrorText } from '../shared/error-text.tsx';

const MIN_LENGTH = 8;

/**
 * Changing the password of a Crux account. The server ends every other session of the account and
 * returns a new one for this tab. Accounts signed in through Supabase change it there instead.
 */
export function PasswordPanel() {
  const current = useSession();
  const currentId = useId();
  const nextId = useId();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const change = useMutation({
    mutationFn: () =>
      crux.auth.changePassword({ current_password: currentPassword, new_password: newPassword }),
    onSuccess: (renewed) => {
      session.renew({ token: renewed.token, refresh_token: renewed.refresh_token });
      setCurrentPassword('');
      setNewPassword('');
    },
  });
  if (current?.provider === 'supabase') return null;
  const tooShort = newPassword.length > 0 && newPassword.length < MIN_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <form className="card stack" aria-labelledby={`${currentId}-heading`} onSubmit={submit}>
      <h2 id={`${currentId}-heading`}>Password</h2>
      <div className="field">
        <label htmlFor={currentId}>Current password</label>
        <input
          id={currentId}
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => {
            setCurrentPassword(e.target.value);
            change.reset();
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={nextId}>New password</label>
        <input
          id={nextId}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_LENGTH}
          aria-describedby={`${nextId}-hint`}
          aria-invalid={tooShort}
          value={newPassword}
          onChange={(e) => {
            setNewPassword(e.target.value);
            change.reset();
          }}
        />
        <small id={`${nextId}-hint`} className="hint">
          At least {MIN_LENGTH} characters. Your other devices are signed out.
        </small>
      </div>
      <ErrorText error={change.error} />
      <div className="actions">
        <button
          type="submit"
          disabled={change.isPending || currentPassword === '' || newPassword.length < MIN_LENGTH}
        >
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
        <span role="status" className="success">
          {change.isSuccess ? 'Password changed.' : ''}
        </span>
      </div>
    </form>
  );
}
