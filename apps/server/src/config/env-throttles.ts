import { z } from 'zod';
import { flag, integer, optional } from './env-schema.ts';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';

/** The environment's throttle, client-address and anonymous-user parts (see `envParts`). */
export const throttleEnvParts = {
  throttles: z
    .object({
      SIGNUPS_PER_ADDRESS_PER_HOUR: integer(10, 'SIGNUPS_PER_ADDRESS_PER_HOUR'),
      SIGNUPS_PER_HOUR: integer(200, 'SIGNUPS_PER_HOUR'),
      LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: integer(10, 'LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR'),
      LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: integer(50, 'LOGIN_FAILURES_PER_ADDRESS_PER_HOUR'),
    })
    .transform((env) => ({
      signupsPerAddress: env.SIGNUPS_PER_ADDRESS_PER_HOUR,
      signups: env.SIGNUPS_PER_HOUR,
      loginFailuresPerAccount: env.LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR,
      loginFailuresPerAddress: env.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR,
    })),
  network: z
    .object({
      TRUST_PROXY: optional(z.string()).transform((value, ctx): TrustProxy => {
        const parsed = parseTrustProxy(value);
        if (typeof parsed !== 'string') return parsed;
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }),
      CLIENT_ADDRESS_HEADER: optional(
        z
          .string()
          .transform((name) => name.trim().toLowerCase())
          .pipe(
            z.string().regex(/^[a-z0-9-]{1,64}$/, {
              error: 'must be a header name, e.g. x-forwarded-for, x-real-ip or cf-connecting-ip',
            }),
          ),
      ),
    })
    .superRefine((env, ctx) => {
      if (env.CLIENT_ADDRESS_HEADER && env.TRUST_PROXY.kind === 'none')
        ctx.addIssue({
          code: 'custom',
          path: ['CLIENT_ADDRESS_HEADER'],
          message:
            'CLIENT_ADDRESS_HEADER is read only from trusted proxies: set TRUST_PROXY too (a hop count or the proxies’ addresses)',
        });
    })
    .transform((env) => ({
      trustProxy: env.TRUST_PROXY,
      clientAddressHeader: env.CLIENT_ADDRESS_HEADER ?? 'x-forwarded-for',
    })),
  anonymous: z
    .object({
      ALLOW_ANONYMOUS_USERS: flag('ALLOW_ANONYMOUS_USERS'),
      ANONYMOUS_DAILY_CHAT_LIMIT: integer(3, 'ANONYMOUS_DAILY_CHAT_LIMIT'),
      ANONYMOUS_DAILY_REC_LIMIT: integer(1, 'ANONYMOUS_DAILY_REC_LIMIT'),
      ANONYMOUS_GLOBAL_DAILY_LIMIT: integer(200, 'ANONYMOUS_GLOBAL_DAILY_LIMIT'),
    })
    .transform((env) => ({
      allowed: env.ALLOW_ANONYMOUS_USERS,
      dailyChatPerAddress: env.ANONYMOUS_DAILY_CHAT_LIMIT,
      dailyRecommendationsPerAddress: env.ANONYMOUS_DAILY_REC_LIMIT,
      dailyTotal: env.ANONYMOUS_GLOBAL_DAILY_LIMIT,
    })),
};

export type ThrottleSettings = z.output<(typeof throttleEnvParts)['throttles']>;
export type NetworkSettings = z.output<(typeof throttleEnvParts)['network']>;
export type AnonymousSettings = z.output<(typeof throttleEnvParts)['anonymous']>;
