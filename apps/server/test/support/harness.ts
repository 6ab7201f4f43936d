import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type Config, parseConfig } from '../../src/config/env.ts';
import { type CruxServer, type ServerOptions, startServer } from '../../src/server.ts';
import { OpenRouterSimulator, type SimulatorOptions } from '../../src/simulator/server.ts';
import { checkResponseAgainstDocument } from './contract-check.ts';
import { signupThrough } from './signup.ts';
import { type ChatResult, readChat } from './sse.ts';
import { GENEROUS_THROTTLES, TEST_JWT_SECRET } from './test-env.ts';

export { TEST_JWT_SECRET } from './test-env.ts';

export interface Harness {
  url: string;
  simulator: OpenRouterSimulator;
  server: CruxServer;
  config: Config;
  dataDir: string;
  /** Which database this run uses: 'embedded' (PGlite) or 'postgres'. */
  dbKind: 'embedded' | 'postgres';
  databaseUrl: string | undefined;
  signup(email?: string): Promise<{ token: string; userId: string; email: string }>;
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  chat(token: string, message: string, headers?: Record<string, string>): Promise<ChatResult>;
  records(token: string): Promise<LedgerRecord[]>;
  /** Stops the server (finishing in-flight work) and starts a new one on the same database. */
  restart(options?: ServerOptions): Promise<void>;
  /** Stops the server, leaving the database for another process (the CLI) to open. */
  stopServer(): Promise<void>;
  /** Waits until no background settlement is running. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export type { ChatResult };

export interface LedgerRecord {
  id: string;
  status: string;
  cost_usd: string | null;
  cost_source: string;
  generation_id: string | null;
  error_code: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  ttft_ms: number | null;
  latency_ms: number | null;
  served_model: string | null;
  endpoint: string;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Lets a test route the server's database connections (e.g. through a TcpProxy). */
  rewriteDatabaseUrl?: (url: string) => Promise<string>;
  simulator?: SimulatorOptions;
  server?: ServerOptions;
}

/** Creates an empty database on the test Postgres server and returns its URL. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `crux_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** The real server on loopback, against the simulator, on the database this test project selects. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dbKind = process.env.CRUX_TEST_DB === 'postgres' ? 'postgres' : 'embedded';
  const simulator = new OpenRouterSimulator({ defaults: { generationDelayMs: 50 }, ...options.simulator });
  const baseUrl = await simulator.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'crux-test-'));
  const database = dbKind === 'postgres' ? await createTestDatabase() : undefined;
  const config = parseConfig({
    OPENROUTER_MODEL: 'google/gemini-2.5-pro',
    OPENROUTER_BASE_URL: baseUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    CRUX_DATA_DIR: dataDir,
    PORT: '0',
    DAILY_CHAT_LIMIT: '1000',
    DAILY_REC_LIMIT: '1000',
    // Every test client signs up from loopback: throttle tests set their own limits.
    ...GENEROUS_THROTTLES,
    ...(database
      ? {
          DATABASE_URL: options.rewriteDatabaseUrl
            ? await options.rewriteDatabaseUrl(database.url)
            : database.url,
        }
      : {}),
    ...options.env,
  });
  const serverOptions: ServerOptions = {
    log: () => {},
    generationWaitMs: 5_000,
    sweepIntervalMs: 3_600_000,
    ...options.server,
  };
  let server = await startServer(config, serverOptions);
  let running = true;
  // A restarted server listens on the same port, so `url` stays valid.
  const url = server.url;
  const samePort = { ...config, port: Number(new URL(url).port) };

  const request: Harness['request'] = async (path, init = {}) => {
    const { token, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${url}${path}`, {
      ...rest,
      headers,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
    await checkResponseAgainstDocument(rest.method ?? 'GET', `${url}${path}`, response);
    return response;
  };

  return {
    url,
    simulator,
    get server() {
      return server;
    },
    config,
    dataDir,
    dbKind,
    databaseUrl: database?.url,
    request,
    signup: (email?: string) => signupThrough(request, email),
    async chat(token, message, headers = {}) {
      return readChat(await request('/v1/chat', { method: 'POST', token, json: { message }, headers }));
    },
    async records(token) {
      const response = await request('/v1/usage/records?limit=500', { token });
      return ((await response.json()) as { records: LedgerRecord[] }).records;
    },
    async restart(options) {
      if (running) await server.close();
      server = await startServer(samePort, { ...serverOptions, ...options });
      running = true;
    },
    async stopServer() {
      await server.close();
      running = false;
    },
    settled: () => server.background.idle(),
    async close() {
      if (running) await server.close();
      await simulator.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
