/**
 * npm run chaos: hundreds of chats and recommendations at once through the real server, against
 * the simulator answering in every wire shape of the real service, with client aborts, mid-stream
 * errors, cut streams, refusals and budgets that run out. Then it checks the ledger against the
 * simulator's bill: equal to the last digit, no row pending, no "ok" row without a cost, every
 * answer delivered and stored, no budget exceeded. Prints ledger vs billed; exits 1 on any breach.
 *
 * CHAOS_REQUESTS (default 400), CHAOS_CONCURRENCY (default 24), CHAOS_DATABASE_URL (a Postgres
 * server; default: the embedded database).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Big from 'big.js';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { parseConfig } from '../apps/server/src/config/env.ts';
import { startServer } from '../apps/server/src/server.ts';
import { chatReply } from '../apps/server/src/simulator/replies.ts';
import type { Scenario } from '../apps/server/src/simulator/scenario.ts';
import { OpenRouterSimulator } from '../apps/server/src/simulator/server.ts';

const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 24);
const USERS = 8;
const USER_BUDGET = '0.1';
const GLOBAL_BUDGET = '0.6';

/** Every wire shape and fault, weighted by how often it is drawn. */
const SCENARIOS: Array<[number, Scenario]> = [
  [6, {}],
  [3, { usageInFinalChunk: true }],
  [3, { omitCost: true }],
  [3, { nullDetails: true }],
  [2, { exponentCost: true }],
  [2, { usageInFinalChunk: true, omitCost: true, nullDetails: true, exponentCost: true }],
  [1, { omitUsage: true }],
  [1, { finishReason: 'length' }],
  [1, { failAfterChunks: 2 }],
  [1, { failAfterChunks: 1, errorShape: 'no_choices', errorCode: 'server_error' }],
  [1, { failAfterChunks: 3, errorShape: 'no_choices' }],
  [1, { cutAfterChunks: 2 }],
  [1, { status: 429, retryAfterSeconds: 1 }],
  [1, { status: 502 }],
  [1, { output: 'schema_invalid' }],
  [2, { chunkDelayMs: 15 }],
];

function drawScenario(): Scenario {
  const total = SCENARIOS.reduce((sum, [weight]) => sum + weight, 0);
  let pick = Math.random() * total;
  for (const [weight, scenario] of SCENARIOS) {
    pick -= weight;
    if (pick < 0) return { ...scenario, chunkDelayMs: scenario.chunkDelayMs ?? 2 };
  }
  return {};
}

interface Outcome {
  kind: string;
  userId: string;
  /** A chat that ended with its usage event: the text the client received. */
  answered?: string;
  question?: string;
}

