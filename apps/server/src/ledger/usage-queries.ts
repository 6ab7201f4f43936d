import type { Db } from '../db/types.ts';

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
  created_at: string;
  settled_at: string | null;
}

export interface UsageSummary {
  total: { requests: number; tokens: number; cost_usd: string };
  rows: Array<{ key: string; requests: number; tokens: number; cost_usd: string }>;
}

const iso = (column: string) => `to_char(${column} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const GROUP_EXPRESSIONS: Record<GroupBy, string> = {
  day: `to_char(created_at at time zone 'utc', 'YYYY-MM-DD')`,
  endpoint: 'endpoint',
  model: 'model',
  user: 'user_id::text',
};

/** Read side of the ledger. Amounts are summed in SQL (`numeric`) and returned as exact text. */
export class UsageQueries {
  constructor(private readonly db: Db) {}

  records(userId: string, limit: number): Promise<UsageRecord[]> {
    return this.db.query<UsageRecord>(
      `select id, request_id, endpoint, model, served_model, generation_id, status, prompt_tokens,
              completion_tokens, total_tokens, cached_tokens, reasoning_tokens, cost_usd::text as cost_usd,
              cost_source, latency_ms, ttft_ms, error_code, ${iso('created_at')} as created_at,
              ${iso('settled_at')} as settled_at
       from api_usage where user_id = $1 order by created_at desc, id desc limit $2`,
      [userId, limit],
    );
  }

  /** Totals and grouped rows for one user, or for everyone when `userId` is null (admin). */
  async summary(options: {
    userId: string | null;
    groupBy: GroupBy;
    from?: string;
    to?: string;
  }): Promise<UsageSummary> {
    const where = ['($1::uuid is null or user_id = $1::uuid)'];
    const params: unknown[] = [options.userId];
    if (options.from) {
      params.push(options.from);
      where.push(`created_at >= $${params.length}::date::timestamp at time zone 'utc'`);
    }
    if (options.to) {
      params.push(options.to);
      where.push(`created_at < ($${params.length}::date + 1)::timestamp at time zone 'utc'`);
    }
    const key = GROUP_EXPRESSIONS[options.groupBy];
    const rows = await this.db.query<{ key: string; requests: number; tokens: number; cost_usd: string }>(
      `select ${key} as key, count(*)::int as requests, coalesce(sum(total_tokens), 0)::float8 as tokens,
              trim_scale(coalesce(sum(cost_usd), 0))::text as cost_usd
       from api_usage where ${where.join(' and ')} group by 1 order by 1`,
      params,
    );
    const [total] = await this.db.query<UsageSummary['total']>(
      `select count(*)::int as requests, coalesce(sum(total_tokens), 0)::float8 as tokens,
              trim_scale(coalesce(sum(cost_usd), 0))::text as cost_usd
       from api_usage where ${where.join(' and ')}`,
      params,
    );
    return { total: total ?? { requests: 0, tokens: 0, cost_usd: '0' }, rows };
  }
}
