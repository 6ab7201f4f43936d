import { AppError } from '../shared/errors.ts';
import { UpstreamError } from './errors.ts';

/** Retry-After sent when a busy upstream named no time itself. */
const UPSTREAM_BUSY_RETRY_SECONDS = 5;

/** What the client is told when the upstream refuses a call (never a 500, never a secret). */
export function toClientError(error: unknown): AppError {
  const upstream =
    error instanceof UpstreamError ? error : new UpstreamError('unexpected', 'Unknown upstream failure');
  const retryAfter: Record<string, string> =
    upstream.retryAfterSeconds !== undefined ? { 'retry-after': String(upstream.retryAfterSeconds) } : {};
  // A saturated upstream is a wait, not a failure: the client always hears when to try again.
  const busy = { 'retry-after': String(upstream.retryAfterSeconds ?? UPSTREAM_BUSY_RETRY_SECONDS) };
  switch (upstream.kind) {
    case 'rate_limited':
      return new AppError('upstream_rate_limited', 'The coach is busy right now; try again shortly.', busy);
    case 'unauthorized':
      return new AppError(
        'upstream_auth_failed',
        "The coach service rejected this server's API key; the operator must check OPENROUTER_API_KEY.",
      );
    case 'out_of_credits':
      return new AppError(
        'upstream_out_of_credits',
        'The coach service is out of credits; the operator must top up the OpenRouter account.',
        retryAfter,
      );
    case 'unavailable':
      return new AppError(
        'upstream_unavailable',
        'No provider can serve the coach model right now; try again later.',
        busy,
      );
    case 'moderation':
      return new AppError('content_flagged', "The message was refused by the provider's content policy.");
    case 'timeout':
      return new AppError('upstream_timeout', 'The coach did not answer in time; try again.');
    default:
      return new AppError('upstream_error', `The coach service failed: ${upstream.message}`);
  }
}

/** The ledger's `error_code` for an upstream refusal. */
export function upstreamErrorCode(error: unknown): string {
  return error instanceof UpstreamError ? `upstream_${error.kind}` : 'upstream_unexpected';
}