async function chat(base: string, token: string, userId: string, abort: boolean): Promise<Outcome> {
  const question = `chaos question ${randomUUID()}`;
  const controller = new AbortController();
  const response = await fetch(`${base}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: question }),
    signal: controller.signal,
  });
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    const body = (await response.json()) as { error: { code: string } };
    return { kind: `chat ${response.status} ${body.error.code}`, userId };
  }
  let text = '';
  let last = '';
  const events = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  try {
    for await (const event of events) {
      if (event.data === '[DONE]') break;
      const data = JSON.parse(event.data) as { type: string; content?: string };
      last = data.type;
      if (data.type === 'delta') {
        text += data.content;
        if (abort) {
          controller.abort();
          return { kind: 'chat aborted by the client', userId };
        }
      }
    }
  } catch {
    return { kind: 'chat aborted by the client', userId };
  }
  if (last === 'usage') return { kind: 'chat answered', userId, answered: text, question };
  return { kind: `chat ended with ${last}`, userId };
}

async function recommend(base: string, token: string, userId: string): Promise<Outcome> {
  const response = await fetch(`${base}/v1/coach/recommendations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { error?: { code: string }; is_cached?: boolean };
  const detail = body.error ? body.error.code : body.is_cached ? 'cached plan' : 'new plan';
  return { kind: `recommendation ${response.status} ${detail}`, userId };
}

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
  const users = await Promise.all(
    Array.from({ length: USERS }, async () => {
      const response = await fetch(`${server.url}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `chaos-${randomUUID()}@crux.local`, password: 'chaos-password' }),
      });
      const body = (await response.json()) as { token: string; user: { id: string } };
      return { token: body.token, id: body.user.id };
    }),
  );
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

  const rows = await db.query<{
    user_id: string;
    generation_id: string | null;
    status: string;
    cost_usd: string | null;
  }>(
    `select user_id::text, generation_id, status, cost_usd::text as cost_usd from api_usage
     where created_at >= $1::timestamptz`,
    [since],
  );
  const problems: string[] = [];
  const pending = rows.filter((r) => r.status === 'pending').length;
  const okWithoutCost = rows.filter((r) => r.status === 'ok' && r.cost_usd === null).length;
  if (pending) problems.push(`${pending} ledger row(s) still pending`);
  if (okWithoutCost) problems.push(`${okWithoutCost} "ok" row(s) without a cost`);

  const byGeneration = new Map(rows.map((r) => [r.generation_id, r]));
  const billed = simulator.billing.list();
  for (const generation of billed) {
    const row = byGeneration.get(generation.id);
    if (row?.cost_usd !== generation.totalCost)
      problems.push(`${generation.id}: billed ${generation.totalCost}, ledger ${row?.cost_usd ?? 'no row'}`);
  }
  const sum = (values: Array<string | null>) =>
    values.reduce((total, v) => (v ? total.plus(v) : total), new Big(0));
  const ledgerTotal = sum(rows.map((r) => r.cost_usd));
  const billedTotal = new Big(simulator.billing.total());
  if (!ledgerTotal.eq(billedTotal))
    problems.push(`ledger ${ledgerTotal.toFixed()} ≠ billed ${billedTotal.toFixed()}`);

  for (const user of users) {
    const spent = sum(rows.filter((r) => r.user_id === user.id).map((r) => r.cost_usd));
    if (spent.gt(USER_BUDGET)) problems.push(`user ${user.id} spent ${spent.toFixed()} > ${USER_BUDGET}`);
    const stored = await db.query<{ content: string }>(
      `select content from chat_messages where user_id = $1 and role = 'assistant'`,
      [user.id],
    );
    const storedTexts = new Set(stored.map((m) => m.content));
    for (const outcome of outcomes.filter((o) => o.userId === user.id && o.answered !== undefined)) {
      if (outcome.answered !== chatReply(outcome.question!))
        problems.push(`a chat answer reached the client incomplete: ${outcome.answered?.slice(0, 60)}`);
      if (!storedTexts.has(outcome.answered!)) problems.push('a delivered chat answer is not in the history');
    }
  }
  if (ledgerTotal.gt(GLOBAL_BUDGET))
    problems.push(`all users spent ${ledgerTotal.toFixed()} > ${GLOBAL_BUDGET}`);

  const count = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]);
  };
  console.log(
    `Crux chaos: ${REQUESTS} requests (${USERS} users, ${CONCURRENCY} at a time) on the ${db.kind} database in ${seconds.toFixed(1)} s`,
  );
  console.log('\nOutcomes seen by the clients:');
  for (const [kind, n] of count(outcomes.map((o) => o.kind)))
    console.log(`  ${String(n).padStart(5)}  ${kind}`);
  console.log('\nLedger rows by status:');
  for (const [status, n] of count(rows.map((r) => r.status)))
    console.log(`  ${String(n).padStart(5)}  ${status}`);
  console.log(`\n  generations billed by the simulator: ${billed.length}`);
  console.log(`  ledger total (USD):  ${ledgerTotal.toFixed()}`);
  console.log(`  billed total (USD):  ${billedTotal.toFixed()}`);
  console.log(
    `  budgets: ${USER_BUDGET} per user, ${GLOBAL_BUDGET} for everyone (spent ${ledgerTotal.toFixed()})`,
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
