import type { Outcome, Vocabulary } from '@crux/contracts';
import { type FormEvent, useId, useState } from 'react';
import { ChoiceChips, MultiChips } from '../shared/chips.tsx';
import { ErrorText } from '../shared/error-text.tsx';
import { GRADE_SCALE_LABELS } from '../shared/format.ts';
import { HoldColorBadge } from '../shared/hold-color-badge.tsx';
import { SelectField } from '../shared/select-field.tsx';
import type { ClimbDraft } from './climb-draft.ts';
import { LocationField } from './location-field.tsx';

interface Props {
  vocabulary: Vocabulary;
  initial: ClimbDraft;
  holdColors: string[];
  submitLabel: string;
  onSubmit: (draft: ClimbDraft & { outcome: Outcome }) => Promise<void>;
  onCancel?: () => void;
}

const AWKWARDNESS = ['1', '2', '3', '4', '5'] as const;
const TYPE_LABELS = { boulder: 'Boulder', sport: 'Sport' };

/** Every field of a climb, in the order a climber thinks of them, most as one tap. */
export function ClimbForm({ vocabulary, initial, holdColors, submitLabel, onSubmit, onCancel }: Props) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set = (patch: Partial<ClimbDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const grades = vocabulary.grades[draft.grade_scale];
  const colors =
    draft.hold_color && !holdColors.includes(draft.hold_color)
      ? [...holdColors, draft.hold_color]
      : holdColors;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { outcome } = draft;
    if (!outcome) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ ...draft, outcome });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack climb-form" onSubmit={submit} aria-label={submitLabel}>
      <ChoiceChips
        legend="Type"
        name={`${id}-type`}
        options={vocabulary.climb_type}
        label={(t) => TYPE_LABELS[t]}
        value={draft.climb_type}
        onChange={(climb_type) => set({ climb_type })}
      />
      <div className="grade-row">
        <SelectField
          label="Grade scale"
          value={draft.grade_scale}
          options={vocabulary.grade_scale}
          optionLabel={(scale) => GRADE_SCALE_LABELS[scale]}
          onChange={(scale) => set({ grade_scale: scale || draft.grade_scale, grade_value: '' })}
        />
        <SelectField
          label="Grade"
          required
          empty="Choose…"
          value={draft.grade_value}
          options={grades}
          onChange={(grade_value) => set({ grade_value })}
        />
      </div>
      <ChoiceChips
        legend="Outcome"
        name={`${id}-outcome`}
        options={vocabulary.outcome}
        value={draft.outcome}
        required
        onChange={(outcome) => set({ outcome })}
      />
      {draft.outcome === 'Fail' && (
        <MultiChips
          legend="Why did it fail?"
          name={`${id}-reasons`}
          options={vocabulary.failure_reasons}
          values={draft.failure_reasons}
          onChange={(failure_reasons) => set({ failure_reasons })}
        />
      )}
      <MultiChips
        legend="Style"
        name={`${id}-style`}
        options={vocabulary.style}
        values={draft.style}
        onChange={(style) => set({ style })}
      />
      <ChoiceChips
        legend="Awkwardness"
        hint="1 felt natural, 5 felt all wrong."
        name={`${id}-awkward`}
        options={AWKWARDNESS}
        value={
          draft.awkwardness === null ? null : (String(draft.awkwardness) as (typeof AWKWARDNESS)[number])
        }
        onChange={(value) => set({ awkwardness: Number(value) })}
      />
      {colors.length > 0 && (
        <ChoiceChips
          legend="Hold colour"
          name={`${id}-hold`}
          options={['none', ...colors]}
          label={(c) => (c === 'none' ? 'None' : <HoldColorBadge color={c} />)}
          value={draft.hold_color ?? 'none'}
          onChange={(c) => set({ hold_color: c === 'none' ? null : c })}
        />
      )}
      <LocationField value={draft.location} onChange={(location) => set({ location })} />
      <label className="field">
        <span>Notes</span>
        <textarea
          rows={3}
          maxLength={2000}
          value={draft.notes}
          placeholder="What happened? Beta, feelings, conditions…"
          onChange={(e) => set({ notes: e.target.value })}
        />
      </label>
      <ErrorText error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
