import { z } from 'zod';
import { CLIMB_TYPES, FAILURE_REASONS, GRADE_SCALES, OUTCOMES, STYLES } from '../climbs/vocabulary.ts';

const uniqueList = <T extends z.ZodType>(item: T, name: string) =>
  z
    .array(item)
    .max(20)
    .refine((list) => new Set(list).size === list.length, { error: `${name} must not repeat a value` });

const isoDateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time, e.g. 2026-11-20T18:30:00Z',
});

const climbFields = {
  location: z.string().trim().min(1, { error: 'location must not be empty' }).max(200),
  climb_type: z.enum(CLIMB_TYPES),
  grade_scale: z.enum(GRADE_SCALES),
  grade_value: z.string().trim().min(1).max(20),
  outcome: z.enum(OUTCOMES),
  awkwardness: z.number().int().min(1).max(5).nullable(),
  style: uniqueList(z.enum(STYLES), 'style'),
  failure_reasons: uniqueList(z.enum(FAILURE_REASONS), 'failure_reasons'),
  notes: z.string().max(2000),
  hold_color: z.string().trim().max(40).nullable(),
  redemption_at: isoDateTime.nullable(),
  created_at: isoDateTime,
};

export const newClimbSchema = z.strictObject({
  location: climbFields.location,
  climb_type: climbFields.climb_type,
  grade_scale: climbFields.grade_scale,
  grade_value: climbFields.grade_value,
  outcome: climbFields.outcome,
  awkwardness: climbFields.awkwardness.optional(),
  style: climbFields.style.default([]),
  failure_reasons: climbFields.failure_reasons.default([]),
  notes: climbFields.notes.default(''),
  hold_color: climbFields.hold_color.optional(),
  redemption_at: climbFields.redemption_at.optional(),
  created_at: climbFields.created_at.optional(),
});

export const climbPatchSchema = z
  .strictObject(climbFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { error: 'send at least one field to change' });

export const listClimbsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: isoDateTime.optional(),
});

export type NewClimb = z.output<typeof newClimbSchema>;
export type ClimbPatch = z.output<typeof climbPatchSchema>;
