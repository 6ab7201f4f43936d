/**
 * P4: reports at scale. Generates BENCH_P4_ROWS ledger rows (default 1,000,000; the goal's
 * 10,000,000 is BENCH_P4_ROWS=10000000) for BENCH_P4_USERS users (10,000) over 90 days on real
 * Postgres, builds the rollups, then times the limit + budget check, a user's 90-day report and
 * each admin report, beside the same report summed from api_usage directly ("direct"), and
 * checks that every report equals the ledger's to the last digit.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { CHAT_HISTORY_SIZE } from '../apps/server/src/chat/prompt.ts';
import { TurnOpener } from '../apps/server/src/chat/turn-opener.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { openPostgresDb } from '../apps/server/src/db/postgres.ts';
import type { Db } from '../apps/server/src/db/types.ts';
import { Ledger } from '../apps/server/src/ledger/ledger.ts';
import { FileSpool } from '../apps/server/src/ledger/spool.ts';
import { type GroupBy, UsageQueries, type UsageSummary } from '../apps/server/src/ledger/usage-queries.ts';
import type { CatalogModel } from '../apps/server/src/llm/types.ts';
import { ledgerSummary } from '../apps/server/test/support/ledger-summary.ts';
import { createBenchDatabase } from './p4-database.ts';
import { BENCH_MODELS, benchUserId, generateLedger } from './p4-ledger-data.ts';
import { type BenchFigure, type BenchOptions, type BenchSection, formatMs, percentile } from './report.ts';

const ROWS = Number(process.env.BENCH_P4_ROWS ?? 1_000_000);
const USERS = Number(process.env.BENCH_P4_USERS ?? 10_000);
const ITERATIONS = Number(process.env.BENCH_P4_ITERATIONS ?? 200);
/** BENCH_P4_DIRECT=0 skips the reports summed from the ledger (a full scan each at 10 M rows). */
const DIRECT = process.env.BENCH_P4_DIRECT !== '0';
/** BENCH_P4_KEEP=name keeps the database (on BENCH_DATABASE_URL) for the next run, which reuses its ledger. */
const KEEP = process.env.BENCH_P4_KEEP || undefined;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Runs `work` a few times untimed (warm-up), then `iterations` times timed. */
async function timings(iterations: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await work(iterations + i);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await work(i);
    times.push(performance.now() - start);
  }
  return times;
}

const p99 = (times: number[]) => percentile(times, 99);
const p50p99 = (times: number[]) => `${formatMs(percentile(times, 50))} / ${formatMs(p99(times))}`;

class Rollback extends Error {}

/**
 * The check before the model, as a chat runs it: TurnOpener.open, the one round trip of
 * crux_open_chat_turn (context version, the daily unit, the worst case reserved within the
 * user's and the global budget, the question and the pending row stored, the history read),
 * timed alone inside a transaction that is then rolled back, so the data set stays as it was.
 */
