import { z } from 'zod';
import { CLIMB_TYPES, GRADE_SCALES } from '../climbs/vocabulary.ts';

/** `PUT /v1/profile`: every field optional; a field left out keeps its value, `null` clears it. */
export const profileUpdateSchema = z.strictObject({
  preferred_discipline: z.enum(CLIMB_TYPES).nullable().optional(),
  preferred_grade_scale: z.enum(GRADE_SCALES).nullable().optional(),
  home_gym: z.string().trim().max(200).nullable().optional(),
  climbing_context: z
    .string()
    .max(2000, { error: 'climbing_context must be at most 2000 characters' })
    .optional(),
});
