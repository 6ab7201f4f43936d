import { useState } from 'react';
import { PageTitle } from '../app/page-title.tsx';
import { logClimb } from '../offline/sync.ts';
import { useWaitingClimbs } from '../offline/use-offline-queue.ts';
import { ErrorText } from '../shared/error-text.tsx';
import { useProfile, useVocabulary } from '../shared/queries.ts';
import { emptyDraft, inputOf } from './climb-draft.ts';
import { ClimbForm } from './climb-form.tsx';
import { ClimbList } from './climb-list.tsx';
import { recentLocations, rememberLocation } from './recent-locations.ts';
import { TransferPanel } from './transfer-panel.tsx';
import { useRefreshLogbook } from './use-climbs.ts';

export function LogbookPage() {
  const vocabulary = useVocabulary();
  const profile = useProfile();
  const refresh = useRefreshLogbook();
  const waiting = useWaitingClimbs();
  const [logged, setLogged] = useState(0);
  const [message, setMessage] = useState('');
  const holdColors = profile.data?.hold_colors ?? [];

  if (!vocabulary.data) {
    return (
      <section>
        <PageTitle title="Logbook" />
        <ErrorText error={vocabulary.error} />
        {!vocabulary.error && <p className="muted">Loading…</p>}
      </section>
    );
  }

  return (
    <section>
      <PageTitle title="Logbook" />
      <section className="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Log a climb</h2>
        <ClimbForm
          key={logged}
          vocabulary={vocabulary.data}
          holdColors={holdColors}
          initial={emptyDraft(profile.data, recentLocations()[0])}
          submitLabel="Log climb"
          onSubmit={async (draft) => {
            const result = await logClimb(inputOf(draft));
            rememberLocation(draft.location);
            setMessage(
              result.status === 'saved'
                ? `Logged ${draft.grade_value} (${draft.outcome}).`
                : `No connection: ${draft.grade_value} is kept on this device and will be sent when you are back online.`,
            );
            setLogged((n) => n + 1);
            if (result.status === 'saved') refresh();
          }}
        />
        <p role="status" className="success">
          {message}
        </p>
      </section>
      {waiting.length > 0 && (
        <section className="card waiting-list" aria-labelledby="waiting-heading">
          <h2 id="waiting-heading">Waiting to be sent ({waiting.length})</h2>
          <ul>
            {waiting.map((climb) => (
              <li key={climb.key}>
                {climb.input.grade_value} {climb.input.climb_type}, {climb.input.outcome} at{' '}
                {climb.input.location}
                {climb.refused && <span className="error"> Refused: {climb.refused}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ClimbList vocabulary={vocabulary.data} holdColors={holdColors} />
      <TransferPanel />
    </section>
  );
}
