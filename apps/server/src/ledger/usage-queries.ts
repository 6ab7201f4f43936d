import { CURSOR_AT, olderThan, pageOf } from '../db/page-cursor.ts';
import type { Db } from '../db/types.ts';
import { usageSummary, usageSummaryJson } from './usage-summary.ts';

export type GroupBy = 'day' | 'endpoint' | 'model' | 'user';

export interface UsageRecord {
  id: string;
  request_id: string;
  endpoint: string;
  model: string;
  served_model: string | null;
  generation_id: string | null;
  status: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: string | null;
  cost_source: string;
  latency_ms: number | null;
  ttft_ms: number | null;
  error_code: string | null;
  finish_reason: string | null;
  created_at: string;
  settled_at: string | null;
}

export interface UsageSummary {
  total: { requests: number; tokens: number; cost_usd: string };
  rows: Array<{ key: string; requests: number; tokens: number; cost_usd: string }>;
}

interface SummaryQuery {
  userId: string | null;
  groupBy: GroupBy;
  from?: string | undefined;
  to?: string | undefined;
}

const iso = (column: string) => `to_char(${column} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Conditions for a UTC day range `from`..`to` (both inclusive), pushing their parameters. */
function dateRange(params: unknown[], from: string | undefined, to: string | undefined): string[] {
  const where: string[] = [];
  if (from) {
    params.push(from);
    where.push(`created_at >= $${params.length}::date::timestamp at time zone 'utc'`);
  }
  if (to) {
    params.push(to);
    where.push(`created_at < ($${params.length}::date + 1)::timestamp at time zone 'utc'`);
  }
  return where;
}

/** Read side of the ledger. Amounts are summed in SQL (`numeric`) and returned as exact text. */
export class UsageQueries {
  constructor(private readonly db: Db) {}

  /**
   * One page of a user's ledger rows, newest first. `before` is the previous page's `next_before`:
   * an opaque cursor on (created_at, id), so rows written in the same millisecond are never skipped.
   */
  async records(
    userId: string,
    query: { limit: number; before?: string | undefined; from?: string | undefined; to?: string | undefined },
  ): Promise<{ records: UsageRecord[]; next_before?: string }> {
    const params: unknown[] = [userId, query.limit + 1];
    const where = ['user_id = $1'];
    if (query.before) where.push(olderThan(params, query.before));
    where.push(...dateRange(params, query.from, query.to));
    const rows = await this.db.query<UsageRecord & { cursor_at: string }>(
      `select id, request_id, endpoint, model, served_model, generation_id, status, prompt_tokens,
              completion_tokens, total_tokens, cached_tokens, reasoning_tokens, cost_usd::text as cost_usd,
              cost_source, latency_ms, ttft_ms, error_code, finish_reason, ${iso('created_at')} as created_at,
              ${iso('settled_at')} as settled_at, ${CURSOR_AT}
       from api_usage where ${where.join(' and ')} order by created_at desc, id desc limit $2`,
      params,
    );
    const { items, next_before } = pageOf(rows, query.limit);
    return next_before ? { records: items, next_before } : { records: items };
  }

  /**
   * Totals and grouped rows for one user, or for everyone when `userId` is null (admin): read
   * from the usage rollups, equal to summing the ledger (see usage-summary.ts).
   */
  summary(options: SummaryQuery): Promise<UsageSummary> {
    return usageSummary(this.db, options);
  }

  /** The same summary as JSON text, built by the database: what the routes send as it is. */
  summaryJson(options: SummaryQuery): Promise<string> {
    return usageSummaryJson(this.db, options);
  }
}
