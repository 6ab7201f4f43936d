import type { Db } from '../db/types.ts';
import type { Endpoint } from './settlement.ts';

export type LimitVerdict =
  | { allowed: true; used: number }
  | { allowed: false; reason: 'daily_limit' | 'budget'; used: number };

/** The next UTC midnight, when every daily counter starts again. */
export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

const TODAY = `(now() at time zone 'utc')::date`;

/** Counts one more use today unless the limit is reached; returns nothing when refused. */
const TAKE = `insert into daily_counters as c (user_id, day, kind, used) values ($1, ${TODAY}, $2, 1)
  on conflict (user_id, day, kind) do update set used = c.used + 1 where c.used < $3
  returning used`;

/** The same, and only while today's settled spend is below the budget ($4). */
const TAKE_WITHIN_BUDGET = `with budget as (
    select coalesce(sum(cost_usd), 0) >= $4::numeric as spent from api_usage
    where user_id = $1 and created_at >= ${TODAY}::timestamp at time zone 'utc'
  )
  insert into daily_counters as c (user_id, day, kind, used)
  select $1, ${TODAY}, $2, 1 where not (select spent from budget)
  on conflict (user_id, day, kind) do update set used = c.used + 1
    where c.used < $3 and not (select spent from budget)
  returning used`;

/**
 * Daily per-user limits and the USD budget, enforced in SQL. `take` is one statement: an upsert
 * that increments the counter only while it is below the limit and today's settled spend is
 * below the budget. Postgres re-checks the condition on the locked row, so N concurrent
 * requests never get past the limit. (The budget counts settled costs: calls already in flight
 * when it is reached can overshoot it by their own cost.)
 */
export class DailyLimits {
  constructor(private readonly db: Db) {}

  async take(
    userId: string,
    kind: Endpoint,
    limit: number,
    budgetUsd: string | undefined,
  ): Promise<LimitVerdict> {
    if (limit <= 0) return { allowed: false, reason: 'daily_limit', used: 0 };
    const rows = await this.db.query<{ used: number }>(
      budgetUsd === undefined ? TAKE : TAKE_WITHIN_BUDGET,
      budgetUsd === undefined ? [userId, kind, limit] : [userId, kind, limit, budgetUsd],
    );
    const used = rows[0]?.used;
    if (used !== undefined) return { allowed: true, used };
    const current = (await this.used(userId))[kind];
    return { allowed: false, reason: current >= limit ? 'daily_limit' : 'budget', used: current };
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

  async spentToday(userId: string): Promise<string> {
    const [row] = await this.db.query<{ spent: string }>(
      `select trim_scale(coalesce(sum(cost_usd), 0))::text as spent from api_usage
       where user_id = $1 and created_at >= ${TODAY}::timestamp at time zone 'utc'`,
      [userId],
    );
    return row?.spent ?? '0';
  }
}
