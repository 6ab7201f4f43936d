import { formatResetTime } from '../shared/format.ts';
import { CruxApiError, isNetworkError } from './crux.ts';

const UPSTREAM = new Set([
  'upstream_rate_limited',
  'upstream_auth_failed',
  'upstream_out_of_credits',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_error',
  'coach_unavailable',
]);

/** A sentence a climber can act on, for any error an API call can end with. */
export function describeError(error: unknown, resetsAt?: string): string {
  if (isNetworkError(error)) return 'No connection to Crux. Check your network and try again.';
  if (!(error instanceof CruxApiError)) return error instanceof Error ? error.message : String(error);
  if (error.code === 'daily_limit_reached' || error.code === 'budget_exceeded') {
    const when = resetsAt ? ` It resets ${formatResetTime(resetsAt)}.` : '';
    return `${error.message}${when}`;
  }
  if (UPSTREAM.has(error.code)) {
    const retry = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : ' Try again in a moment.';
    return `The AI coach is not reachable right now (${error.code.replaceAll('_', ' ')}).${retry}`;
  }
  return error.message;
}
