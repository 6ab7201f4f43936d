import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.ts';
import { OpenRouterSimulator } from '../src/simulator/server.ts';
import { runCrux, startCrux, stopCrux } from './support/cli.ts';
import { freePort } from './support/postgres-cluster.ts';

const SECRET = 'sk-or-v1-never-printed';

/** A bad invocation prints one line on stderr, nothing on stdout, and exits 2. */
async function expectUsageError(args: string[], mention: RegExp, env: Record<string, string> = {}) {
  const result = await runCrux(args, env);
  expect(result.code, `crux ${args.join(' ')}: ${result.stderr}`).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^crux: /);
  expect(lines[0]).toMatch(mention);
}

/** A bad try of every command (the last test checks none is left out). */
const BAD_ARGUMENTS: Array<[string[], RegExp]> = [
  [['serve', '--port', 'abc'], /--port.*whole number from 0 to 65535/],
  [['serve', '--port', '70000'], /--port/],
  [['simulate', '--port', 'NaN'], /--port/],
  [['usage', '--by', 'week'], /--by.*day, model, endpoint, user/],
  [['usage', '--from', '2026-02-30'], /--from.*YYYY-MM-DD/],
  [['usage', '--to', 'yesterday'], /--to.*YYYY-MM-DD/],
  [['usage', '--from', '2026-11-25', '--to', '2026-11-01'], /--from .* is after --to/],
  [['usage', '--bi', 'day'], /unknown option '--bi' \(did you mean --by\?\)/],
  [['reconcile', '--older-than', '-5'], /--older-than.*whole number of seconds/],
  [['reconcile', '--deadline', 'soon'], /--deadline.*whole number of seconds/],
  [['reconcile', '--timeout', '0'], /--timeout.*at least 1/],
  [['user', 'create'], /missing required argument 'email'/],
  [['user', 'create', 'not-an-email'], /valid e-mail address/],
  [['user', 'create', 'a@example.com', '--password', 'short'], /--password must be at least 8 characters/],
  [['user', 'budget', 'a@example.com', 'lots'], /Use an amount in USD such as 0\.50, or "default"/],
  [['migrate', 'now'], /too many arguments/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['help', 'frobnicate'], /^crux: unknown command 'frobnicate'$/],
  [['user', 'help', 'delete'], /^crux: unknown command 'delete'$/],
  [[], /missing command for 'crux' \(one of: serve, migrate, .*\); see crux --help/],
  [['serve', '--host'], /--host <host>' argument missing/],
  [['serve', 'now'], /too many arguments for 'serve'/],
  [['simulate', 'now'], /too many arguments for 'simulate'/],
  [['demo', '--port', '1'], /unknown option '--port'/],
  [['demo', 'now'], /too many arguments for 'demo'/],
  [['user'], /missing command for 'crux user' \(one of: create, budget\)/],
  [['user', 'delete', 'a@example.com'], /unknown command 'delete'/],
  [['user', 'budget', 'a@example.com'], /missing required argument 'usd\|default'/],
  [['user', 'budget', 'a@example.com', '-1'], /Use an amount in USD/],
  [['admin'], /missing command for 'crux admin' \(one of: grant, revoke\)/],
  [['admin', 'grant'], /missing required argument 'email\|id'/],
  [['admin', 'revoke', 'a@example.com', 'b@example.com'], /too many arguments for 'revoke'/],
  [['usage', '--csv', 'yes'], /too many arguments for 'usage'/],
  [['reconcile', '--older-than'], /--older-than <seconds>' argument missing/],
  [['model'], /missing command for 'crux model' \(one of: check\)/],
  [['model', 'check', 'openai/gpt-4o'], /too many arguments for 'check'/],
];

describe.concurrent('crux with bad arguments: one clear line and exit 2', { timeout: 120_000 }, () => {
  it.each(BAD_ARGUMENTS)('crux %j', async (args, mention) => {
    await expectUsageError(args, mention, { CRUX_DATA_DIR: mkdtempSync(join(tmpdir(), 'crux-cli-data-')) });
  });

  it('the table above tries every command', () => {
    const leaves = (command: Command, path: string[]): string[] =>
      command.commands.length
        ? command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]))
        : [path.join(' ')];
    const tried = BAD_ARGUMENTS.map(([args]) =>
      args
        .filter((a) => !a.startsWith('-'))
        .slice(0, 2)
        .join(' '),
    );
    for (const command of leaves(
      buildProgram(() => {}),
      [],
    ))
      expect(
        tried.some((t) => t === command || t.startsWith(`${command} `)),
        command,
      ).toBe(true);
  });

  it.each([
    ['serve', /--port <port>/],
    ['usage', /--by <group>.*\n[\s\S]*--csv/],
    ['reconcile', /--older-than <seconds>[\s\S]*--deadline <seconds>[\s\S]*--timeout <seconds>/],
    ['simulate', /--port <port>/],
    ['migrate', /DATABASE_URL/],
  ])('crux %s --help explains the command', async (command, mention) => {
    const result = await runCrux([command, '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(mention);
  });

  it.each([
    [
      'refused',
      'postgres://crux:hunter2pw@127.0.0.1:1/crux',
      /nothing accepts connections at crux@127\.0\.0\.1:1/,
    ],
    [
      'unknown host',
      'postgres://crux:hunter2pw@no-such-host.invalid/crux',
      /host "no-such-host\.invalid" is unknown/,
    ],
    ['a bad URL', 'postgres://crux:hunter2pw@[::1/crux', /must be a URL like postgres:\/\//],
  ])('a DATABASE_URL that is %s is a configuration error naming it', async (_what, url, mention) => {
    const result = await runCrux(['migrate'], { DATABASE_URL: url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).toMatch(mention);
    expect(result.stderr).not.toContain('hunter2pw');
  });
});

describe('each command asks only for what it uses', { timeout: 120_000 }, () => {
  it('migrate, user create and usage need the database, not the model, the key or the JWT secret', async () => {
    const env = { CRUX_DATA_DIR: mkdtempSync(join(tmpdir(), 'crux-cli-data-')) };
    expect((await runCrux(['migrate'], env)).stdout).toContain('Applied:');
    const created = await runCrux(['user', 'create', 'only.db@example.com'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Password: \S{8,}/);
    expect(created.stdout).toContain('AUTH_JWT_SECRET is not set');
    const usage = await runCrux(['usage', '--csv'], env);
    expect(usage.code).toBe(0);
    expect(usage.stdout.trim().split('\n')).toEqual(['day,requests,tokens,cost_usd', 'TOTAL,0,0,0']);
    expect(usage.stderr).toContain('OpenRouter credit: unknown (OPENROUTER_API_KEY is required');
  });
});

describe('the env file', { timeout: 120_000 }, () => {
  it('is read whatever the working directory (CRUX_ENV_FILE names one other than the repository .env)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crux-env-'));
    const envFile = join(dir, 'crux.env');
    writeFileSync(envFile, `CRUX_DATA_DIR=${join(dir, 'data')}\nDAILY_CHAT_LIMIT=many\n`);
    const env = { CRUX_ENV_FILE: envFile };
    // `migrate` reads CRUX_DATA_DIR from the file, from two working directories: one database.
    expect((await runCrux(['migrate'], env, dir)).stdout).toContain('Applied:');
    expect((await runCrux(['migrate'], env, tmpdir())).stdout).toContain('up to date');
    // `serve` reads every setting, and names the file to fix.
    const serve = await runCrux(['serve'], env, tmpdir());
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain(`in the environment or ${envFile}`);
    expect(serve.stderr).toContain('DAILY_CHAT_LIMIT');
  });
});

describe('long-running commands', { timeout: 120_000 }, () => {
  const simulator = new OpenRouterSimulator();
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await simulator.start();
  });
  afterAll(() => simulator.stop());

  it('crux serve --port is honoured over PORT', async () => {
    const port = await freePort();
    const { child } = await startCrux(
      ['serve', '--port', String(port)],
      {
        OPENROUTER_BASE_URL: baseUrl,
        OPENROUTER_API_KEY: SECRET,
        OPENROUTER_MODEL: 'google/gemini-2.5-pro',
        AUTH_JWT_SECRET: 'c'.repeat(32),
        CRUX_DATA_DIR: mkdtempSync(join(tmpdir(), 'crux-cli-data-')),
        PORT: '1',
      },
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    );
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await stopCrux(child);
    }
  });

  it('crux simulate on a busy port says so and exits 2', async () => {
    const port = Number(new URL(baseUrl).port);
    await expectUsageError(
      ['simulate', '--port', String(port)],
      new RegExp(`port ${port} .* already in use`),
    );
  });
});
