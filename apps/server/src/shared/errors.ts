/** Every error code the API answers with; `http/error-status.ts` maps each to its HTTP status. */
export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'email_taken'
  | 'idempotency_conflict'
  | 'payload_too_large'
  | 'daily_limit_reached'
  | 'too_many_attempts'
  | 'budget_exceeded'
  | 'content_flagged'
  | 'upstream_rate_limited'
  | 'upstream_auth_failed'
  | 'upstream_out_of_credits'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'upstream_error'
  | 'coach_unavailable'
  | 'service_unavailable'
  | 'internal_error';

/** An error meant for the client: a stable code, a human message, and optional headers. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
