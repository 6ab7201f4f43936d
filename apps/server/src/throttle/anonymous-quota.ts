import type { AnonymousSettings } from '../config/env-throttles.ts';
import type { DailyCount } from '../ledger/limits.ts';
import type { Endpoint } from '../ledger/settlement.ts';
import { LimitError } from '../shared/errors.ts';
import type { RateCounters, RateKey } from './rate-counters.ts';

const DAY = 86_400;

const addressKey = (address: string, kind: Endpoint): RateKey => ({
  name: `anonymous_${kind}_address`,
  subject: address,
  windowSeconds: DAY,
});

/** Who is asking: an anonymous user is limited by the client's address, not by the user id. */
export interface Caller {
  anonymous: boolean;
}

/**
 * Daily limits for Supabase anonymous users, which a new anonymous sign-in (a new user id) cannot
 * reset: chats and recommendations per client address and UTC day, and all anonymous calls
 * together per UTC day. Signed-in users pass straight through (their own daily limits apply).
 */
export class AnonymousQuota {
  constructor(
    private readonly counters: RateCounters,
    private readonly settings: AnonymousSettings,
  ) {}

  /**
   * Runs `work` once the address's and the global anonymous units are taken, giving them back
   * if `work` throws (refused or failed before anything was billed); throws LimitError (429
   * `daily_limit_reached`, Retry-After until 00:00 UTC) when a limit is reached.
   * @example await quota.around(c.var.user, c.var.clientAddress, 'chat', () => chat.start(...))
   */
  async around<T>(caller: Caller, address: string, kind: Endpoint, work: () => Promise<T>): Promise<T> {
    if (!caller.anonymous) return work();
    const taken = await this.take(address, kind);
    try {
      return await work();
    } catch (error) {
      await Promise.all(taken.map((key) => this.counters.giveBack(key)));
      throw error;
    }
  }

  /** Today's guest units used from `address`, and the per-address limits. */
  async today(address: string): Promise<Record<Endpoint, DailyCount>> {
    const [chat, recommendations] = await Promise.all(
      (['chat', 'recommendations'] as const).map((kind) => this.counters.count(addressKey(address, kind))),
    );
    return {
      chat: { used: chat ?? 0, limit: this.limitOf('chat') },
      recommendations: { used: recommendations ?? 0, limit: this.limitOf('recommendations') },
    };
  }

  private limitOf(kind: Endpoint): number {
    return kind === 'chat' ? this.settings.dailyChatPerAddress : this.settings.dailyRecommendationsPerAddress;
  }

  private async take(address: string, kind: Endpoint): Promise<RateKey[]> {
    const own = addressKey(address, kind);
    const limit = this.limitOf(kind);
    const mine = await this.counters.take(own, limit);
    if (!mine.allowed)
      throw new LimitError(
        'daily_limit_reached',
        own.name,
        `Guests get ${limit} ${kind === 'chat' ? 'chat messages' : 'recommendations'} a day from one network; sign up for more, or come back after 00:00 UTC.`,
        mine.retryAfterSeconds,
      );
    const all: RateKey = { name: 'anonymous_global', subject: '*', windowSeconds: DAY };
    const everyone = await this.counters.take(all, this.settings.dailyTotal);
    if (!everyone.allowed) {
      await this.counters.giveBack(own);
      throw new LimitError(
        'daily_limit_reached',
        all.name,
        'Guest use is full for today; sign up to continue, or come back after 00:00 UTC.',
        everyone.retryAfterSeconds,
      );
    }
    return [own, all];
  }
}
