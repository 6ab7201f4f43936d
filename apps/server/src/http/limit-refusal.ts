import { secondsUntilUtcMidnight } from '../ledger/limits.ts';
import { type AppError, LimitError } from '../shared/errors.ts';
import { STATUS_BY_CODE } from './error-status.ts';

/** Limits that start again at 00:00 UTC. */
const DAILY = new Set(['daily_limit_reached', 'budget_exceeded']);

/**
 * What a 429 says and counts: the limit's name for /metrics (a LimitError's own, else the error
 * code) and its `Retry-After` (the error's own, else the seconds until 00:00 UTC for a daily
 * limit or budget, else 30). Undefined for any other error.
 * @example limitRefusal(new AppError('daily_limit_reached', '…')) // { limit: 'daily_limit_reached', retryAfter: '3600' }
 */
export function limitRefusal(error: AppError): { limit: string; retryAfter: string } | undefined {
  if (STATUS_BY_CODE[error.code] !== 429) return undefined;
  const limit = error instanceof LimitError ? error.limit : error.code;
  const own = error.headers['retry-after'];
  const retryAfter = own ?? String(DAILY.has(error.code) ? secondsUntilUtcMidnight() : 30);
  return { limit, retryAfter };
}
