import { z } from 'zod';
import { text } from './common.ts';
import { CLIMB_TYPES, GRADE_SCALES } from './vocabulary.ts';

const holdColor = text().trim().min(1).max(40);

export const profileSchema = z
  .strictObject({
    preferred_discipline: z.enum(CLIMB_TYPES).nullable(),
    preferred_grade_scale: z.enum(GRADE_SCALES).nullable(),
    home_gym: z.string().nullable(),
    climbing_context: z.string(),
    /** The hold colours the climber's gym uses (for colour-circuit grades and badges). */
    hold_colors: z.array(z.string()),
  })
  .meta({ id: 'Profile' });

/** `PUT /v1/profile`: every field optional; a field left out keeps its value, `null` clears it. */
export const profileUpdateSchema = z
  .strictObject({
    preferred_discipline: z.enum(CLIMB_TYPES).nullable().optional(),
    preferred_grade_scale: z.enum(GRADE_SCALES).nullable().optional(),
    home_gym: text().trim().max(200).nullable().optional(),
    climbing_context: text()
      .max(2000, { error: 'climbing_context must be at most 2000 characters' })
      .optional(),
    hold_colors: z
      .array(holdColor)
      .max(24, { error: 'at most 24 hold colours' })
      .refine((list) => new Set(list.map((c) => c.toLowerCase())).size === list.length, {
        error: 'hold_colors must not repeat a colour',
      })
      .optional(),
  })
  .meta({ id: 'ProfileUpdate' });

export type Profile = z.output<typeof profileSchema>;
export type ProfileUpdate = z.input<typeof profileUpdateSchema>;
