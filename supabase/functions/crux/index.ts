// Supabase Edge Function: the same Crux app, served by Deno on the project's Postgres.
//   npm install                      (the function resolves its packages from node_modules)
//   supabase db push                 (applies supabase/migrations)
//   supabase secrets set OPENROUTER_API_KEY=… OPENROUTER_MODEL=google/gemini-2.5-pro AUTH_JWT_SECRET=<JWT secret>
//   supabase functions deploy crux --no-verify-jwt
//   supabase secrets set CRUX_RECONCILE_SECRET=… and schedule POST /v1/ops/reconcile (README: pg_cron)
// Supabase sets SUPABASE_URL for every function: its Auth users' tokens (JWKS keys) are accepted.
import { Hono } from 'hono';
import { composeApp } from '../../../apps/server/src/compose.ts';
import { ConfigError, parseConfig } from '../../../apps/server/src/config/env.ts';
import { openPostgresDb } from '../../../apps/server/src/db/postgres.ts';
import { FetchTransport } from '../../../apps/server/src/llm/fetch-transport.ts';
import { OpenRouterClient } from '../../../apps/server/src/llm/openrouter-client.ts';

declare const EdgeRuntime: { waitUntil(task: Promise<unknown>): void } | undefined;

const env = Deno.env.toObject();
const port = Number(env.PORT || 8000);

/** Supabase serves a function under /<function-name>/…; the API keeps its own paths below it. */
async function buildHandler(): Promise<(request: Request) => Response | Promise<Response>> {
  const config = parseConfig({
    ...env,
    // Supabase gives every function its database URL; DATABASE_URL wins when set.
    DATABASE_URL: env.DATABASE_URL || env.SUPABASE_DB_URL,
    CRUX_DATA_DIR: env.CRUX_DATA_DIR || '/tmp/crux',
    // /tmp dies with the worker: a spooled turn waits in the database's turn_spool table instead.
    CRUX_SPOOL: env.CRUX_SPOOL || 'database',
    // The socket's peer is Supabase's gateway, which passes the client's address in
    // X-Forwarded-For: trust that one hop (its rightmost entry) unless TRUST_PROXY says otherwise.
    TRUST_PROXY: env.TRUST_PROXY || '1',
  });
  if (!config.databaseUrl)
    throw new ConfigError(['DATABASE_URL (or SUPABASE_DB_URL) is required on Edge Functions']);
  const db = await openPostgresDb(config.databaseUrl, 3);
  const client = new OpenRouterClient({
    baseUrl: config.openRouter.baseUrl,
    apiKey: config.openRouter.apiKey,
    // Deno's own fetch (Supabase's runtime pools its connections), not the node:http default.
    transport: new FetchTransport(),
  });
  const keepAlive =
    typeof EdgeRuntime === 'undefined' ? undefined : (task: Promise<unknown>) => EdgeRuntime?.waitUntil(task);
  const { app } = composeApp(config, db, client, { keepAlive });
  return new Hono().route('/crux', app).fetch;
}

/** A misconfigured function answers 503 and logs every problem (never a value). */
function misconfigured(error: unknown): () => Response {
  console.error(error instanceof ConfigError ? error.message : `Crux could not start: ${String(error)}`);
  return () =>
    Response.json(
      {
        error: {
          code: 'service_unavailable',
          message: 'Crux is not configured correctly; the function log says why.',
        },
      },
      { status: 503 },
    );
}

const handler = await buildHandler().catch(misconfigured);
Deno.serve({ port }, handler);
