import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { identityEnvParts } from './env-identity.ts';
import { flag, integer, optional } from './env-schema.ts';
import {
  type AnonymousSettings,
  type NetworkSettings,
  type ThrottleSettings,
  throttleEnvParts,
} from './env-throttles.ts';
import { isModelIdFormat } from './model-id.ts';

export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

/** The repository root: `.env` is read from here and a relative CRUX_DATA_DIR is resolved against it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const ENV_FILE = join(PROJECT_ROOT, '.env');

/** The env file every command reads: `CRUX_ENV_FILE` when set, else the repository root's `.env`. */
export function envFilePath(env: Record<string, string | undefined> = process.env): string {
  return env.CRUX_ENV_FILE ? resolve(env.CRUX_ENV_FILE) : ENV_FILE;
}

const DECIMAL = /^\d+(\.\d+)?$/;

type Env = Record<string, string | undefined>;

const usd = (example: string) =>
  optional(z.string().regex(DECIMAL, { error: `must be a decimal amount in USD, e.g. ${example}` }));

/** A URL that `pg` can connect with: postgres:// with a host (special characters in the password %-encoded). */
function isPostgresUrl(value: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(value)) return false;
  try {
    const url = new URL(value);
    return url.hostname !== '' || url.searchParams.has('host');
  } catch {
    return false;
  }
}

export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The environment, in parts. Each command parses only the parts it uses (`crux usage` needs the
 * database, not the model), so a missing AUTH_JWT_SECRET never stops a spend report.
 */
export const envParts = {
  database: z
    .object({
      DATABASE_URL: optional(
        z.string().refine(isPostgresUrl, {
          error:
            'must be a URL like postgres://user:password@host:5432/dbname (special characters in the password %-encoded), or unset for the embedded database',
        }),
      ),
      CRUX_DATA_DIR: optional(z.string()),
      CRUX_SPOOL: optional(
        z.enum(['file', 'database'], {
          error:
            'must be file (a durable file in CRUX_DATA_DIR) or database (the turn_spool table: a runtime without a durable disk)',
        }),
      ),
      DATABASE_POOL_SIZE: integer(10, 'DATABASE_POOL_SIZE').pipe(
        z
          .number()
          .min(1, { error: 'DATABASE_POOL_SIZE must be at least 1' })
          .max(1000, { error: 'DATABASE_POOL_SIZE must be at most 1000' }),
      ),
      DATABASE_QUEUE_TIMEOUT_MS: integer(5000, 'DATABASE_QUEUE_TIMEOUT_MS').pipe(
        z
          .number()
          .min(1, { error: 'DATABASE_QUEUE_TIMEOUT_MS must be at least 1 (milliseconds)' })
          .max(600_000, { error: 'DATABASE_QUEUE_TIMEOUT_MS must be at most 600000 (10 minutes)' }),
      ),
      DATABASE_PREPARED_STATEMENTS: flag('DATABASE_PREPARED_STATEMENTS'),
    })
    .transform((env) => ({
      databaseUrl: env.DATABASE_URL,
      dataDir: resolve(PROJECT_ROOT, env.CRUX_DATA_DIR ?? 'data'),
      /** Where a turn the database refused waits: `file` (CRUX_DATA_DIR/spool) or `database` (turn_spool). */
      spool: env.CRUX_SPOOL ?? 'file',
      poolSize: env.DATABASE_POOL_SIZE,
      queueTimeoutMs: env.DATABASE_QUEUE_TIMEOUT_MS,
      /** A chat turn's statements prepared once per connection (not behind a transaction-mode pooler). */
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    })),
  upstream: z
    .object({
      OPENROUTER_API_KEY: optional(z.string()),
      OPENROUTER_BASE_URL: optional(
        z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8788/api/v1' }),
      ).transform((url) => (url ?? DEFAULT_BASE_URL).replace(/\/+$/, '')),
    })
    .superRefine((env, ctx) => {
      if (!env.OPENROUTER_API_KEY && !isLocalUrl(env.OPENROUTER_BASE_URL))
        ctx.addIssue({
          code: 'custom',
          path: ['OPENROUTER_API_KEY'],
          message:
            'OPENROUTER_API_KEY is required for a remote upstream: create a key at https://openrouter.ai/keys',
        });
    })
    .transform((env) => ({ apiKey: env.OPENROUTER_API_KEY, baseUrl: env.OPENROUTER_BASE_URL })),
  model: z
    .object({
      OPENROUTER_MODEL: z
        .string({
          error: 'is required: the one model for chat and coach, e.g. OPENROUTER_MODEL=google/gemini-2.5-pro',
        })
        .refine(isModelIdFormat, {
          error:
            'must look like vendor/model or vendor/model:variant (e.g. google/gemini-2.5-pro), or openrouter/auto',
        }),
    })
    .transform((env) => env.OPENROUTER_MODEL),
  maxTokens: z
    .object({
      OPENROUTER_MAX_TOKENS: optional(
        z
          .string()
          .regex(/^[1-9]\d*$/, { error: 'must be a whole number of 1 or more, e.g. 4096' })
          .transform(Number),
      ),
    })
    .transform((env) => env.OPENROUTER_MAX_TOKENS),
  listen: z
    .object({
      PORT: integer(8787, 'PORT').pipe(z.number().max(65535, { error: 'PORT must be at most 65535' })),
      HOST: optional(z.string()).transform((host) => host ?? '127.0.0.1'),
    })
    .transform((env) => ({ port: env.PORT, host: env.HOST })),
  limits: z
    .object({
      DAILY_CHAT_LIMIT: integer(10, 'DAILY_CHAT_LIMIT'),
      DAILY_REC_LIMIT: integer(2, 'DAILY_REC_LIMIT'),
      DAILY_BUDGET_USD: usd('1.50'),
      GLOBAL_DAILY_BUDGET_USD: usd('25'),
    })
    .transform((env) => ({
      dailyChat: env.DAILY_CHAT_LIMIT,
      dailyRecommendations: env.DAILY_REC_LIMIT,
      dailyBudgetUsd: env.DAILY_BUDGET_USD,
      globalDailyBudgetUsd: env.GLOBAL_DAILY_BUDGET_USD,
    })),
  ops: z
    .object({
      CREDIT_WARN_USD: usd('5'),
      ALERT_WEBHOOK_URL: optional(
        z.url({ protocol: /^https?$/, error: 'must be an http(s) URL that accepts a JSON POST' }),
      ),
      CRUX_RECONCILE_SECRET: optional(
        z.string().min(32, { error: 'must be at least 32 characters (e.g. openssl rand -hex 32)' }),
      ),
    })
    .transform((env) => ({
      creditWarnUsd: env.CREDIT_WARN_USD,
      alertWebhookUrl: env.ALERT_WEBHOOK_URL,
      /** Enables `POST /v1/ops/reconcile` for a scheduler (Supabase pg_cron) holding this bearer secret. */
      reconcileSecret: env.CRUX_RECONCILE_SECRET,
    })),
  ...identityEnvParts,
  ...throttleEnvParts,
};

