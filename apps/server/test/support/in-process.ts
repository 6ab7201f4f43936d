import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorBodySchema } from '@crux/contracts';
import type { Hono } from 'hono';
import { expect, inject } from 'vitest';
import { TokenService } from '../../src/auth/tokens.ts';
import { composeApp } from '../../src/compose.ts';
import { type Config, parseConfig } from '../../src/config/env.ts';
import { checkModelAgainstCatalog } from '../../src/config/startup-check.ts';
import { openEmbeddedDb } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/types.ts';
import type { AppEnv } from '../../src/http/app-env.ts';
import { OpenRouterClient } from '../../src/llm/openrouter-client.ts';
import { OpenRouterSimulator, type SimulatorOptions } from '../../src/simulator/server.ts';
import { checkResponseAgainstDocument } from './contract-check.ts';
import { signupThrough } from './signup.ts';
import { type ChatResult, readChat } from './sse.ts';
import { badTokens, GENEROUS_THROTTLES, TEST_JWT_SECRET } from './test-env.ts';

/** What `app.request` takes, plus a bearer `token` and a `json` body (sent with its content type). */
export type RequestOptions = RequestInit & { token?: string; json?: unknown };

export interface InProcessApp {
  /** The real app from `composeApp`, called directly: no socket. */
  app: Hono<AppEnv>;
  config: Config;
  db: Db;
  simulator: OpenRouterSimulator;
  /** Calls the app; every response is checked against the OpenAPI document before it is returned. */
  request(path: string, init?: RequestOptions): Promise<Response>;
  /** A new account through `POST /v1/auth/signup` (a fresh e-mail unless given) and its token. */
  signup(email?: string): Promise<{ token: string; userId: string; email: string }>;
  /**
   * A signed-in climber without the signup's password hashing (scrypt takes about a second): a
   * token as the server signs them (or Supabase Auth would), for tests that need someone, not signup.
   */
  user(email?: string): Promise<{ token: string; userId: string; email: string }>;
  /** Sends a chat message and reads the whole reply (events checked against the contract). */
  chat(token: string, message: string, headers?: Record<string, string>): Promise<ChatResult>;
  /** Waits until no background settlement is running. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
}

/**
 * The Crux app built by `composeApp` on a fresh, migrated embedded database (PGlite in a temp
 * dir, copied from the `routes` project's template when there is one) and the OpenRouter
 * simulator on loopback. One per test file: route tests beside the
 * routes call it with `app.request(...)`, the way openstatus and Unkey test their routes.
 * @example
 * const h = await startInProcessApp();
 * const { token } = await h.signup();
 * const response = await h.request('/v1/profile', { token });
 */
export async function startInProcessApp(options: InProcessOptions = {}): Promise<InProcessApp> {
  const simulator = new OpenRouterSimulator({ defaults: { generationDelayMs: 20 }, ...options.simulator });
  const baseUrl = await simulator.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'crux-routes-'));
  const config = parseConfig({
    OPENROUTER_MODEL: 'google/gemini-2.5-pro',
    OPENROUTER_BASE_URL: baseUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    CRUX_DATA_DIR: dataDir,
    DAILY_CHAT_LIMIT: '1000',
    DAILY_REC_LIMIT: '1000',
    // Every test client signs up from loopback: throttle tests set their own limits.
    ...GENEROUS_THROTTLES,
    ...options.env,
  });
  const client = new OpenRouterClient({ baseUrl: config.openRouter.baseUrl, apiKey: undefined });
  const catalog = await checkModelAgainstCatalog(client, config.openRouter.model, () => {});
  const template = inject('pgliteTemplate');
  if (template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
  const db = await openEmbeddedDb(dataDir);
  await migrate(db); // nothing to apply on a copy of the template
  const { app, background } = composeApp(config, db, client, { catalog, generationWaitMs: 2_000 });

  const tokens = new TokenService({ secret: config.jwtSecret });

  const request: InProcessApp['request'] = async (path, init = {}) => {
    const { token, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    const body = json !== undefined ? JSON.stringify(json) : rest.body;
    const response = await app.request(path, { ...rest, headers, body });
    await checkResponseAgainstDocument(rest.method ?? 'GET', `http://localhost${path}`, response);
    return response;
  };

  return {
    app,
    config,
    db,
    simulator,
    request,
    signup: (email?: string) => signupThrough(request, email),
    async user(email = `climber-${randomUUID()}@example.com`) {
      const userId = randomUUID();
      // A Crux account without a password: its tokens are Crux's own, so the row must exist. An
      // address another account has already is not stored twice (the token still carries it).
      await db.query(
        `insert into users (id, email, issuer) values ($1, case when exists (select 1 from users
           where issuer = 'crux' and lower(email) = lower($2)) then null else $2 end, 'crux')`,
        [userId, email],
      );
      await db.query('insert into profiles (user_id) values ($1)', [userId]);
      return { token: await tokens.sign(userId, email), userId, email };
    },
    async chat(token, message, headers = {}) {
      return readChat(await request('/v1/chat', { method: 'POST', token, json: { message }, headers }));
    },
    settled: () => background.idle(),
    async close() {
      await background.close();
      await db.close();
      await simulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts a contract error response (`{"error": {"code", "message"}}`) with this status and code. */
export async function expectError(response: Response, status: number, code: string) {
  const body: unknown = await response.json();
  expect({ status: response.status, body }).toMatchObject({ status, body: { error: { code } } });
  return errorBodySchema.parse(body);
}

/** Asserts that a route answers 401 `unauthorized` without a token and with each kind of bad one. */
export async function expectAuthRequired(h: InProcessApp, method: string, path: string, json?: unknown) {
  for (const [name, token] of await badTokens()) {
    const response = await h.request(path, { method, json, ...(token ? { token } : {}) });
    expect(response.status, `${method} ${path} with ${name}`).toBe(401);
    await expectError(response, 401, 'unauthorized');
  }
}
