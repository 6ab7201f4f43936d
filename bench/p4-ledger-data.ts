/**
 * The P4 data set, generated set-based in Postgres: users, and ledger rows spread over the last
 * 90 days, 2 endpoints and 3 models, settled with exact many-digit costs (1 in 50 an error with
 * no cost). The rollup triggers are off while loading; the rollups are then rebuilt in one pass.
 */
import type { Db } from '../apps/server/src/db/types.ts';

export const BENCH_MODELS = ['google/gemini-2.5-pro', 'anthropic/claude-sonnet-4', 'openai/gpt-4.1'];

/** The id of bench user `k` (0-based), the same on every run. */
export const benchUserId = (k: number) => {
  const hex = (k + 1).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
};

const CHUNK = 500_000;

/** Loads `rows` ledger rows for `users` users; reports progress on stderr. Returns the seconds taken by each step. */
export async function generateLedger(
  db: Db,
  users: number,
  rows: number,
): Promise<{ loadSeconds: number; rollupSeconds: number }> {
  const started = performance.now();
  await db.query(
    `insert into users (id, email)
     select ('00000000-0000-4000-8000-' || lpad(to_hex(k), 12, '0'))::uuid, 'bench-' || k || '@crux.local'
     from generate_series(1, $1::int) k`,
    [users],
  );
  await db.query('alter table api_usage disable trigger user');
  for (let first = 0; first < rows; first += CHUNK) {
    const last = Math.min(rows, first + CHUNK) - 1;
    await db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, prompt_tokens, completion_tokens,
                              total_tokens, cost_usd, cost_source, latency_ms, created_at, settled_at)
       select gen_random_uuid(), gen_random_uuid(),
              ('00000000-0000-4000-8000-' || lpad(to_hex(1 + g % $3), 12, '0'))::uuid,
              case when g % 10 = 0 then 'recommendations' else 'chat' end,
              ($4::text[])[1 + (g / 7) % 3],
              case when g % 50 = 0 then 'error' else 'ok' end,
              100 + g % 700, 50 + g % 300, 150 + g % 700 + g % 300,
              case when g % 50 = 0 then null else ((g * 2654435761) % 1000000007)::numeric / 10000000000000 end,
              case when g % 50 = 0 then 'none' else 'usage' end,
              400 + g % 3000, t, t + interval '2 seconds'
       from generate_series($1::bigint, $2::bigint) g,
            lateral (select now() - ((g * 7919) % (90 * 86400)) * interval '1 second' as t) at`,
      [first, last, users, BENCH_MODELS],
    );
    process.stderr.write(`  P4: ${last + 1} of ${rows} ledger rows\n`);
  }
  await db.query('alter table api_usage enable trigger user');
  const loaded = performance.now();
  await db.transaction(async (tx) => {
    await tx.query(`set local work_mem = '512MB'`);
    await tx.query('select usage_rollups_rebuild()');
  });
  await db.query('vacuum analyze'); // as autovacuum would: index-only scans need the visibility map
  return { loadSeconds: (loaded - started) / 1000, rollupSeconds: (performance.now() - loaded) / 1000 };
}
