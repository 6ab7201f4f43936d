import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
/** Models write "8" or 8 for reps and rest: accept both, store text. */
const textOrNumber = (max: number) => z.union([text(max), z.number().transform(String)]);

export const drillSchema = z.object({
  name: text(120),
  description: text(1000),
  sets: z.number().int().min(1).max(10),
  reps: textOrNumber(120),
  rest: textOrNumber(120),
  measurable_outcome: text(500),
});

export const projectingFocusSchema = z.object({
  focus_area: text(120),
  description: text(1000),
  grade_guidance: text(300),
  rationale: text(1000),
});

/** What the coach must answer: a weekly focus, exactly 3 drills, 3-4 projecting items. */
export const recommendationContentSchema = z.object({
  weekly_focus: text(500),
  drills: z.array(drillSchema).length(3),
  projecting_focus: z.array(projectingFocusSchema).min(3).max(4),
});

export type RecommendationContent = z.output<typeof recommendationContentSchema>;

export type ParsedAnswer =
  | { ok: true; content: RecommendationContent }
  | { ok: false; errorCode: 'invalid_json' | 'schema_mismatch'; detail: string };

/** Parses the model's answer (tolerating a Markdown code fence) and validates it. */
export function parseRecommendation(answer: string): ParsedAnswer {
  const unfenced = answer
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { ok: false, errorCode: 'invalid_json', detail: 'the answer is not JSON' };
  }
  const result = recommendationContentSchema.safeParse(json);
  if (!result.success) {
    return {
      ok: false,
      errorCode: 'schema_mismatch',
      detail: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { ok: true, content: result.data };
}
