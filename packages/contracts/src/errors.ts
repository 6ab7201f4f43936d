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
  'headers_too_large',
  'malformed_request',
  'daily_limit_reached',
  'too_many_attempts',
  'budget_exceeded',
  'model_price_unknown',
  'content_flagged',
  'upstream_rate_limited',
  'upstream_auth_failed',
  'upstream_out_of_credits',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_error',
  'coach_unavailable',
  'service_unavailable',
  'server_busy',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status of each error code: the one place a code becomes a status. */
export const ERROR_STATUS = {
  invalid_json: 400,
  validation_failed: 400,
  content_flagged: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  email_taken: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  headers_too_large: 431,
  malformed_request: 400,
  daily_limit_reached: 429,
  too_many_attempts: 429,
  budget_exceeded: 429,
  upstream_rate_limited: 429,
  upstream_auth_failed: 502,
  upstream_timeout: 502,
  upstream_error: 502,
  coach_unavailable: 502,
  upstream_out_of_credits: 503,
  upstream_unavailable: 503,
  model_price_unknown: 503,
  service_unavailable: 503,
  server_busy: 503,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

/**
 * Every error response: `{"error": {"code", "message", "request_id"}}`, with per-field `details` on
 * validation errors. `request_id` is also the response's `X-Request-Id` header and is on the server's log lines.
 */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      request_id: z.string(),
      details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });

export type ErrorBody = z.output<typeof errorBodySchema>;
