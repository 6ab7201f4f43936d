import type { Profile } from '@crux/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { crux } from '../api/crux.ts';
import { PageTitle } from '../app/page-title.tsx';
import { ErrorText } from '../shared/error-text.tsx';
import { keys, useProfile } from '../shared/queries.ts';
import { AccountPanel } from './account-panel.tsx';
import { PasswordPanel } from './password-panel.tsx';
import { type ProfileDraft, ProfileFields, toUpdate } from './profile-fields.tsx';

const CONTEXT_MAX = 2000;

export function SettingsPage() {
  const profile = useProfile();
  return (
    <section>
      <PageTitle title="Settings" />
      <ErrorText error={profile.error} />
      {profile.data ? (
        <SettingsForm profile={profile.data} />
      ) : (
        !profile.error && <p className="muted">Loading…</p>
      )}
      <PasswordPanel />
      <AccountPanel />
    </section>
  );
}

function SettingsForm({ profile }: { profile: Profile }) {
  const client = useQueryClient();
  const contextId = useId();
  const [draft, setDraft] = useState<ProfileDraft>({
    preferred_discipline: profile.preferred_discipline,
    preferred_grade_scale: profile.preferred_grade_scale,
    home_gym: profile.home_gym ?? '',
    hold_colors: profile.hold_colors,
  });
  const [context, setContext] = useState(profile.climbing_context);
  const save = useMutation({
    mutationFn: () => crux.profile.update({ ...toUpdate(draft), climbing_context: context }),
    onSuccess: (saved) => client.setQueryData(keys.profile, saved),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit}>
      <ProfileFields
        draft={draft}
        onChange={(next) => {
          setDraft(next);
          save.reset();
        }}
      />
      <div className="field">
        <label htmlFor={contextId}>Climbing context for the coach</label>
        <textarea
          id={contextId}
          rows={6}
          maxLength={CONTEXT_MAX}
          value={context}
          aria-describedby={`${contextId}-count`}
          placeholder="Goals, injuries, how often you train… The coach reads this like custom instructions."
          onChange={(e) => {
            setContext(e.target.value);
            save.reset();
          }}
        />
        <small id={`${contextId}-count`} className="hint counter">
          {context.length} / {CONTEXT_MAX} characters
        </small>
      </div>
      <ErrorText error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
        <span role="status" className="success">
          {save.isSuccess ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
