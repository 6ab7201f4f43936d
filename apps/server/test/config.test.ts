import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterSimulator } from '../src/simulator/server.ts';
import { cliEnv } from './support/cli.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = join(root, 'apps/server/src/cli/main.ts');
const tsx = join(root, 'node_modules/.bin/tsx');
const SECRET_KEY = 'sk-or-v1-this-must-never-be-printed';

/** Runs the CLI in an empty directory (no .env) with exactly `env`; resolves when it exits. */
function crux(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'crux-config-'));
  return new Promise((resolve) => {
    const child = execFile(
      tsx,
      [cli, ...args],
      { cwd, env: cliEnv(env), timeout: 30_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, output: `${stdout}${stderr}` }),
    );
  });
}

const serve = (env: Record<string, string>) => crux(['serve'], env);

const valid = {
  OPENROUTER_API_KEY: SECRET_KEY,
  OPENROUTER_MODEL: 'google/gemini-2.5-pro',
  AUTH_JWT_SECRET: 'a'.repeat(40),
  OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
};

describe('configuration failures stop the start with exit code 2', { timeout: 60_000 }, () => {
  it('names every missing variable in one message', async () => {
    const { code, output } = await serve({ OPENROUTER_BASE_URL: 'https://openrouter.ai/api/v1' });
    expect(code).toBe(2);
    expect(output).toContain('OPENROUTER_MODEL');
    expect(output).toContain('AUTH_JWT_SECRET');
    expect(output).toContain('OPENROUTER_API_KEY');
    expect(output).not.toContain('listening');
  });

  it.each([
    ['OPENROUTER_MODEL', 'gemini-pro'],
    ['OPENROUTER_MODEL', 'google/gemini 2.5'],
    ['AUTH_JWT_SECRET', 'too-short'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DAILY_CHAT_LIMIT', '-1'],
    ['DAILY_REC_LIMIT', 'two'],
    ['DAILY_BUDGET_USD', '$5'],
    ['DATABASE_URL', 'mysql://localhost/crux'],
    ['OPENROUTER_BASE_URL', 'not a url'],
  ])('rejects %s=%s, naming the variable and never the key', async (name, value) => {
    const { code, output } = await serve({ ...valid, [name]: value });
    expect(code).toBe(2);
    expect(output).toContain(name);
    expect(output).not.toContain(SECRET_KEY);
    expect(output).not.toContain('listening');
  });

  describe('against the model catalog', () => {
    const simulator = new OpenRouterSimulator();
    let baseUrl = '';
    beforeAll(async () => {
      baseUrl = await simulator.start();
    });
    afterAll(() => simulator.stop());

    it('refuses an id missing from the catalog and suggests the closest ones', async () => {
      const { code, output } = await serve({
        ...valid,
        OPENROUTER_BASE_URL: baseUrl,
        OPENROUTER_MODEL: 'google/gemini-2.5-pr',
      });
      expect(code).toBe(2);
      expect(output).toContain('OPENROUTER_MODEL');
      expect(output).toContain('google/gemini-2.5-pro');
      expect(output).not.toContain(SECRET_KEY);
    });

    it('needs no API key for a local simulator, and `crux model check` prints the pricing', async () => {
      const result = await crux(['model', 'check'], {
        OPENROUTER_BASE_URL: baseUrl,
        OPENROUTER_MODEL: 'openai/gpt-4o-mini',
        AUTH_JWT_SECRET: 'b'.repeat(32),
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('openai/gpt-4o-mini');
      expect(result.stdout).toContain('0.00000015');
    });
  });
});
