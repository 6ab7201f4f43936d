import { expect } from 'vitest';
import type { Queryable } from '../../src/db/types.ts';

/** A settled ledger row's day in UTC, as the rollups key it. */
const DAY = `(created_at at time zone 'utc')::date`;
const SUMS = `count(*)::text as requests, coalesce(sum(total_tokens), 0)::text as tokens,
  trim_scale(coalesce(sum(cost_usd), 0))::text as cost`;
const ROLLUP_SUMS = `sum(requests)::text as requests, sum(tokens)::text as tokens, trim_scale(sum(cost_usd))::text as cost`;

/** Pairs of (rollup, the same computed from the settled ledger rows), each as sorted rows of text. */
const PAIRS: Array<[string, string, string]> = [
  [
    'usage_rollup_daily',
    `select day::text, endpoint, model, ${ROLLUP_SUMS} from usage_rollup_daily group by 1, 2, 3 order by 1, 2, 3`,
    `select ${DAY}::text as day, endpoint, model, ${SUMS} from api_usage where status <> 'pending'
     group by 1, 2, 3 order by 1, 2, 3`,
  ],
  [
    'usage_rollup_user_daily',
    `select user_id::text, day::text, endpoint, model, ${ROLLUP_SUMS} from usage_rollup_user_daily
     group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
    `select user_id::text, ${DAY}::text as day, endpoint, model, ${SUMS} from api_usage where status <> 'pending'
     group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
  ],
  [
    'usage_rollup_user_blocks',
    `select level::text, start_day::text, user_id::text, ${ROLLUP_SUMS} from usage_rollup_user_blocks
     group by 1, 2, 3 order by 1, 2, 3`,
    `select l::text as level, (date '1970-01-01' + (((${DAY} - date '1970-01-01') >> l) << l))::text as start_day,
            user_id::text, ${SUMS}
     from api_usage cross join generate_series(0, 8) l where status <> 'pending' group by 1, 2, 3 order by 1, 2, 3`,
  ],
];

/** Every rollup equals the settled ledger rows it sums, to the last digit, with no empty rows left behind. */
export async function expectRollupsEqualLedger(db: Queryable): Promise<void> {
  for (const [table, rollup, ledger] of PAIRS) {
    expect(await db.query(rollup), table).toEqual(await db.query(ledger));
    expect(
      await db.query(`select 1 from ${table} where requests = 0`),
      `${table} without empty rows`,
    ).toEqual([]);
  }
}

export { ledgerSummary } from './ledger-summary.ts';
