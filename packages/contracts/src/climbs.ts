import { z } from 'zod';
import { isoDateTime, limitParam, pageCursor, text, timestamp } from './common.ts';
import { CLIMB_TYPES, FAILURE_REASONS, GRADE_SCALES, OUTCOMES, STYLES } from './vocabulary.ts';

const uniqueList = <T extends z.ZodType>(item: T, name: string) =>
  z
    .array(item)
    .max(20)
    .refine((list) => new Set(list).size === list.length, { error: `${name} must not repeat a value` });

const climbFields = {
  location: text().trim().min(1, { error: 'location must not be empty' }).max(200),
  climb_type: z.enum(CLIMB_TYPES),
  grade_scale: z.enum(GRADE_SCALES),
  grade_value: text().trim().min(1).max(20),
  outcome: z.enum(OUTCOMES),
  awkwardness: z.number().int().min(1).max(5).nullable(),
  style: uniqueList(z.enum(STYLES), 'style'),
  failure_reasons: uniqueList(z.enum(FAILURE_REASONS), 'failure_reasons'),
  notes: text().max(2000),
  hold_color: text().trim().max(40).nullable(),
  redemption_at: isoDateTime.nullable(),
  created_at: isoDateTime,
};

/** `POST /v1/climbs` (and each row of a CSV import). */
export const newClimbSchema = z
  .strictObject({
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
  })
  .meta({ id: 'NewClimb' });

/** `PATCH /v1/climbs/:id`: any subset of the fields, at least one. */
export const climbPatchSchema = z
  .strictObject(climbFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { error: 'send at least one field to change' })
  .meta({ id: 'ClimbPatch' });

export const listClimbsQuerySchema = z.strictObject({
  limit: limitParam(200, 50),
  /** The `next_before` of the previous page (an opaque cursor). */
  before: pageCursor.optional(),
  outcome: z.enum(OUTCOMES).optional(),
  climb_type: z.enum(CLIMB_TYPES).optional(),
});

export const climbSchema = z
  .strictObject({
    id: z.uuid(),
    location: z.string(),
    climb_type: z.enum(CLIMB_TYPES),
    grade_scale: z.enum(GRADE_SCALES),
    grade_value: z.string(),
    /** Difficulty on one shared ordering (V-scale equivalent), whatever the grade scale. */
    grade_rank: z.number(),
    outcome: z.enum(OUTCOMES),
    awkwardness: z.number().int().nullable(),
    style: z.array(z.enum(STYLES)),
    failure_reasons: z.array(z.enum(FAILURE_REASONS)),
    notes: z.string(),
    hold_color: z.string().nullable(),
    redemption_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Climb' });

export const climbListSchema = z
  .strictObject({
    climbs: z.array(climbSchema),
    /** Pass as `before` to read the next (older) page, unchanged; absent on the last page. */
    next_before: pageCursor.optional(),
  })
  .meta({ id: 'ClimbList' });

/** `GET /v1/climbs/export?format=json`: every climb, newest first. */
export const logbookExportSchema = z
  .strictObject({ climbs: z.array(climbSchema) })
  .meta({ id: 'LogbookExport' });

export const exportQuerySchema = z.strictObject({ format: z.enum(['csv', 'json']).default('json') });

/** `POST /v1/climbs/import` answers what went in and, row by row, what was refused and why. */
export const importReportSchema = z
  .strictObject({
    imported: z.number().int(),
    refused: z.array(z.strictObject({ row: z.number().int(), errors: z.array(z.string()) })),
  })
  .meta({ id: 'ImportReport' });

export const vocabularySchema = z
  .strictObject({
    climb_type: z.array(z.enum(CLIMB_TYPES)),
    grade_scale: z.array(z.enum(GRADE_SCALES)),
    grades: z.strictObject({
      font: z.array(z.string()),
      v_scale: z.array(z.string()),
      color_circuit: z.array(z.string()),
    }),
    outcome: z.array(z.enum(OUTCOMES)),
    style: z.array(z.enum(STYLES)),
    failure_reasons: z.array(z.enum(FAILURE_REASONS)),
    awkwardness: z.strictObject({ min: z.number().int(), max: z.number().int() }),
  })
  .meta({ id: 'Vocabulary' });

export type NewClimb = z.output<typeof newClimbSchema>;
export type NewClimbInput = z.input<typeof newClimbSchema>;
export type ClimbPatch = z.output<typeof climbPatchSchema>;
export type ClimbPatchInput = z.input<typeof climbPatchSchema>;
export type ListClimbsQuery = z.input<typeof listClimbsQuerySchema>;
export type Climb = z.output<typeof climbSchema>;
export type ClimbList = z.output<typeof climbListSchema>;
export type LogbookExport = z.output<typeof logbookExportSchema>;
export type ImportReport = z.output<typeof importReportSchema>;
export type Vocabulary = z.output<typeof vocabularySchema>;
