import type { Db } from '../db/types.ts';
import type { Endpoint } from './settlement.ts';

export type LimitVerdict =
  | { allowed: true; used: number }
  | { allowed: false; reason: 'daily_limit' | 'budget'; used: number };

export interface LimitWindow {
  used: number;
  limit: number;
  resets_at: string;
}

/** The next UTC midnight, when every daily counter starts again. */
export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

const TODAY = `(now() at time zone 'utc')::date`;

/**
 * Daily per-user limits and the USD budget, enforced in SQL. `take` increments the counter
 * with one upsert that only succeeds below the limit; the row lock it holds until commit
 * also serialises the budget check, so N concurrent requests never get past either.
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
    return this.db
      .transaction(async (tx) => {
        const rows = await tx.query<{ used: number }>(
          `insert into daily_counters as c (user_id, day, kind, used) values ($1, ${TODAY}, $2, 1)
           on conflict (user_id, day, kind) do update set used = c.used + 1 where c.used < $3
           returning used`,
          [userId, kind, limit],
        );
        const used = rows[0]?.used;
        if (used === undefined) return { allowed: false, reason: 'daily_limit', used: limit } as const;
        if (budgetUsd !== undefined) {
          const [spent] = await tx.query<{ over: boolean }>(
            `select coalesce(sum(cost_usd), 0) >= $2::numeric as over from api_usage
             where user_id = $1 and created_at >= ${TODAY}::timestamp at time zone 'utc'`,
            [userId, budgetUsd],
          );
          if (spent?.over) throw new BudgetReached(used - 1);
        }
        return { allowed: true, used } as const;
      })
      .catch((error: unknown) => {
        if (error instanceof BudgetReached)
          return { allowed: false, reason: 'budget', used: error.used } as const;
        throw error;
      });
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

/** Rolls the counter increment back when the budget is already spent. */
class BudgetReached extends Error {
  constructor(readonly used: number) {
    super('budget reached');
  }
}
