import type { Db, Queryable } from '../db/types.ts';
import { dayBlocks } from './day-blocks.ts';
import type { GroupBy, UsageSummary } from './usage-queries.ts';

export interface SummaryOptions {
  /** One user's usage, or everyone's (admin) when null. */
  userId: string | null;
  groupBy: GroupBy;
  /** First UTC day, YYYY-MM-DD (inclusive). */
  from?: string | undefined;
  /** Last UTC day, YYYY-MM-DD (inclusive). */
  to?: string | undefined;
}

/** The group key of a rollup row (they have a `day`, `endpoint`, `model` and maybe `user_id`). */
const rollupKey = (groupBy: GroupBy) =>
  groupBy === 'day' ? `to_char(day, 'YYYY-MM-DD')` : groupBy === 'user' ? 'user_id' : groupBy;

/** Adds `value` to `params` and returns its placeholder. */
const param = (params: unknown[], value: unknown) => `$${params.push(value)}`;

function dayRange(params: unknown[], options: SummaryOptions): string[] {
  const where: string[] = [];
  if (options.from) where.push(`day >= ${param(params, options.from)}::date`);
  if (options.to) where.push(`day <= ${param(params, options.to)}::date`);
  return where;
}

/**
 * Rows not settled yet are in no rollup: they count from the ledger itself (a few rows, on the
 * partial index api_usage_pending), as one request each with whatever tokens and cost they have.
 */
function pendingPart(params: unknown[], options: SummaryOptions): string {
  const where = [`status = 'pending'`];
  if (options.userId) where.push(`user_id = ${param(params, options.userId)}::uuid`);
  if (options.from)
    where.push(`created_at >= ${param(params, options.from)}::date::timestamp at time zone 'utc'`);
  if (options.to)
    where.push(`created_at < (${param(params, options.to)}::date + 1)::timestamp at time zone 'utc'`);
  const key: Record<GroupBy, string> = {
    day: `to_char(created_at at time zone 'utc', 'YYYY-MM-DD')`,
    endpoint: 'endpoint',
    model: 'model',
    user: 'user_id',
  };
  return `select ${key[options.groupBy]} as k, 1::bigint as requests, coalesce(total_tokens, 0)::bigint as tokens,
            coalesce(cost_usd, 0) as cost_usd from api_usage where ${where.join(' and ')}`;
}

/** A user's own report: their rows per day, endpoint and model. */
function userDailyPart(params: unknown[], options: SummaryOptions & { userId: string }): string {
  const where = [`user_id = ${param(params, options.userId)}::uuid`, ...dayRange(params, options)];
  return `select ${rollupKey(options.groupBy)} as k, requests, tokens, cost_usd from usage_rollup_user_daily where ${where.join(' and ')}`;
}

/** Everyone by day, endpoint or model: the per-day rollup (a few rows per day). */
function dailyPart(params: unknown[], options: SummaryOptions): string {
  const where = ['true', ...dayRange(params, options)];
  return `select ${rollupKey(options.groupBy)} as k, requests, tokens, cost_usd from usage_rollup_daily where ${where.join(' and ')}`;
}

const NOTHING =
  'select null::uuid as k, 0::bigint as requests, 0::bigint as tokens, 0::numeric as cost_usd where false';

/**
 * Everyone by user: the range as aligned day blocks (at most two per level, fewer where the
 * range reaches past the first or last day with data), so a few rows per user.
 */
async function userBlocksPart(tx: Queryable, params: unknown[], options: SummaryOptions): Promise<string> {
  const [bounds] = await tx.query<{ first: string | null; last: string | null }>(
    'select min(day)::text as first, max(day)::text as last from usage_rollup_daily',
  );
  if (!bounds?.first || !bounds.last) return NOTHING;
  const openStart = !options.from || options.from <= bounds.first;
  const openEnd = !options.to || options.to >= bounds.last;
  const blocks = dayBlocks({
    from: openStart ? bounds.first : options.from!,
    to: openEnd ? bounds.last : options.to!,
    openStart,
    openEnd,
  });
  if (blocks.length === 0) return NOTHING;
  // One index-only range scan per block, each already in user order (so merged, not sorted).
  return blocks
    .map(
      (b) => `(select user_id as k, requests, tokens, cost_usd from usage_rollup_user_blocks
              where level = ${param(params, b.level)} and start_day = ${param(params, b.start)}::date
              order by user_id)`,
    )
    .join(' union all ');
}

/**
 * A group's key as JSON: user ids (uuid) and days (YYYY-MM-DD) need no escaping; a model or an
 * endpoint is any text. A null key (rows detached from a deleted user) is `null`.
 */
const keyJson = (groupBy: GroupBy) =>
  groupBy === 'user' || groupBy === 'day'
    ? `coalesce('"' || k || '"', 'null')`
    : `coalesce(to_json(k)::text, 'null')`;

/**
 * Sums the rollup rows and the pending rows by key, and the total, in one statement that
 * answers the report as JSON text (`UsageSummary`): the 10,000 rows of the report by user cost
 * the driver one value to read instead of 10,000 rows to parse, and the route no
 * `JSON.stringify`. Counts are integers as JSON numbers, amounts exact decimal strings, the rows
 * ordered by key (the subquery's order, kept by the aggregate reading it).
 */
async function summarise(db: Queryable, rollup: string, params: unknown[], options: SummaryOptions) {
  const pending = pendingPart(params, options);
  const row = `'{"key":' || ${keyJson(options.groupBy)} || ',"requests":' || requests || ',"tokens":' || tokens
               || ',"cost_usd":"' || trim_scale(cost_usd) || '"}'`;
  const [result] = await db.query<{ body: string }>(
    `select '{"total":{"requests":' || coalesce(sum(requests), 0) || ',"tokens":' || coalesce(sum(tokens), 0)
            || ',"cost_usd":"' || trim_scale(coalesce(sum(cost_usd), 0)) || '"},"rows":['
            || coalesce(string_agg(${row}, ','), '') || ']}' as body
     from (select k, sum(requests) as requests, sum(tokens) as tokens, sum(cost_usd) as cost_usd
           from (${rollup} union all ${pending}) usage group by k order by k) grouped`,
    params,
  );
  return result!.body;
}

/**
 * Totals and grouped rows for one user, or for everyone when `userId` is null (admin), read
 * from the usage rollups (kept by triggers on api_usage, see the migration `usage_rollups`) plus
 * the rows still pending: the same figures as summing the ledger, without scanning it. Amounts
 * are summed in SQL (`numeric`) and returned as exact text. The answer is the `UsageSummary`
 * as JSON text, built by the database (see `summarise`).
 */
export function usageSummaryJson(db: Db, options: SummaryOptions): Promise<string> {
  const params: unknown[] = [];
  if (options.userId !== null)
    return summarise(db, userDailyPart(params, { ...options, userId: options.userId }), params, options);
  if (options.groupBy !== 'user') return summarise(db, dailyPart(params, options), params, options);
  // The data's first and last day, then the blocks: both in one snapshot. The blocks arrive in
  // user order; merging them beats hashing 10,000 groups and sorting them, which the planner,
  // not knowing how many users there are, would choose.
  return db.transaction(async (tx) => {
    await tx.exec('set transaction isolation level repeatable read; set local enable_hashagg = off');
    return summarise(tx, await userBlocksPart(tx, params, options), params, options);
  });
}

/** The same report as an object (`usageSummaryJson` parsed). */
export async function usageSummary(db: Db, options: SummaryOptions): Promise<UsageSummary> {
  return JSON.parse(await usageSummaryJson(db, options)) as UsageSummary;
}
