import type { Db } from '../db/types.ts';
import type { Endpoint } from './settlement.ts';

export type LimitVerdict = { allowed: true; used: number } | { allowed: false; used: number };

/** The next UTC midnight, when every daily counter starts again. */
export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** Whole seconds until the next UTC midnight (at least 1): the `Retry-After` of a daily limit. */
export function secondsUntilUtcMidnight(now = new Date()): number {
  return Math.max(1, Math.ceil((nextUtcMidnight(now).getTime() - now.getTime()) / 1000));
}

/** A daily limit and how much of it is used today. */
export interface DailyCount {
  used: number;
  limit: number;
}

/** Of two limits that both apply, the one with less left (the first on a tie). */
export function tighter(a: DailyCount, b: DailyCount): DailyCount {
  return b.limit - b.used < a.limit - a.used ? b : a;
}

const TODAY = `(now() at time zone 'utc')::date`;

/** Counts one more use today unless the limit is reached; returns nothing when refused. */
const TAKE = `insert into daily_counters as c (user_id, day, kind, used) values ($1, ${TODAY}, $2, 1)
  on conflict (user_id, day, kind) do update set used = c.used + 1 where c.used < $3
  returning used`;

/**
 * Daily per-user request limits, enforced in SQL. `take` is one statement: an upsert that
 * increments the counter only while it is below the limit. Postgres re-checks the condition on
 * the locked row, so N concurrent requests never get past the limit. (USD budgets are
 * reservations of each call's worst case: see budgets.ts.)
 */
export class DailyLimits {
  constructor(private readonly db: Db) {}

  async take(userId: string, kind: Endpoint, limit: number): Promise<LimitVerdict> {
    if (limit <= 0) return { allowed: false, used: 0 };
    const rows = await this.db.query<{ used: number }>(TAKE, [userId, kind, limit]);
    const used = rows[0]?.used;
    if (used !== undefined) return { allowed: true, used };
    return { allowed: false, used: (await this.used(userId))[kind] };
  }

  /** Gives a unit back, for a request the upstream refused before billing anything. */
  async giveBack(userId: string, kind: Endpoint): Promise<void> {
    await this.db.query(
      `update daily_counters set used = used - 1 where user_id = $1 and day = ${TODAY} and kind = $2 and used > 0`,
      [userId, kind],
    );
  }

  async used(userId: string): Promise<Record<Endpoint, number>> {
    const rows = await this.db.query<{ kind: Endpoint; used: number }>(
      `select kind, used from daily_counters where user_id = $1 and day = ${TODAY}`,
      [userId],
    );
    const used: Record<Endpoint, number> = { chat: 0, recommendations: 0 };
    for (const row of rows) used[row.kind] = row.used;
    return used;
  }
}
