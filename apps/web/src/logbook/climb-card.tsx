import type { Climb, Vocabulary } from '@crux/contracts';
import { useState } from 'react';
import { ErrorText } from '../shared/error-text.tsx';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { HoldColorBadge } from '../shared/hold-color-badge.tsx';
import { draftOf, inputOf } from './climb-draft.ts';
import { ClimbForm } from './climb-form.tsx';
import { useDeleteClimb, useUpdateClimb } from './use-climbs.ts';

interface Props {
  climb: Climb;
  vocabulary: Vocabulary;
  holdColors: string[];
}

/** One climb in the list, with its actions: mark as sent, edit in place, delete. */
export function ClimbCard({ climb, vocabulary, holdColors }: Props) {
  const [editing, setEditing] = useState(false);
  const update = useUpdateClimb();
  const remove = useDeleteClimb();
  const title = `${climb.grade_value} ${climb.climb_type}`;

  if (editing) {
    return (
      <li className="card climb editing">
        <h3>Edit {title}</h3>
        <ClimbForm
          vocabulary={vocabulary}
          holdColors={holdColors}
          initial={draftOf(climb)}
          submitLabel="Save changes"
          onCancel={() => setEditing(false)}
          onSubmit={async (draft) => {
            await update.mutateAsync({ id: climb.id, patch: inputOf(draft) });
            setEditing(false);
          }}
        />
      </li>
    );
  }

  const markSent = () =>
    update.mutate({ id: climb.id, patch: { outcome: 'Sent', redemption_at: new Date().toISOString() } });
  const confirmDelete = () => {
    if (window.confirm(`Delete the ${title} from ${formatDate(climb.created_at)}?`)) remove.mutate(climb.id);
  };

  return (
    <li className="card climb">
      <div className="climb-head">
        <h3>
          <span className="grade">{climb.grade_value}</span> <span className="muted">{climb.climb_type}</span>
        </h3>
        <span className={`pill ${climb.outcome === 'Sent' ? 'sent' : 'fail'}`}>{climb.outcome}</span>
        {climb.hold_color && <HoldColorBadge color={climb.hold_color} />}
      </div>
      <p className="muted small">
        {climb.location} · <time dateTime={climb.created_at}>{formatDateTime(climb.created_at)}</time>
        {climb.awkwardness !== null && <> · awkwardness {climb.awkwardness}/5</>}
      </p>
      {climb.redemption_at && <p className="small success">Redeemed {formatDate(climb.redemption_at)}</p>}
      {(climb.style.length > 0 || climb.failure_reasons.length > 0) && (
        <ul className="tags" aria-label="Style and failure reasons">
          {climb.style.map((s) => (
            <li key={s}>{s}</li>
          ))}
          {climb.failure_reasons.map((r) => (
            <li key={r} className="reason">
              {r}
            </li>
          ))}
        </ul>
      )}
      {climb.notes && <p className="notes">{climb.notes}</p>}
      <div className="actions">
        {climb.outcome === 'Fail' && (
          <button type="button" className="small primary" onClick={markSent} disabled={update.isPending}>
            Mark as sent
          </button>
        )}
        <button type="button" className="small" onClick={() => setEditing(true)}>
          Edit<span className="visually-hidden"> {title}</span>
        </button>
        <button type="button" className="small danger" onClick={confirmDelete} disabled={remove.isPending}>
          Delete<span className="visually-hidden"> {title}</span>
        </button>
      </div>
      <ErrorText error={update.error ?? remove.error} />
    </li>
  );
}
