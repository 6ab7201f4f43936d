import { describe, expect, it } from 'vitest';
import { secondsUntilUtcMidnight } from '../ledger/limits.ts';
import { AppError, LimitError } from '../shared/errors.ts';
import { limitRefusal } from './limit-refusal.ts';

describe('limitRefusal', () => {
  it('keeps a LimitError’s own name and Retry-After', () => {
    const error = new LimitError('too_many_attempts', 'signup_address', 'slow down', 12.2);
    expect(limitRefusal(error)).toEqual({ limit: 'signup_address', retryAfter: '13' });
  });

  it('gives a daily limit or budget without one the time until 00:00 UTC', () => {
    for (const code of ['daily_limit_reached', 'budget_exceeded'] as const) {
      const refusal = limitRefusal(new AppError(code, 'no'));
      expect(refusal?.limit).toBe(code);
      expect(Math.abs(Number(refusal?.retryAfter) - secondsUntilUtcMidnight())).toBeLessThanOrEqual(2);
    }
  });

  it('keeps the upstream’s Retry-After, else says 30 seconds', () => {
    expect(limitRefusal(new AppError('upstream_rate_limited', 'no', { 'retry-after': '7' }))).toEqual({
      limit: 'upstream_rate_limited',
      retryAfter: '7',
    });
    expect(limitRefusal(new AppError('upstream_rate_limited', 'no'))?.retryAfter).toBe('30');
  });

  it('is nothing for errors other than 429', () => {
    expect(limitRefusal(new AppError('validation_failed', 'no'))).toBeUndefined();
  });
});

describe('secondsUntilUtcMidnight', () => {
  it('counts whole seconds to the next 00:00 UTC, at least 1', () => {
    expect(secondsUntilUtcMidnight(new Date('2026-11-26T23:59:59.500Z'))).toBe(1);
    expect(secondsUntilUtcMidnight(new Date('2026-11-26T00:00:00Z'))).toBe(86_400);
    expect(secondsUntilUtcMidnight(new Date('2026-11-26T12:00:00Z'))).toBe(43_200);
  });
});
