import { z } from 'zod';

/** Empty strings (common in `.env` files) count as unset. */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A whole number of 0 or more, `fallback` when unset. */
export const integer = (fallback: number, name: string) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? String(fallback) : value),
    z
      .string()
      .regex(/^\d+$/, { error: `${name} must be a whole number of 0 or more` })
      .transform(Number),
  );

/** `true`/`1` or `false`/`0`; false when unset. */
export const flag = (name: string) =>
  optional(z.enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })).transform(
    (value) => value === 'true' || value === '1',
  );
