import type { ClimbPatch, NewClimb } from '@crux/contracts';
import { AppError } from '../shared/errors.ts';
import type { Climb, ClimbsRepo, ClimbValues } from './climbs-repo.ts';
import { gradeVocabulary, normalizeGrade } from './grades.ts';

/** The logbook's rules over the repository: grades checked per scale, patches merged. */
export class ClimbsService {
  constructor(private readonly repo: ClimbsRepo) {}

  create(userId: string, input: NewClimb): Promise<Climb> {
    return this.repo.create(userId, toValues(input));
  }

  async update(userId: string, id: string, patch: ClimbPatch): Promise<Climb> {
    const existing = await this.get(userId, id);
    const { id: _id, created_at, grade_rank: _rank, ...current } = existing;
    const merged = { ...current, created_at, ...patch };
    const updated = await this.repo.replace(userId, id, toValues(merged));
    if (!updated) throw notFound();
    return updated;
  }

  async get(userId: string, id: string): Promise<Climb> {
    const climb = isUuid(id) ? await this.repo.get(userId, id) : undefined;
    if (!climb) throw notFound();
    return climb;
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!isUuid(id) || !(await this.repo.delete(userId, id))) throw notFound();
  }
}

type ClimbInput = Omit<ClimbValues, 'grade_rank' | 'awkwardness' | 'hold_color' | 'redemption_at'> & {
  awkwardness?: number | null | undefined;
  hold_color?: string | null | undefined;
  redemption_at?: string | null | undefined;
};

function toValues(input: ClimbInput): ClimbValues {
  const grade = normalizeGrade(input.grade_scale, input.grade_value);
  if (!grade) {
    const allowed = gradeVocabulary()[input.grade_scale].join(', ');
    throw new AppError(
      'validation_failed',
      `grade_value "${input.grade_value}" is not a ${input.grade_scale} grade; use one of: ${allowed}`,
    );
  }
  if (input.created_at && Date.parse(input.created_at) > Date.now() + 24 * 3600_000) {
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string) => UUID.test(id);
const notFound = () => new AppError('not_found', 'No climb with this id in your logbook.');