async function limitAndBudget(db: Db, iterations: number): Promise<number[]> {
  const catalog: CatalogModel = {
    id: BENCH_MODELS[0]!,
    name: 'bench',
    contextLength: 1_000_000,
    pricing: { prompt: '0.00000125', completion: '0.00001' },
    maxCompletionTokens: undefined,
  };
  const times: number[] = [];
  for (let i = 0; i < iterations + 3; i++) {
    await db
      .transaction(async (tx) => {
        const opener = new TurnOpener({
          db: { ...db, query: (sql, params) => tx.query(sql, params) },
          model: catalog.id,
          catalog,
          maxTokens: 1024,
          dailyLimit: 1_000_000,
          budgets: { dailyUsd: '1000', globalDailyUsd: '1000000' },
        });
        const start = performance.now();
        await opener.open({
          userId: benchUserId((i * 7) % USERS),
          requestId: randomUUID(),
          message: 'How do I train for crimpy overhangs?',
          system: { role: 'system', content: 'You are a climbing coach.' },
          contextVersion: '0',
          historySize: CHAT_HISTORY_SIZE - 1, // as ChatService asks
        });
        if (i >= 3) times.push(performance.now() - start); // the first 3 warm up
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  }
  return times;
}

/** Settling one row (Ledger.write) with the rollup triggers, and with them off (then applied by hand). */
async function settlements(
  db: Db,
  iterations: number,
): Promise<{ withRollups: number[]; without: number[] }> {
  const ledger = new Ledger(db, new FileSpool(`/tmp/crux-bench-p4-spool-${process.pid}`));
  const settle = async (i: number) => {
    const attempt = await ledger.open({
      requestId: randomUUID(),
      userId: benchUserId(i % USERS),
      endpoint: 'chat',
      model: BENCH_MODELS[i % 3]!,
    });
    const start = performance.now();
    await ledger.write({
      rowId: attempt.rowId,
      settlement: { status: 'ok', costSource: 'usage', costUsd: '0.000123456789012', totalTokens: 321 },
    });
    return { ms: performance.now() - start, rowId: attempt.rowId };
  };
  const withRollups: number[] = [];
  for (let i = 0; i < iterations; i++) withRollups.push((await settle(i)).ms);
  await db.query('alter table api_usage disable trigger api_usage_rollup_update');
  const without: number[] = [];
  const rowIds: string[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const { ms, rowId } = await settle(i);
      without.push(ms);
      rowIds.push(rowId);
    }
  } finally {
    await db.query('alter table api_usage enable trigger api_usage_rollup_update');
  }
  await db.query(
    `select usage_rollup_apply(id, user_id, created_at, endpoint, model, total_tokens, cost_usd, 1)
     from api_usage where id = any($1::uuid[])`,
    [rowIds],
  );
  return { withRollups, without };
}

/** A kept database already holds this run's data set: its users and at least its rows (settlements add some). */
async function isGenerated(db: Db): Promise<boolean> {
  const [counts] = await db.query<{ users: number; rows: number }>(
    'select (select count(*) from users)::int as users, (select count(*) from api_usage)::int as rows',
  );
  if (!counts || counts.users === 0) return false;
  if (counts.users !== USERS || counts.rows < ROWS || counts.rows > ROWS + 100_000)
    throw new Error(
      `BENCH_P4_KEEP: the kept database holds ${counts.users} users and ${counts.rows} ledger rows, not this run's ${USERS} and ${ROWS}: drop it or use another name`,
    );
  return true;
}

interface Report {
  label: string;
  options: { userId: string | null; groupBy: GroupBy; from?: string; to?: string };
  goalMs: number;
  iterations: number;
}

export async function runP4(options: BenchOptions): Promise<BenchSection> {
  const database = await createBenchDatabase(options.databaseUrl, KEEP);
  const db = await openPostgresDb(database.url, 4);
  try {
    await migrate(db);
    const generated = (await isGenerated(db)) ? undefined : await generateLedger(db, USERS, ROWS);
    // A kept ledger: the last run's settlements vacuumed away, so runs start alike.
    if (!generated) await db.query('vacuum analyze');
    const usage = new UsageQueries(db);
    const last90 = { from: day(-89), to: day(0) };
    const reports: Report[] = [
      {
        label: "a user's 90-day report, by day",
        options: { userId: '', groupBy: 'day', ...last90 },
        goalMs: 10,
        iterations: ITERATIONS,
      },
      ...(['day', 'model', 'endpoint', 'user'] as const).map((groupBy) => ({
        label: `admin report by ${groupBy}, 90 days`,
        options: { userId: null, groupBy, ...last90 },
        goalMs: 100,
        iterations: Math.ceil(ITERATIONS / 4),
      })),
      {
        label: 'admin report by user, 30 days inside the data',
        options: { userId: null, groupBy: 'user', from: day(-50), to: day(-21) },
        goalMs: 100,
        iterations: Math.ceil(ITERATIONS / 4),
      },
    ];
    const figures: BenchFigure[] = [];
    const checks = await limitAndBudget(db, ITERATIONS);
    figures.push({
      label: 'limit + budget check (crux_open_chat_turn) p50 / p99',
      crux: p50p99(checks),
      goal: 'p99 < 1 ms',
      met: p99(checks) < 1,
    });
    let exact = true;
    for (const report of reports) {
      const optionsOf = (i: number) =>
        report.options.userId === null
          ? report.options
          : { ...report.options, userId: benchUserId((i * 13) % USERS) };
      // Timed as the routes answer: the JSON text the database builds (sent as it is).
      const results: UsageSummary[] = [];
      const times = await timings(report.iterations, async (i) => {
        const json = await usage.summaryJson(optionsOf(i));
        if (i < 3) results.push(JSON.parse(json) as UsageSummary);
      });
      let direct: string | undefined;
      if (DIRECT) {
        const directTimes: number[] = [];
        for (const [i, result] of results.entries()) {
          const start = performance.now();
          const expected = await ledgerSummary(db, optionsOf(i));
          directTimes.push(performance.now() - start);
          if (!isDeepStrictEqual(expected, result)) exact = false;
          if (report.options.userId === null) break;
        }
        direct = formatMs(Math.max(...directTimes));
      }
      figures.push({
        label: `${report.label} p50 / p99`,
        crux: p50p99(times),
        direct,
        goal: `p99 < ${report.goalMs} ms`,
        met: p99(times) < report.goalMs,
      });
    }
    if (DIRECT)
      figures.push({
        label: 'reports equal to the ledger',
        crux: exact ? 'to the last digit' : 'DIFFERENT',
        goal: 'exact',
        met: exact,
      });
    const settle = await settlements(db, Math.min(ITERATIONS, 200));
    figures.push({
      label: 'settlement (Ledger.write) p50 / p99',
      crux: `${formatMs(percentile(settle.withRollups, 50))} / ${formatMs(p99(settle.withRollups))}`,
      direct: `${formatMs(percentile(settle.without, 50))} / ${formatMs(p99(settle.without))} without rollups`,
      goal: 'informational',
    });
    const [size] = await db.query<{ ledger: string; rollups: string }>(
      `select pg_size_pretty(pg_total_relation_size('api_usage')) as ledger,
              pg_size_pretty(pg_total_relation_size('usage_rollup_daily') + pg_total_relation_size('usage_rollup_user_daily')
                + pg_total_relation_size('usage_rollup_user_blocks')) as rollups`,
    );
    return {
      id: 'P4',
      title: 'reports at scale, from rollups kept by the settlement',
      setup: `${ROWS.toLocaleString('en')} ledger rows, ${USERS.toLocaleString('en')} users, 90 days, 2 endpoints, 3 models on ${database.description}; ${generated ? `loaded in ${generated.loadSeconds.toFixed(0)} s, indexed in ${generated.indexSeconds.toFixed(0)} s, rollups built in ${generated.rollupSeconds.toFixed(0)} s` : 'the ledger of an earlier run (BENCH_P4_KEEP)'}; ledger ${size?.ledger}, rollups ${size?.rollups}; direct = the same report summed from api_usage (one run); load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
      figures,
    };
  } finally {
    await db.close();
    await database.drop();
  }
}
