import { z } from 'zod';

export const chatRequestSchema = z.strictObject({
  message: z
    .string({ error: 'message is required' })
    .trim()
    .min(1, { error: 'message must not be empty' })
    .max(5000, { error: 'message must be at most 5000 characters' }),
});

export const limitQuerySchema = (max: number, fallback: number) =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(max).default(fallback),
  });
