import type {
  Climb,
  ClimbType,
  FailureReason,
  GradeScale,
  NewClimbInput,
  Outcome,
  Profile,
  Style,
} from '@crux/contracts';

/** The logbook form's state: every field a climb has, as the form edits it. */
export interface ClimbDraft {
  climb_type: ClimbType;
  grade_scale: GradeScale;
  grade_value: string;
  outcome: Outcome | null;
  awkwardness: number | null;
  style: Style[];
  failure_reasons: FailureReason[];
  notes: string;
  location: string;
  hold_color: string | null;
}

/** A new climb starts from the profile's preferences and the last location used. */
export function emptyDraft(profile: Profile | undefined, lastLocation: string | undefined): ClimbDraft {
  return {
    climb_type: profile?.preferred_discipline ?? 'boulder',
    grade_scale: profile?.preferred_grade_scale ?? 'font',
    grade_value: '',
    outcome: null,
    awkwardness: null,
    style: [],
    failure_reasons: [],
    notes: '',
    location: lastLocation ?? profile?.home_gym ?? '',
    hold_color: null,
  };
}

export function draftOf(climb: Climb): ClimbDraft {
  return {
    climb_type: climb.climb_type,
    grade_scale: climb.grade_scale,
    grade_value: climb.grade_value,
    outcome: climb.outcome,
    awkwardness: climb.awkwardness,
    style: climb.style,
    failure_reasons: climb.failure_reasons,
    notes: climb.notes,
    location: climb.location,
    hold_color: climb.hold_color,
  };
}

/** The API body for a complete draft (the form requires an outcome before it submits). */
export function inputOf(draft: ClimbDraft & { outcome: Outcome }): NewClimbInput {
  return {
    ...draft,
    location: draft.location.trim(),
    notes: draft.notes.trim(),
    // Failure reasons belong to failed attempts only.
    failure_reasons: draft.outcome === 'Fail' ? draft.failure_reasons : [],
  };
}
