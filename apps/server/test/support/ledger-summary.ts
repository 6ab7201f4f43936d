import type { Queryable } from '../../src/db/types.ts';
import type { GroupBy, UsageSummary } from '../../src/ledger/usage-queries.ts';

const GROUP_EXPRESSIONS: Record<GroupBy, string> = {
  day: `to_char(created_at at time zone 'utc', 'YYYY-MM-DD')`,
  endpoint: 'endpoint',
  model: 'model',
  user: 'user_id::text',
};

/** The usage report computed from api_usage directly, every row scanned: what the rollups must equal. */
export async function ledgerSummary(
  db: Queryable,
  options: { userId: string | null; groupBy: GroupBy; from?: string; to?: string },
): Promise<UsageSummary> {
  const params: unknown[] = [options.userId];
  const where = ['($1::uuid is null or user_id = $1::uuid)'];
  if (options.from) {
    params.push(options.from);
    where.push(`created_at >= $${params.length}::date::timestamp at time zone 'utc'`);
  }
  if (options.to) {
    params.push(options.to);
    where.push(`created_at < ($${params.length}::date + 1)::timestamp at time zone 'utc'`);
  }
  const sums = `count(*)::int as requests, coalesce(sum(total_tokens), 0)::float8 as tokens,
    trim_scale(coalesce(sum(cost_usd), 0))::text as cost_usd`;
  const rows = await db.query<UsageSummary['rows'][number]>(
    `select ${GROUP_EXPRESSIONS[options.groupBy]} as key, ${sums}
     from api_usage where ${where.join(' and ')} group by 1 order by 1`,
    params,
  );
  const [total] = await db.query<UsageSummary['total']>(
    `select ${sums} from api_usage where ${where.join(' and ')}`,
    params,
  );
  return { total: total!, rows };
}
