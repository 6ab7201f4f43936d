import type { ErrorCode } from '@crux/contracts';

export type { ErrorCode };

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

/**
 * A refusal by one of Crux's limits or throttles: answered 429 (or the code's status) with
 * `Retry-After`, and counted in /metrics under `limit` (e.g. `signup_address`, `daily_chat`).
 */
export class LimitError extends AppError {
  constructor(
    code: ErrorCode,
    readonly limit: string,
    message: string,
    retryAfterSeconds: number,
  ) {
    super(code, message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
    this.name = 'LimitError';
  }
}