export type EnvParts = typeof envParts;
export type DatabaseSettings = z.output<EnvParts['database']>;
export type UpstreamSettings = z.output<EnvParts['upstream']>;
export type OpsSettings = z.output<EnvParts['ops']>;

export interface Config extends DatabaseSettings {
  openRouter: UpstreamSettings & {
    model: string;
    /** `max_tokens` for every call; undefined: 4096, or the catalog's smaller cap. */
    maxTokens: number | undefined;
  };
  port: number;
  host: string;
  jwtSecret: string;
  /** When set, this Supabase project's Auth tokens are accepted. */
  supabaseUrl: string | undefined;
  /** The anon key the web app signs in to Supabase Auth with, and an `iss` override for a local Supabase. */
  supabaseAuth: z.output<EnvParts['supabaseAuth']>;
  /** Lifetimes of Crux's own access and refresh tokens. */
  sessions: z.output<EnvParts['sessions']>;
  limits: z.output<EnvParts['limits']>;
  adminEmails: string[];
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins: string[];
  ops: OpsSettings;
  /** Signup and login throttles, per hour. */
  throttles: ThrottleSettings;
  /** Which proxies may name the client's address (TRUST_PROXY, CLIENT_ADDRESS_HEADER). */
  network: NetworkSettings;
  /** Supabase anonymous sign-ins: refused unless allowed, then limited per client address. */
  anonymous: AnonymousSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Crux is not configured correctly. Fix these settings (in the environment or ${envFilePath()}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the chosen parts of the environment; throws one ConfigError naming every problem.
 * Never echoes a value.
 * @example parseEnv(process.env, { db: envParts.database }).db.dataDir
 */
export function parseEnv<P extends Record<string, z.ZodType>>(
  source: Env,
  parts: P,
): { [K in keyof P]: z.output<P[K]> } {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(parts)) {
    const result = schema.safeParse(source);
    if (result.success) parsed[name] = result.data;
    else
      for (const issue of result.error.issues) {
        const variable = String(issue.path[0] ?? 'environment');
        problems.push(issue.message.startsWith(variable) ? issue.message : `${variable} ${issue.message}`);
      }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return parsed as { [K in keyof P]: z.output<P[K]> };
}

/** The whole server configuration (`crux serve`, the Edge Function, tests). */
export function parseConfig(source: Env): Config {
  const env = parseEnv(source, envParts);
  return {
    ...env.database,
    openRouter: { ...env.upstream, model: env.model, maxTokens: env.maxTokens },
    ...env.listen,
    jwtSecret: env.auth,
    supabaseUrl: env.supabase,
    supabaseAuth: env.supabaseAuth,
    sessions: env.sessions,
    limits: env.limits,
    adminEmails: env.admins,
    corsOrigins: env.cors,
    ops: env.ops,
    throttles: env.throttles,
    network: env.network,
    anonymous: env.anonymous,
  };
}

/** Reads the repository's `.env` into `process.env` (the real environment wins), whatever the working directory. */
export function loadEnvFile(file = envFilePath()): Env {
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}

/** `.env` + environment, parsed whole. */
export function loadConfig(): Config {
  return parseConfig(loadEnvFile());
}
