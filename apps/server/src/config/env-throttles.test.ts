import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './env.ts';

const minimal = {
  OPENROUTER_MODEL: 'google/gemini-2.5-pro',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  OPENROUTER_API_KEY: 'sk-or-v1-secret',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig({ ...minimal, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('throttle, client-address and anonymous settings', () => {
  it('defaults: throttles on, no proxy trusted, anonymous users refused', () => {
    expect(parseConfig(minimal)).toMatchObject({
      throttles: {
        signupsPerAddress: 10,
        signups: 200,
        loginFailuresPerAccount: 10,
        loginFailuresPerAddress: 50,
      },
      network: { trustProxy: { kind: 'none' }, clientAddressHeader: 'x-forwarded-for' },
      anonymous: {
        allowed: false,
        dailyChatPerAddress: 3,
        dailyRecommendationsPerAddress: 1,
        dailyTotal: 200,
      },
    });
  });

  it('reads every variable', () => {
    const config = parseConfig({
      ...minimal,
      SIGNUPS_PER_ADDRESS_PER_HOUR: '3',
      SIGNUPS_PER_HOUR: '0',
      LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '5',
      LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: '20',
      TRUST_PROXY: '1',
      CLIENT_ADDRESS_HEADER: 'CF-Connecting-IP',
      ALLOW_ANONYMOUS_USERS: 'true',
      ANONYMOUS_DAILY_CHAT_LIMIT: '2',
      ANONYMOUS_DAILY_REC_LIMIT: '0',
      ANONYMOUS_GLOBAL_DAILY_LIMIT: '50',
    });
    expect(config.throttles).toEqual({
      signupsPerAddress: 3,
      signups: 0,
      loginFailuresPerAccount: 5,
      loginFailuresPerAddress: 20,
    });
    expect(config.network).toEqual({
      trustProxy: { kind: 'hops', hops: 1 },
      clientAddressHeader: 'cf-connecting-ip',
    });
    expect(config.anonymous).toEqual({
      allowed: true,
      dailyChatPerAddress: 2,
      dailyRecommendationsPerAddress: 0,
      dailyTotal: 50,
    });
  });

  it.each([
    [{ SIGNUPS_PER_HOUR: '-1' }, /SIGNUPS_PER_HOUR must be a whole number/],
    [
      { LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: 'lots' },
      /LOGIN_FAILURES_PER_ADDRESS_PER_HOUR must be a whole number/,
    ],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY must not be true/],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /TRUST_PROXY has "10.0.0.0\/99"/],
    [{ TRUST_PROXY: '1', CLIENT_ADDRESS_HEADER: 'x real ip' }, /CLIENT_ADDRESS_HEADER must be a header name/],
    [{ CLIENT_ADDRESS_HEADER: 'x-real-ip' }, /CLIENT_ADDRESS_HEADER is read only from trusted proxies/],
    [{ ALLOW_ANONYMOUS_USERS: 'maybe' }, /ALLOW_ANONYMOUS_USERS must be true or false/],
  ])('refuses %j with a clear message', (env, message) => {
    const found = problems(env);
    expect(found.join('\n')).toMatch(message);
  });
});
