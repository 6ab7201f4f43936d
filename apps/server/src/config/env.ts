import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isModelIdFormat } from './model-id.ts';

export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

const DECIMAL = /^\d+(\.\d+)?$/;

/** Empty strings (common in `.env` files) count as unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const integer = (fallback: number, name: string) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? String(fallback) : value),
    z
      .string()
      .regex(/^\d+$/, { error: `${name} must be a whole number of 0 or more` })
      .transform(Number),
  );

const envSchema = z.object({
  OPENROUTER_API_KEY: optional(z.string()),
  OPENROUTER_MODEL: z
    .string({
      error: 'is required: the one model for chat and coach, e.g. OPENROUTER_MODEL=google/gemini-2.5-pro',
    })
    .refine(isModelIdFormat, {
      error:
        'must look like vendor/model or vendor/model:variant (e.g. google/gemini-2.5-pro), or openrouter/auto',
    }),
  OPENROUTER_BASE_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8788/api/v1' }),
  ).transform((url) => (url ?? DEFAULT_BASE_URL).replace(/\/+$/, '')),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, {
      error: 'must start with postgres:// (or leave it unset for the embedded database)',
    }),
  ),
  CRUX_DATA_DIR: optional(z.string()).transform((dir) => dir ?? './data'),
  PORT: integer(8787, 'PORT').pipe(z.number().max(65535, { error: 'PORT must be at most 65535' })),
  HOST: optional(z.string()).transform((host) => host ?? '127.0.0.1'),
  AUTH_JWT_SECRET: z
    .string({ error: 'is required: a random key of 32+ characters, e.g. from `openssl rand -hex 32`' })
    .min(32, { error: 'must be at least 32 characters (generate one with `openssl rand -hex 32`)' }),
  DAILY_CHAT_LIMIT: integer(10, 'DAILY_CHAT_LIMIT'),
  DAILY_REC_LIMIT: integer(2, 'DAILY_REC_LIMIT'),
  DAILY_BUDGET_USD: optional(
    z.string().regex(DECIMAL, { error: 'must be a decimal amount in USD, e.g. 1.50' }),
  ),
  GLOBAL_DAILY_BUDGET_USD: optional(
    z.string().regex(DECIMAL, { error: 'must be a decimal amount in USD, e.g. 25' }),
  ),
  OPENROUTER_MAX_TOKENS: optional(
    z
      .string()
      .regex(/^[1-9]\d*$/, { error: 'must be a whole number of 1 or more, e.g. 4096' })
      .transform(Number),
  ),
  CORS_ORIGINS: optional(z.string()).pipe(
    z
      .string()
      .optional()
      .transform((list) =>
        (list ?? '')
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .refine((origins) => origins.every(isOrigin), {
        error:
          'must be a comma-separated list of origins such as https://app.example.com (scheme, host, port; no path)',
      }),
  ),
  ADMIN_EMAILS: optional(z.string()).transform((list) =>
    (list ?? '')
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
  ),
});

export interface Config {
  openRouter: {
    apiKey: string | undefined;
    model: string;
    baseUrl: string;
    /** `max_tokens` for every call; undefined: 4096, or the catalog's smaller cap. */
    maxTokens: number | undefined;
  };
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  jwtSecret: string;
  limits: {
    dailyChat: number;
    dailyRecommendations: number;
    dailyBudgetUsd: string | undefined;
    globalDailyBudgetUsd: string | undefined;
  };
  adminEmails: string[];
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins: string[];
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Crux cannot start. Fix these settings (in the environment or .env):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
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

/** Parses the environment; throws one ConfigError naming every problem. Never echoes a value. */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(source);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        return issue.message.startsWith(name) ? issue.message : `${name} ${issue.message}`;
      });
  const baseUrl = source.OPENROUTER_BASE_URL || DEFAULT_BASE_URL;
  if (!source.OPENROUTER_API_KEY && !isLocalUrl(baseUrl)) {
    problems.push(
      'OPENROUTER_API_KEY is required for a remote upstream: create a key at https://openrouter.ai/keys',
    );
  }
  if (!result.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const env = result.data;
  return {
    openRouter: {
      apiKey: env.OPENROUTER_API_KEY,
      model: env.OPENROUTER_MODEL,
      baseUrl: env.OPENROUTER_BASE_URL,
      maxTokens: env.OPENROUTER_MAX_TOKENS,
    },
    databaseUrl: env.DATABASE_URL,
    dataDir: env.CRUX_DATA_DIR,
    port: env.PORT,
    host: env.HOST,
    jwtSecret: env.AUTH_JWT_SECRET,
    limits: {
      dailyChat: env.DAILY_CHAT_LIMIT,
      dailyRecommendations: env.DAILY_REC_LIMIT,
      dailyBudgetUsd: env.DAILY_BUDGET_USD,
      globalDailyBudgetUsd: env.GLOBAL_DAILY_BUDGET_USD,
    },
    adminEmails: env.ADMIN_EMAILS,
    corsOrigins: env.CORS_ORIGINS,
  };
}

/** Reads `.env` (if present, without overriding the real environment) and parses the result. */
export function loadConfig(envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
