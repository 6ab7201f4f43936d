import type { ClimbType, GradeScale, ProfileUpdate } from '@crux/contracts';
import { ChoiceChips } from '../shared/chips.tsx';
import { GRADE_SCALE_LABELS } from '../shared/format.ts';
import { HoldColorsField } from './hold-colors-field.tsx';

export interface ProfileDraft {
  preferred_discipline: ClimbType | null;
  preferred_grade_scale: GradeScale | null;
  home_gym: string;
  hold_colors: string[];
}

export const toUpdate = (draft: ProfileDraft): ProfileUpdate => ({
  ...draft,
  home_gym: draft.home_gym.trim() || null,
});

const DISCIPLINES: readonly ClimbType[] = ['boulder', 'sport'];
const SCALES: readonly GradeScale[] = ['font', 'v_scale', 'color_circuit'];
const DISCIPLINE_LABELS: Record<ClimbType, string> = { boulder: 'Bouldering', sport: 'Sport' };

/** The profile fields shared by the first-run set-up and the settings page. */
export function ProfileFields({
  draft,
  onChange,
}: {
  draft: ProfileDraft;
  onChange: (draft: ProfileDraft) => void;
}) {
  return (
    <>
      <ChoiceChips
        legend="What do you climb most?"
        name="discipline"
        options={DISCIPLINES}
        label={(d) => DISCIPLINE_LABELS[d]}
        value={draft.preferred_discipline}
        onChange={(preferred_discipline) => onChange({ ...draft, preferred_discipline })}
      />
      <ChoiceChips
        legend="Grade scale"
        name="grade-scale"
        options={SCALES}
        label={(s) => GRADE_SCALE_LABELS[s]}
        value={draft.preferred_grade_scale}
        onChange={(preferred_grade_scale) => onChange({ ...draft, preferred_grade_scale })}
      />
      <HoldColorsField
        value={draft.hold_colors}
        onChange={(hold_colors) => onChange({ ...draft, hold_colors })}
      />
      <label className="field">
        <span>Home gym</span>
        <input
          value={draft.home_gym}
          maxLength={200}
          autoComplete="off"
          onChange={(e) => onChange({ ...draft, home_gym: e.target.value })}
        />
      </label>
    </>
  );
}
