/**
 * The P4 data set, generated set-based in Postgres: users, and ledger rows spread over the last
 * 90 days, 2 endpoints and 3 models, settled with exact many-digit costs (1 in 50 an error with
 * no cost). Loaded as a bulk load is: the ledger's indexes, keys and triggers off while the rows
 * go in (generate_series, in chunks for progress), then each index built once, the rollups built
 * by one set-based pass (their keys also built after) and the tables vacuumed.
 */
import type { Db, Queryable } from '../apps/server/src/db/types.ts';

export const BENCH_MODELS = ['google/gemini-2.5-pro', 'anthropic/claude-sonnet-4', 'openai/gpt-4.1'];

/** The id of bench user `k` (0-based), the same on every run. */
export const benchUserId = (k: number) => {
  const hex = (k + 1).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
};

const CHUNK = 1_000_000;

const progress = (line: string) => process.stderr.write(`  P4: ${line}\n`);

/** Loads `rows` ledger rows for `users` users; reports progress on stderr. Returns the seconds taken by each step. */
export async function generateLedger(
  db: Db,
  users: number,
  rows: number,
): Promise<{ loadSeconds: number; indexSeconds: number; rollupSeconds: number }> {
  const started = performance.now();
  await db.query(
    `insert into users (id, email)
     select ('00000000-0000-4000-8000-' || lpad(to_hex(k), 12, '0'))::uuid, 'bench-' || k || '@crux.local'
     from generate_series(1, $1::int) k`,
    [users],
  );
  const ledgerKeys = await dropKeys(db, 'api_usage');
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
    progress(`${last + 1} of ${rows} ledger rows`);
  }
  const loaded = performance.now();
  await restoreKeys(db, ledgerKeys);
  await db.query('alter table api_usage enable trigger user');
  const indexed = performance.now();
  progress('ledger indexes built; building the rollups');
  const rollupKeys = [
    ...(await dropKeys(db, 'usage_rollup_daily')),
    ...(await dropKeys(db, 'usage_rollup_user_daily')),
    ...(await dropKeys(db, 'usage_rollup_user_blocks')),
  ];
  await db.transaction(async (tx) => {
    await tx.query(`set local work_mem = '1GB'`);
    await tx.query('select usage_rollups_rebuild()');
  });
  await restoreKeys(db, rollupKeys);
  await db.query('vacuum analyze'); // as autovacuum would: index-only scans need the visibility map
  const done = performance.now();
  return {
    loadSeconds: (loaded - started) / 1000,
    indexSeconds: (indexed - loaded) / 1000,
    rollupSeconds: (done - indexed) / 1000,
  };
}

/** A table's index or key constraint, as dropped, and the statement that makes it again. */
interface DroppedKey {
  table: string;
  create: string;
}

/** Drops every index and key (primary, unique, foreign) of `table`; returns how to make them again. */
async function dropKeys(db: Queryable, table: string): Promise<DroppedKey[]> {
  const keys = await db.query<{ name: string; constraint: boolean; create: string }>(
    `select conname as name, true as constraint,
            format('alter table %I add constraint %I %s', $1::text, conname, pg_get_constraintdef(oid)) as create
     from pg_constraint where conrelid = $1::regclass and contype in ('p', 'u', 'f')
     union all
     select i.indexrelid::regclass::text, false, pg_get_indexdef(i.indexrelid)
     from pg_index i
     where i.indrelid = $1::regclass
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [table],
  );
  for (const key of keys)
    await db.query(
      key.constraint ? `alter table ${table} drop constraint ${key.name}` : `drop index ${key.name}`,
    );
  return keys.map((key) => ({ table, create: key.create }));
}

/** Builds the dropped keys again, each in one pass over the loaded table (primary keys first). */
async function restoreKeys(db: Db, keys: DroppedKey[]): Promise<void> {
  const order = (key: DroppedKey) =>
    / primary key /i.test(key.create) ? 0 : / foreign key /i.test(key.create) ? 2 : 1;
  for (const key of [...keys].sort((a, b) => order(a) - order(b)))
    await db.transaction(async (tx) => {
      await tx.query(`set local maintenance_work_mem = '1GB'`);
      await tx.query(key.create);
    });
}
