import { signupRequestSchema } from '@crux/contracts';
import { InvalidArgumentError } from 'commander';

/**
 * Parsers for option values: each returns the typed value or throws InvalidArgumentError with
 * the fix, which the CLI prints on one line and exits 2.
 */
export function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('Use a whole number from 0 to 65535 (0 picks a free port).');
  return Number(value);
}

export function seconds(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('Use a whole number of seconds, e.g. 60.');
  return Number(value);
}

export function positiveSeconds(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) === 0)
    throw new InvalidArgumentError('Use a whole number of seconds of at least 1, e.g. 10.');
  return Number(value);
}

/** A USD amount as a decimal (`0.50`), or `default` (null): a per-user budget. */
export function budget(value: string): string | null {
  if (value === 'default') return null;
  if (!/^\d{1,9}(\.\d{1,12})?$/.test(value))
    throw new InvalidArgumentError('Use an amount in USD such as 0.50, or "default" for DAILY_BUDGET_USD.');
  return value;
}

/** A UTC calendar day as YYYY-MM-DD; rejects days that do not exist (2026-02-30). */
export function day(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [, year, month, date] = match ?? [];
  const parsed = match ? new Date(Date.UTC(Number(year), Number(month) - 1, Number(date))) : undefined;
  if (!parsed || parsed.toISOString().slice(0, 10) !== value)
    throw new InvalidArgumentError('Use a calendar day as YYYY-MM-DD, e.g. 2026-11-24.');
  return value;
}

/** Checks an e-mail and password as sign-up does; returns the first problem, or undefined. */
export function credentialsProblem(email: string, password: string): string | undefined {
  const result = signupRequestSchema.safeParse({ email, password });
  return result.success ? undefined : result.error.issues[0]?.message;
}
