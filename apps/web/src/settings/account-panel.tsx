import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { crux } from '../api/crux.ts';
import { session, useSession } from '../auth/session.ts';
import { downloadText } from '../shared/download.ts';
import { ErrorText } from '../shared/error-text.tsx';

/** The account owner's rights: a copy of all their data, and deleting the account (after a confirmation). */
export function AccountPanel() {
  const current = useSession();
  const confirmId = useId();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const download = useMutation({
    mutationFn: async () => {
      const data = await crux.account.export();
      downloadText('crux-account.json', `${JSON.stringify(data, null, 2)}\n`, 'application/json');
    },
  });
  const remove = useMutation({
    mutationFn: () => crux.account.delete(),
    onSuccess: () => session.end(),
  });
  return (
    <section className="card stack" aria-labelledby="account-heading">
      <h2 id="account-heading">Your account</h2>
      <p className="muted">Signed in as {current?.email ?? 'an account without an e-mail'}.</p>
      <div className="actions">
        <button type="button" onClick={() => download.mutate()} disabled={download.isPending}>
          {download.isPending ? 'Preparing…' : 'Download my data'}
        </button>
        <span role="status" className="success">
          {download.isSuccess ? 'Downloaded crux-account.json.' : ''}
        </span>
      </div>
      <ErrorText error={download.error} />
      {!confirming ? (
        <div className="actions">
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete account
          </button>
        </div>
      ) : (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            remove.mutate();
          }}
        >
          <p role="alert">
            This deletes your climbs, chats, coach plans and profile for good, and signs you out everywhere.
            The record of what your coach calls cost is kept for the operator, without your name or e-mail.
          </p>
          <label className="field" htmlFor={confirmId}>
            <span>Type DELETE to confirm</span>
            <input
              id={confirmId}
              value={typed}
              autoComplete="off"
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
          <ErrorText error={remove.error} />
          <div className="actions">
            <button type="submit" className="danger" disabled={typed !== 'DELETE' || remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete my account permanently'}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
