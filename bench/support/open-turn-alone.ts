/**
 * The one database round trip before the upstream call (`crux_open_chat_turn`, through the
 * server's own TurnOpener), timed alone from this process: the part of P1's overhead the
 * database costs. On the embedded database it runs in this process (PGlite's query time is CPU,
 * as it is in the server's); the turns it opens are removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { CHAT_HISTORY_SIZE, chatSystemMessage } from '../../apps/server/src/chat/prompt.ts';
import { TurnOpener } from '../../apps/server/src/chat/turn-opener.ts';
import { openEmbeddedDb } from '../../apps/server/src/db/embedded.ts';
import { openPostgresDb } from '../../apps/server/src/db/postgres.ts';
import { OpenRouterClient } from '../../apps/server/src/llm/openrouter-client.ts';
import { maxTokensFor } from '../../apps/server/src/llm/pricing.ts';
import type { CatalogModel } from '../../apps/server/src/llm/types.ts';
import { BENCH_MODEL } from './processes.ts';

/** The configured model's catalog entry, as the server read it at start. */
export async function benchCatalog(upstreamUrl: string): Promise<CatalogModel | undefined> {
  const models = await new OpenRouterClient({ baseUrl: upstreamUrl, apiKey: undefined }).listModels();
  return models.find((model) => model.id === BENCH_MODEL);
}

/** `count` turns opened one at a time for `userId` (a user the server created); each one's ms. */
export async function timeOpenTurnAlone(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  catalog: CatalogModel | undefined;
  userId: string;
  message: string;
  count: number;
}): Promise<number[]> {
  const db = options.databaseUrl
    ? await openPostgresDb(options.databaseUrl, {
        poolSize: 1,
        preparedStatements: /^(true|1)$/.test(process.env.DATABASE_PREPARED_STATEMENTS ?? ''),
      })
    : await openEmbeddedDb(options.dataDir);
  const turns = new TurnOpener({
    db,
    model: BENCH_MODEL,
    catalog: options.catalog,
    maxTokens: maxTokensFor(options.catalog, undefined),
    dailyLimit: 1_000_000,
    budgets: { dailyUsd: undefined, globalDailyUsd: undefined },
  });
  const rowIds: string[] = [];
  const messageIds: string[] = [];
  const times: number[] = [];
  try {
    const [row] = await db.query<{ version: string }>(
      `select coalesce((select version from climber_context_versions where user_id = $1), 0)::text as version`,
      [options.userId],
    );
    // A new user's: no profile text, no logbook.
    const system = chatSystemMessage({ climbingContext: '', patternsSummary: undefined });
    for (let i = 0; i < options.count; i++) {
      const started = performance.now();
      const turn = await turns.open({
        userId: options.userId,
        requestId: randomUUID(),
        message: options.message,
        system,
        contextVersion: row?.version ?? '0',
        historySize: CHAT_HISTORY_SIZE - 1,
      });
      times.push(performance.now() - started);
      rowIds.push(turn.attempt.rowId);
      messageIds.push(turn.messageId);
    }
  } finally {
    await db.query('delete from api_usage where id = any($1::uuid[])', [rowIds]).catch(() => {});
    await db.query('delete from chat_messages where id = any($1::uuid[])', [messageIds]).catch(() => {});
    await db.close();
  }
  return times;
}
