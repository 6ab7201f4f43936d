import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_FILE, envParts, PROJECT_ROOT, parseConfig, parseEnv } from './env.ts';

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
      dataDir: join(PROJECT_ROOT, 'data'),
      port: 8787,
      host: '127.0.0.1',
      limits: {
        dailyChat: 10,
        dailyRecommendations: 2,
        dailyBudgetUsd: undefined,
        globalDailyBudgetUsd: undefined,
      },
      adminEmails: [],
      ops: { creditWarnUsd: undefined, alertWebhookUrl: undefined },
    });
  });

  it('reads the .env of the repository root and resolves a relative data dir there, whatever the cwd', () => {
    expect(ENV_FILE).toBe(join(PROJECT_ROOT, '.env'));
    expect(parseConfig({ ...minimal, CRUX_DATA_DIR: './var/crux' }).dataDir).toBe(
      join(PROJECT_ROOT, 'var/crux'),
    );
    expect(parseConfig({ ...minimal, CRUX_DATA_DIR: '/srv/crux' }).dataDir).toBe('/srv/crux');
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

  it('rejects DATABASE_URLs the driver could not use, without echoing them', () => {
    for (const url of [
      'mysql://localhost/crux',
      'postgresql://?sslmode=require',
      'postgres://u:pw@/db',
      'postgres://[::1/db',
    ]) {
      const found = problems({ ...minimal, DATABASE_URL: url });
      expect(found.join()).toContain('DATABASE_URL');
      expect(found.join()).not.toContain(url);
    }
    expect(problems({ ...minimal, DATABASE_URL: 'postgres:///crux?host=/var/run/postgresql' })).toEqual([]);
  });

  it('validates the operator settings', () => {
    const found = problems({
      ...minimal,
      CREDIT_WARN_USD: 'five',
      ALERT_WEBHOOK_URL: 'hooks.slack.com/x',
      CRUX_RECONCILE_SECRET: 'short-secret',
    });
    expect(found).toHaveLength(3);
    expect(found.join()).toContain('CREDIT_WARN_USD');
    expect(found.join()).toContain('ALERT_WEBHOOK_URL');
    expect(found.join()).toMatch(/CRUX_RECONCILE_SECRET must be at least 32 characters/);
    expect(found.join()).not.toContain('hooks.slack.com');
    expect(found.join()).not.toContain('short-secret');
  });
});

describe('database pool settings', () => {
  it('reads DATABASE_POOL_SIZE and DATABASE_QUEUE_TIMEOUT_MS', () => {
    const config = parseConfig({ ...minimal, DATABASE_POOL_SIZE: '25', DATABASE_QUEUE_TIMEOUT_MS: '750' });
    expect(config).toMatchObject({ poolSize: 25, queueTimeoutMs: 750 });
  });

  it('prepares the turn statements only when DATABASE_PREPARED_STATEMENTS is true', () => {
    expect(parseConfig(minimal)).toMatchObject({ preparedStatements: false });
    expect(parseConfig({ ...minimal, DATABASE_PREPARED_STATEMENTS: 'true' })).toMatchObject({
      preparedStatements: true,
    });
    expect(parseConfig({ ...minimal, DATABASE_PREPARED_STATEMENTS: '0' })).toMatchObject({
      preparedStatements: false,
    });
    expect(problems({ ...minimal, DATABASE_PREPARED_STATEMENTS: 'yes' })).toEqual([
      'DATABASE_PREPARED_STATEMENTS must be true or false',
    ]);
  });

  it('refuses sizes and waits that are not whole numbers in range, naming the variable', () => {
    for (const [name, value] of [
      ['DATABASE_POOL_SIZE', '0'],
      ['DATABASE_POOL_SIZE', 'ten'],
      ['DATABASE_POOL_SIZE', '5000'],
      ['DATABASE_QUEUE_TIMEOUT_MS', '0'],
      ['DATABASE_QUEUE_TIMEOUT_MS', '1.5'],
      ['DATABASE_QUEUE_TIMEOUT_MS', '9999999'],
    ] as const) {
      const found = problems({ ...minimal, [name]: value });
      expect(found, `${name}=${value}`).toHaveLength(1);
      expect(found[0]).toMatch(new RegExp(`^${name} `));
    }
  });
});

describe('parseEnv', () => {
  it('parses only the parts a command uses', () => {
    // `crux usage` needs the database: no model, key or JWT secret.
    const { database } = parseEnv({ CRUX_DATA_DIR: '/tmp/x' }, { database: envParts.database });
    expect(database).toEqual({
      databaseUrl: undefined,
      dataDir: '/tmp/x',
      spool: 'file',
      poolSize: 10,
      queueTimeoutMs: 5000,
      preparedStatements: false,
    });
    expect(() => parseEnv({}, { database: envParts.database, model: envParts.model })).toThrow(
      /OPENROUTER_MODEL/,
    );
  });

  it('needs the API key for the upstream part unless it is a loopback simulator', () => {
    expect(() => parseEnv({}, { upstream: envParts.upstream })).toThrow(/OPENROUTER_API_KEY/);
    expect(
      parseEnv({ OPENROUTER_BASE_URL: 'http://127.0.0.1:8788/api/v1/' }, { upstream: envParts.upstream })
        .upstream,
    ).toEqual({ apiKey: undefined, baseUrl: 'http://127.0.0.1:8788/api/v1' });
  });
});
