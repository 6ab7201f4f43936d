/**
 * npm run chaos: hundreds of chats and recommendations at once through the real server, against
 * the simulator answering in every wire shape of the real service, with client aborts, mid-stream
 * errors, cut streams, refusals and budgets that run out. Then it checks the ledger against the
 * simulator's bill: equal to the last digit, no row pending, no "ok" row without a cost, every
 * answer delivered and stored, no budget exceeded. Prints ledger vs billed; exits 1 on any breach.
 * (npm run chaos:cluster runs the same mix on two server processes with a kill and a database outage.)
 *
 * CHAOS_REQUESTS (default 400), CHAOS_CONCURRENCY (default 24), CHAOS_DATABASE_URL (a Postgres
 * server; default: the embedded database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../apps/server/src/config/env.ts';
import { startServer } from '../apps/server/src/server.ts';
import { OpenRouterSimulator } from '../apps/server/src/simulator/server.ts';
import { checkHistory, checkLedger, LEDGER_ROWS_SQL, type LedgerRow } from './support/chaos-checks.ts';
import { chat, countTable, drawScenario, type Outcome, recommend, signup } from './support/chaos-mix.ts';

const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 24);
const USERS = 8;
const USER_BUDGET = '0.1';
const GLOBAL_BUDGET = '0.6';

async function main(): Promise<number> {
  const simulator = new OpenRouterSimulator({ defaults: { generationDelayMs: 30 } });
  const baseUrl = await simulator.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'crux-chaos-'));
  const databaseUrl = process.env.CHAOS_DATABASE_URL;
  const config = parseConfig({
    OPENROUTER_MODEL: 'google/gemini-2.5-pro',
    OPENROUTER_BASE_URL: baseUrl,
    AUTH_JWT_SECRET: 'chaos-secret-0123456789abcdef0123456789',
    CRUX_DATA_DIR: dataDir,
    PORT: '0',
    DAILY_CHAT_LIMIT: String(REQUESTS),
    DAILY_REC_LIMIT: String(REQUESTS),
    DAILY_BUDGET_USD: USER_BUDGET,
    GLOBAL_DAILY_BUDGET_USD: GLOBAL_BUDGET,
    OPENROUTER_MAX_TOKENS: '600',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const server = await startServer(config, { log: () => {}, generationWaitMs: 5_000 });
  const db = server.db;
  // A shared Postgres may hold earlier runs: count only this run's rows.
  const [{ since } = { since: '' }] = await db.query<{ since: string }>('select now()::text as since');
  const users = await Promise.all(Array.from({ length: USERS }, () => signup(server.url, 'chaos')));
  simulator.enqueue(...Array.from({ length: REQUESTS * 3 }, drawScenario));

  const started = performance.now();
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const user = users[i % USERS]!;
        const outcome =
          i % 5 === 4
            ? await recommend(server.url, user.token, user.id)
            : await chat(server.url, user.token, user.id, Math.random() < 0.1);
        outcomes.push(outcome);
      }
    }),
  );
  await server.background.idle();
  await server.reconciler.run(0); // settles what /generation reported late
  const seconds = (performance.now() - started) / 1000;

  const rows = await db.query<LedgerRow>(LEDGER_ROWS_SQL, [since]);
  const billed = simulator.billing.list();
  const verdict = checkLedger(rows, billed, { user: USER_BUDGET, global: GLOBAL_BUDGET });
  const problems = [...verdict.problems];
  for (const user of users) {
    const stored = await db.query<{ content: string }>(
      'select content from chat_messages where user_id = $1 order by created_at, id',
      [user.id],
    );
    const mine = outcomes.filter((o) => o.userId === user.id);
    problems.push(
      ...checkHistory(
        mine,
        stored.map((m) => m.content),
      ),
    );
  }

  console.log(
    `Crux chaos: ${REQUESTS} requests (${USERS} users, ${CONCURRENCY} at a time) on the ${db.kind} database in ${seconds.toFixed(1)} s`,
  );
  console.log(
    `\n${countTable(
      'Outcomes seen by the clients:',
      outcomes.map((o) => o.kind),
    )}`,
  );
  console.log(
    `\n${countTable(
      'Ledger rows by status:',
      rows.map((r) => r.status),
    )}`,
  );
  console.log(`\n  generations billed by the simulator: ${billed.length}`);
  console.log(`  ledger total (USD):  ${verdict.ledgerTotal}`);
  console.log(`  billed total (USD):  ${verdict.billedTotal}`);
  console.log(
    `  budgets: ${USER_BUDGET} per user, ${GLOBAL_BUDGET} for everyone (spent ${verdict.ledgerTotal})`,
  );
  console.log(problems.length ? `\nFAILED:\n  ${problems.slice(0, 20).join('\n  ')}` : '\nOK: ledger = bill');

  await server.close();
  await simulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
