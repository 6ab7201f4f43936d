import { z } from 'zod';
import { integer, optional } from './env-schema.ts';

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

/** The environment's sign-in parts: Crux's own tokens, Supabase Auth, sessions, admins, browser origins (see `envParts`). */
export const identityEnvParts = {
  auth: z
    .object({
      AUTH_JWT_SECRET: z
        .string({ error: 'is required: a random key of 32+ characters, e.g. from `openssl rand -hex 32`' })
        .min(32, { error: 'must be at least 32 characters (generate one with `openssl rand -hex 32`)' }),
    })
    .transform((env) => env.AUTH_JWT_SECRET),
  supabase: z
    .object({
      SUPABASE_URL: optional(
        z.url({ protocol: /^https?$/, error: 'must be the project URL, e.g. https://abcd1234.supabase.co' }),
      ),
      SUPABASE_ANON_KEY: optional(
        z.string().min(20, { error: "must be the project's anon (publishable) key" }),
      ),
      SUPABASE_AUTH_ISSUER: optional(
        z.url({ protocol: /^https?$/, error: 'must be a URL, e.g. http://127.0.0.1:54321/auth/v1' }),
      ),
    })
    .refine((env) => env.SUPABASE_URL || (!env.SUPABASE_ANON_KEY && !env.SUPABASE_AUTH_ISSUER), {
      error: 'SUPABASE_ANON_KEY and SUPABASE_AUTH_ISSUER need SUPABASE_URL (the project URL) set too',
      path: ['SUPABASE_URL'],
    })
    .transform((env) => env.SUPABASE_URL?.replace(/\/+$/, '')),
  supabaseAuth: z
    .object({
      SUPABASE_ANON_KEY: optional(z.string()),
      SUPABASE_AUTH_ISSUER: optional(z.string()),
    })
    .transform((env) => ({
      anonKey: env.SUPABASE_ANON_KEY,
      issuer: env.SUPABASE_AUTH_ISSUER?.replace(/\/+$/, ''),
    })),
  sessions: z
    .object({
      AUTH_ACCESS_TOKEN_MINUTES: integer(15, 'AUTH_ACCESS_TOKEN_MINUTES').pipe(
        z.number().min(1, { error: 'AUTH_ACCESS_TOKEN_MINUTES must be at least 1' }),
      ),
      AUTH_REFRESH_TOKEN_DAYS: integer(30, 'AUTH_REFRESH_TOKEN_DAYS').pipe(
        z.number().min(1, { error: 'AUTH_REFRESH_TOKEN_DAYS must be at least 1' }),
      ),
    })
    .transform((env) => ({
      accessTokenSeconds: env.AUTH_ACCESS_TOKEN_MINUTES * 60,
      refreshTokenSeconds: env.AUTH_REFRESH_TOKEN_DAYS * 24 * 3600,
    })),
  admins: z
    .object({
      ADMIN_EMAILS: optional(z.string()).transform((list) =>
        (list ?? '')
          .split(',')
          .map((email) => email.trim().toLowerCase())
          .filter(Boolean),
      ),
    })
    .transform((env) => env.ADMIN_EMAILS),
  cors: z
    .object({
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
    })
    .transform((env) => env.CORS_ORIGINS),
};
