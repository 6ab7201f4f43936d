import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { crux } from '../api/crux.ts';
import { PageTitle } from '../app/page-title.tsx';
import { type ProfileDraft, ProfileFields, toUpdate } from '../settings/profile-fields.tsx';
import { ErrorText } from '../shared/error-text.tsx';
import { keys } from '../shared/queries.ts';

const START: ProfileDraft = {
  preferred_discipline: 'boulder',
  preferred_grade_scale: 'font',
  home_gym: '',
  hold_colors: [],
};

/** First run: four questions, all changeable later in settings. */
export function SetupPage() {
  const [draft, setDraft] = useState(START);
  const navigate = useNavigate();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () => crux.profile.update(toUpdate(draft)),
    onSuccess: (profile) => {
      client.setQueryData(keys.profile, profile);
      navigate('/logbook');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section>
      <PageTitle title="Set up your logbook" />
      <p className="lede">A few answers make logging a climb a couple of taps. You can change them later.</p>
      <form className="card stack" onSubmit={submit}>
        <ProfileFields draft={draft} onChange={setDraft} />
        <ErrorText error={save.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save and start logging'}
          </button>
          <Link to="/logbook">Skip for now</Link>
        </div>
      </form>
    </section>
  );
}
