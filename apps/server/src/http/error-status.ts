import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../shared/errors.ts';

/** The one place an error code becomes an HTTP status. */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
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
  service_unavailable: 503,
  internal_error: 500,
};

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
