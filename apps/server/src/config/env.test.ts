import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './env.ts';

const minimal = {
  OPENROUTER_MODEL: 'google/gemini-2.5-pro',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  OPENROUTER_API_KEY: 'sk-or-v1-secret',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(minimal);
    expect(config).toMatchObject({
      openRouter: { model: 'google/gemini-2.5-pro', baseUrl: 'https://openrouter.ai/api/v1' },
      databaseUrl: undefined,
      dataDir: './data',
      port: 8787,
      host: '127.0.0.1',
      limits: {
        dailyChat: 10,
        dailyRecommendations: 2,
        dailyBudgetUsd: undefined,
        globalDailyBudgetUsd: undefined,
      },
      adminEmails: [],
    });
  });

  it('treats empty strings as unset and parses lists', () => {
    const config = parseConfig({
      ...minimal,
      PORT: '',
      ADMIN_EMAILS: ' Ops@Example.com, b@c.io ,',
      DAILY_BUDGET_USD: '1.50',
      GLOBAL_DAILY_BUDGET_USD: '25',
      OPENROUTER_MAX_TOKENS: '1024',
    });
    expect(config.port).toBe(8787);
    expect(config.limits.globalDailyBudgetUsd).toBe('25');
    expect(config.openRouter.maxTokens).toBe(1024);
    expect(config.adminEmails).toEqual(['ops@example.com', 'b@c.io']);
    expect(config.limits.dailyBudgetUsd).toBe('1.50');
  });

  it('needs no API key for a loopback simulator, but does for anything else', () => {
    const local = { OPENROUTER_MODEL: 'openrouter/auto', AUTH_JWT_SECRET: 'x'.repeat(32) };
    expect(problems({ ...local, OPENROUTER_BASE_URL: 'http://127.0.0.1:8788/api/v1' })).toEqual([]);
    expect(problems({ ...local, OPENROUTER_BASE_URL: 'http://localhost:8788/api/v1' })).toEqual([]);
    expect(problems(local).join()).toContain('OPENROUTER_API_KEY');
    expect(problems({ ...local, OPENROUTER_BASE_URL: 'https://proxy.example.com/v1' }).join()).toContain(
      'OPENROUTER_API_KEY',
    );
  });

  it('reports every problem at once, by name, without echoing values', () => {
    const found = problems({
      OPENROUTER_MODEL: 'nope',
      AUTH_JWT_SECRET: 'short-secret-value',
      PORT: 'x',
      OPENROUTER_API_KEY: 'sk-or-v1-secret',
    });
    expect(found).toHaveLength(3);
    for (const name of ['OPENROUTER_MODEL', 'AUTH_JWT_SECRET', 'PORT'])
      expect(found.join('\n')).toContain(name);
    expect(found.join('\n')).not.toContain('short-secret-value');
    expect(found.join('\n')).not.toContain('sk-or-v1-secret');
  });
});
