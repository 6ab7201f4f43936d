import Big from 'big.js';
import type { Db, Queryable } from '../db/types.ts';
import { AppError, LimitError } from '../shared/errors.ts';
import { secondsUntilUtcMidnight } from './limits.ts';

/** The operator's USD caps per UTC day; undefined means no cap. */
export interface BudgetConfig {
  /** `DAILY_BUDGET_USD`: per user, unless the user has an override (`crux user budget`). */
  dailyUsd: string | undefined;
  /** `GLOBAL_DAILY_BUDGET_USD`: across all users, protecting the OpenRouter credit. */
  globalDailyUsd: string | undefined;
}

export const NO_BUDGETS: BudgetConfig = { dailyUsd: undefined, globalDailyUsd: undefined };

export interface BudgetStatus {
  /** Settled cost today. */
  spent: string;
  /** Worst-case cost of calls in flight today. */
  reserved: string;
  /** The cap, or null without one. */
  limit: string | null;
  /** What a new call may still reserve (never below 0), or null without a cap. */
  left: string | null;
}

const TODAY = `(now() at time zone 'utc')::date`;

/** The user's cap: their override, else the default ($2). */
const USER_LIMIT = `coalesce((select daily_budget_usd from user_budgets where user_id = $1::text::uuid), $2::numeric)`;

/**
 * Adds `amount` to today's reservation of `scope` while spent + reserved + amount stays within
 * `cap` (or always, when the cap is null). One upsert: Postgres re-checks the condition on the
 * locked row, so concurrent reservations (from any instance) never pass the cap together.
 */
const reserveSql = (scope: string, cap: string, amount: string) => `
  insert into spend_counters as c (scope, day, reserved)
  select ${scope}, ${TODAY}, ${amount} where ${cap} is null or ${amount} <= ${cap}
  on conflict (scope, day) do update set reserved = c.reserved + ${amount}
    where ${cap} is null or c.spent + c.reserved + ${amount} <= ${cap}
  returning 1 as ok`;

/** $1 user id, $2 default cap, $3 amount. */
const RESERVE_USER = reserveSql('$1::text', USER_LIMIT, '$3::numeric');
/**
 * $1 global cap, $2 amount. No counter row: today's spend from the rollups plus the pending
 * rows' reservations, read under the one global lock (see crux_reserve_global_budget), so only
 * reservations under a cap wait for each other and settlements never do.
 */
const RESERVE_GLOBAL = 'select crux_reserve_global_budget($1::numeric, $2::numeric) as ok';

/**
 * Daily USD budgets that hold before money is spent: every upstream attempt reserves its
 * worst-case cost first, inside the transaction that writes its pending ledger row, and the
 * settlement turns the reservation into the actual cost (see Ledger.write).
 */
export class Budgets {
  constructor(
    private readonly db: Db,
    private readonly config: BudgetConfig = NO_BUDGETS,
  ) {}

  /**
   * Reserves `worstCaseUsd` for one call of `userId`, or throws AppError `budget_exceeded`
   * (429). The caller writes the pending ledger row carrying the amount (`reserved_usd`) in the
   * same transaction: under a global cap that row is the global reservation. An unknown price (`undefined`) runs only while no cap applies; otherwise it is
   * refused with `model_price_unknown`.
   */
  async reserve(tx: Queryable, userId: string, worstCaseUsd: string | undefined): Promise<void> {
    if (worstCaseUsd === undefined) {
      if (this.config.globalDailyUsd !== undefined || (await this.userLimit(tx, userId)) !== null)
        throw priceUnknown();
    }
    const amount = worstCaseUsd ?? '0';
    const user = await tx.query(RESERVE_USER, [userId, this.config.dailyUsd ?? null, amount]);
    if (user.length === 0) throw userBudgetExceeded();
    if (this.config.globalDailyUsd === undefined) return;
    const [global] = await tx.query<{ ok: boolean }>(RESERVE_GLOBAL, [this.config.globalDailyUsd, amount]);
    if (!global?.ok) throw globalBudgetExceeded();
  }

  /** Today's spend, reservations and what is left for `userId`. */
  async status(userId: string): Promise<BudgetStatus> {
    const [row] = await this.db.query<{ spent: string; reserved: string; cap: string | null }>(
      `select trim_scale(coalesce(c.spent, 0))::text as spent, trim_scale(coalesce(c.reserved, 0))::text as reserved,
              trim_scale(${USER_LIMIT})::text as cap
       from (select 1) one left join spend_counters c on c.scope = $1::text and c.day = ${TODAY}`,
      [userId, this.config.dailyUsd ?? null],
    );
    const spent = row?.spent ?? '0';
    const reserved = row?.reserved ?? '0';
    const limit = row?.cap ?? null;
    const left = limit === null ? null : leftOf(limit, spent, reserved);
    return { spent, reserved, limit, left };
  }

  /** Sets (or, with null, removes) a user's own daily cap. */
  async setUserLimit(userId: string, dailyUsd: string | null): Promise<void> {
    if (dailyUsd === null) {
      await this.db.query('delete from user_budgets where user_id = $1', [userId]);
      return;
    }
    await this.db.query(
      `insert into user_budgets (user_id, daily_budget_usd) values ($1, $2::numeric)
       on conflict (user_id) do update set daily_budget_usd = excluded.daily_budget_usd, updated_at = now()`,
      [userId, dailyUsd],
    );
  }

  private async userLimit(tx: Queryable, userId: string): Promise<string | null> {
    const [row] = await tx.query<{ cap: string | null }>(`select ${USER_LIMIT}::text as cap`, [
      userId,
      this.config.dailyUsd ?? null,
    ]);
    return row?.cap ?? null;
  }
}

/** limit − spent − reserved, exactly, never below 0. */
function leftOf(limit: string, spent: string, reserved: string): string {
  const left = new Big(limit).minus(spent).minus(reserved);
  return left.lt(0) ? '0' : left.toFixed();
}

export const userBudgetExceeded = () => exceeded('budget_user', 'Your daily coaching budget');
export const globalBudgetExceeded = () => exceeded('budget_global', "This server's daily coaching budget");

/** A budget applies but the model's price is unknown, so no worst case can be reserved. */
export function priceUnknown(): AppError {
  return new AppError(
    'model_price_unknown',
    'The price of the configured model is unknown (the catalog did not list it), so a daily budget cannot be enforced: the operator must choose a priced model or unset the budget.',
  );
}

function exceeded(limit: string, whose: string): AppError {
  return new LimitError(
    'budget_exceeded',
    limit,
    `${whose} for today cannot cover this request's worst-case cost; it resets at 00:00 UTC.`,
    secondsUntilUtcMidnight(),
  );
}
