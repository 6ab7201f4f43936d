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
      <PasswordField
        id={currentId}
        label="Current password"
        autoComplete="current-password"
        value={currentPassword}
        onChange={(value) => {
          setCurrentPassword(value);
          change.reset();
        }}
      />
      <PasswordField
        id={nextId}
        label="New password"
        autoComplete="new-password"
        hint={`At least ${MIN_LENGTH} characters. Your other devices are signed out.`}
        invalid={tooShort}
        value={newPassword}
        onChange={(value) => {
          setNewPassword(value);
          change.reset();
        }}
      />
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

function PasswordField(props: {
  id: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  invalid?: boolean;
}) {
  const hintId = `${props.id}-hint`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="password"
        autoComplete={props.autoComplete}
        required
        aria-describedby={props.hint ? hintId : undefined}
        aria-invalid={props.invalid || undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <small id={hintId} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}
