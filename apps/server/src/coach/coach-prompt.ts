import type { ChatMessage } from '../llm/types.ts';
import type { anonymizeClimb } from './anonymize.ts';
import type { Patterns } from './patterns.ts';

export const PROMPT_CLIMBS = 30;

const COACH_SYSTEM = `You are Crux, a climbing coach who writes one week of training for one climber.
Coach technique first: a failure blamed on strength is usually a technique gap (footwork, body position, tension, beta).
The climber's notes say why they failed; the statistics say what fails. Use both.
Answer with one JSON object and nothing else, in exactly this shape:
{
  "weekly_focus": "one sentence",
  "drills": [ exactly 3 × {"name": "", "description": "", "sets": integer 1-10, "reps": "", "rest": "", "measurable_outcome": ""} ],
  "projecting_focus": [ 3 or 4 × {"focus_area": "", "description": "", "grade_guidance": "", "rationale": ""} ]
}`;

export interface CoachPromptInput {
  patterns: Patterns;
  climbs: Array<ReturnType<typeof anonymizeClimb>>;
  climbingContext: string;
  preferredDiscipline: string | null;
}

/** The recommendation prompt: the coach's brief, then the climber's anonymised data as JSON. */
export function buildCoachPrompt(input: CoachPromptInput): ChatMessage[] {
  const data = {
    preferred_discipline: input.preferredDiscipline,
    climbing_context: input.climbingContext || null,
    patterns: input.patterns,
    recent_climbs: input.climbs.slice(0, PROMPT_CLIMBS),
  };
  return [
    { role: 'system', content: COACH_SYSTEM },
    { role: 'user', content: `Here is my logbook. Write my plan for this week.\n${JSON.stringify(data)}` },
  ];
}
