import { z } from 'zod';
import { timestamp, usd } from './common.ts';
import { CLIMB_TYPES, FAILURE_REASONS, GRADE_SCALES, STYLES } from './vocabulary.ts';

export const patternsSchema = z
  .strictObject({
    failure_patterns: z.array(
      z.strictObject({ reason: z.enum(FAILURE_REASONS), count: z.number().int(), percentage: z.number() }),
    ),
    style_weaknesses: z.array(
      z.strictObject({
        style: z.enum(STYLES),
        attempts: z.number().int(),
        fail_count: z.number().int(),
        fail_rate: z.number(),
      }),
    ),
    climbing_frequency: z.strictObject({
      total_climbs: z.number().int(),
      sessions: z.number().int(),
      climbs_per_session: z.number(),
      climbs_per_month: z.number(),
      period_days: z.number().int(),
    }),
    recent_successes: z.strictObject({
      redemptions: z.array(
        z.strictObject({
          climb_id: z.uuid(),
          grade_scale: z.enum(GRADE_SCALES),
          grade_value: z.string(),
          climb_type: z.enum(CLIMB_TYPES),
          redeemed_at: timestamp,
        }),
      ),
      sends: z.number().int(),
      hardest_send: z
        .strictObject({ grade_scale: z.enum(GRADE_SCALES), grade_value: z.string(), rank: z.number() })
        .nullable(),
      grade_progression: z.array(
        z.strictObject({
          month: z.string(),
          hardest_rank: z.number(),
          hardest_grade: z.string(),
          sends: z.number().int(),
        }),
      ),
    }),
    /** Sends per grade, hardest first: the climber's grade pyramid. */
    grade_pyramid: z.array(
      z.strictObject({
        grade_scale: z.enum(GRADE_SCALES),
        grade_value: z.string(),
        rank: z.number(),
        sends: z.number().int(),
      }),
    ),
    /** Failed climbs later sent ("Mark as sent"), over every climb that was ever failed. */
    redemption_rate: z.strictObject({
      failed: z.number().int(),
      redeemed: z.number().int(),
      rate: z.number(),
    }),
  })
  .meta({ id: 'Patterns' });

export const drillSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  sets: z.number().int(),
  reps: z.string(),
  rest: z.string(),
  measurable_outcome: z.string(),
});

export const projectingFocusSchema = z.strictObject({
  focus_area: z.string(),
  description: z.string(),
  grade_guidance: z.string(),
  rationale: z.string(),
});

export const recommendationContentSchema = z
  .strictObject({
    weekly_focus: z.string(),
    drills: z.array(drillSchema).length(3),
    projecting_focus: z.array(projectingFocusSchema).min(3).max(4),
  })
  .meta({ id: 'RecommendationContent' });

export const recommendationSchema = z
  .strictObject({ id: z.uuid(), created_at: timestamp, content: recommendationContentSchema })
  .meta({ id: 'Recommendation' });

/** Tokens and exact cost summed over every attempt (each attempt is billed). */
export const recommendationUsageSchema = z.strictObject({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cost_usd: usd.nullable(),
  attempts: z.number().int(),
});

export const generateRecommendationRequestSchema = z.strictObject({}).meta({ id: 'GenerateRecommendation' });

export const generatedRecommendationSchema = z
  .strictObject({
    recommendation: recommendationSchema,
    usage: recommendationUsageSchema,
    /** True when every attempt failed and the previous recommendation is returned instead. */
    is_cached: z.boolean(),
    warning: z.string().optional(),
  })
  .meta({ id: 'GeneratedRecommendation' });

export const latestRecommendationSchema = z
  .strictObject({ recommendation: recommendationSchema })
  .meta({ id: 'LatestRecommendation' });

export type Patterns = z.output<typeof patternsSchema>;
export type RecommendationContent = z.output<typeof recommendationContentSchema>;
export type Recommendation = z.output<typeof recommendationSchema>;
export type GeneratedRecommendation = z.output<typeof generatedRecommendationSchema>;
