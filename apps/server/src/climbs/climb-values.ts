import { AppError } from '../shared/errors.ts';
import type { ClimbValues } from './climbs-repo.ts';
import { gradeVocabulary, normalizeGrade } from './grades.ts';

/** A validated climb from a request, an import row or a patch merged onto a stored climb. */
export type ClimbInput = Omit<ClimbValues, 'grade_rank' | 'awkwardness' | 'hold_color' | 'redemption_at'> & {
  awkwardness?: number | null | undefined;
  hold_color?: string | null | undefined;
  redemption_at?: string | null | undefined;
};

const FUTURE_SLACK_MS = 24 * 3600_000;

/**
 * The logbook's rules beyond the schema: the grade must belong to its scale (and is normalised
 * and ranked), and a climb cannot be logged in the future. Throws `validation_failed`.
 */
export function toClimbValues(input: ClimbInput, now = Date.now()): ClimbValues {
  const grade = normalizeGrade(input.grade_scale, input.grade_value);
  if (!grade) {
    const allowed = gradeVocabulary()[input.grade_scale].join(', ');
    throw new AppError(
      'validation_failed',
      `grade_value "${input.grade_value}" is not a ${input.grade_scale} grade; use one of: ${allowed}`,
    );
  }
  if (input.created_at && Date.parse(input.created_at) > now + FUTURE_SLACK_MS) {
    throw new AppError('validation_failed', 'created_at must not be in the future');
  }
  return {
    ...input,
    grade_value: grade.value,
    grade_rank: grade.rank,
    awkwardness: input.awkwardness ?? null,
    hold_color: input.hold_color ?? null,
    redemption_at: input.redemption_at ?? null,
  };
}
