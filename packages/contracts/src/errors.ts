import { z } from 'zod';

/** Every error code the API answers with; the server maps each to its HTTP status in one place. */
export const ERROR_CODES = [
  'invalid_json',
  'validation_failed',
  'unauthorized',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'email_taken',
  'idempotency_conflict',
  'payload_too_large',
  'daily_limit_reached',
  'too_many_attempts',
  'budget_exceeded',
  'content_flagged',
  'upstream_rate_limited',
  'upstream_auth_failed',
  'upstream_out_of_credits',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_error',
  'coach_unavailable',
  'service_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error response: `{"error": {"code", "message"}}`, with per-field `details` on validation errors. */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });

export type ErrorBody = z.output<typeof errorBodySchema>;
