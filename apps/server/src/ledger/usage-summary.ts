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
  // One index-only range scan per block.
  return blocks
    .map(
      (b) => `select user_id as k, requests, tokens, cost_usd from usage_rollup_user_blocks
              where level = ${param(params, b.level)} and start_day = ${param(params, b.start)}::date`,
    )
    .join(' union all ');
}

/** Sums the rollup rows and the pending rows by key, with the total, in one statement. */
async function summarise(db: Queryable, rollup: string, params: unknown[], options: SummaryOptions) {
  const pending = pendingPart(params, options);
  const rows = await db.query<{
    total: boolean;
    key: string;
    requests: number;
    tokens: number;
    cost_usd: string;
  }>(
    `select grouping(k) = 1 as total, k::text as key, coalesce(sum(requests::float8), 0)::int as requests,
            coalesce(sum(tokens::float8), 0) as tokens, trim_scale(coalesce(sum(cost_usd), 0))::text as cost_usd
     from (${rollup} union all ${pending}) usage
     group by grouping sets ((k), ()) order by grouping(k), k`,
    params,
  );
  const summary: UsageSummary = { total: { requests: 0, tokens: 0, cost_usd: '0' }, rows: [] };
  for (const { total, ...row } of rows) {
    if (total) summary.total = { requests: row.requests, tokens: row.tokens, cost_usd: row.cost_usd };
    else summary.rows.push(row);
  }
  return summary;
}

/**
 * Totals and grouped rows for one user, or for everyone when `userId` is null (admin), read
 * from the usage rollups (kept by triggers on api_usage, see the migration `usage_rollups`) plus
 * the rows still pending: the same figures as summing the ledger, without scanning it. Amounts
 * are summed in SQL (`numeric`) and returned as exact text.
 */
export function usageSummary(db: Db, options: SummaryOptions): Promise<UsageSummary> {
  const params: unknown[] = [];
  if (options.userId !== null)
    return summarise(db, userDailyPart(params, { ...options, userId: options.userId }), params, options);
  if (options.groupBy !== 'user') return summarise(db, dailyPart(params, options), params, options);
  // The data's first and last day, then the blocks: both in one snapshot.
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read');
    return summarise(tx, await userBlocksPart(tx, params, options), params, options);
  });
}
