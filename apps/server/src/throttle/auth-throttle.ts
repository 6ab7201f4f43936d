import type { ThrottleSettings } from '../config/env-throttles.ts';
import { LimitError } from '../shared/errors.ts';
import type { RateCounters, RateKey } from './rate-counters.ts';

const HOUR = 3600;

const minutes = (seconds: number) => `${Math.max(1, Math.ceil(seconds / 60))} minute(s)`;

/** A login attempt let through: `succeeded` clears the account's failures from this address. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
}

/**
 * Throttles in front of the password hash, counted in the database per hour:
 * - signups per client address and in total (each signup costs a 128 MiB scrypt);
 * - login failures per account and client address together (someone else's guesses never lock the
 *   owner out from another address), and per client address across accounts (stops spraying
 *   one password over many accounts).
 * Every attempt is counted before the password is checked, so concurrent guesses cannot slip past
 * the count; a success clears the account's count from that address and gives its unit back.
 */
export class AuthThrottle {
  constructor(
    private readonly counters: RateCounters,
    private readonly limits: ThrottleSettings,
  ) {}

  /** Throws LimitError (429 `too_many_attempts`) when this address or everyone signed up too often. */
  async signup(address: string): Promise<void> {
    const perAddress: RateKey = { name: 'signup_address', subject: address, windowSeconds: HOUR };
    const own = await this.counters.take(perAddress, this.limits.signupsPerAddress);
    if (!own.allowed)
      throw new LimitError(
        'too_many_attempts',
        'signup_address',
        `Too many sign-ups from your network; try again in ${minutes(own.retryAfterSeconds)}.`,
        own.retryAfterSeconds,
      );
    const all = await this.counters.take(
      { name: 'signup_global', subject: '*', windowSeconds: HOUR },
      this.limits.signups,
    );
    if (!all.allowed) {
      await this.counters.giveBack(perAddress);
      throw new LimitError(
        'too_many_attempts',
        'signup_global',
        `Sign-ups are paused for a while (too many this hour); try again in ${minutes(all.retryAfterSeconds)}.`,
        all.retryAfterSeconds,
      );
    }
  }

  /**
   * Counts a login attempt for `email` from `address` before its password is checked; throws
   * LimitError when either count is full. The account is named by the e-mail as typed (lower
   * case), so an unknown account is throttled exactly like a real one.
   */
  async login(email: string, address: string): Promise<LoginAttempt> {
    const account: RateKey = {
      name: 'login_account_address',
      subject: `${email.trim().toLowerCase()}\n${address}`,
      windowSeconds: HOUR,
    };
    const own = await this.counters.take(account, this.limits.loginFailuresPerAccount);
    if (!own.allowed)
      throw new LimitError(
        'too_many_attempts',
        'login_account_address',
        `Too many wrong passwords for this account from your network; try again in ${minutes(own.retryAfterSeconds)}.`,
        own.retryAfterSeconds,
      );
    const spray: RateKey = { name: 'login_address', subject: address, windowSeconds: HOUR };
    const all = await this.counters.take(spray, this.limits.loginFailuresPerAddress);
    if (!all.allowed) {
      await this.counters.giveBack(account);
      throw new LimitError(
        'too_many_attempts',
        'login_address',
        `Too many failed sign-ins from your network; try again in ${minutes(all.retryAfterSeconds)}.`,
        all.retryAfterSeconds,
      );
    }
    return {
      succeeded: async () => {
        await Promise.all([this.counters.reset(account), this.counters.giveBack(spray)]);
      },
    };
  }
}
