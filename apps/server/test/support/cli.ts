import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Harness } from './harness.ts';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const main = join(root, 'apps/server/src/cli/main.ts');
/** The production entry: builds apps/server/dist when stale, then runs it on the pinned Node. */
const node = join(root, 'node_modules/.bin/node');
const compiled = join(root, 'apps/server/bin/crux.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** No env file unless a test names one: a developer's own .env must not change what a test sees. */
export const NO_ENV_FILE = join(tmpdir(), 'crux-tests-read-no-env-file');

/** The environment a CLI run sees: PATH and HOME, plus exactly `env`. */
export const cliEnv = (env: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  CRUX_ENV_FILE: NO_ENV_FILE,
  ...env,
});

/** Runs `crux …` to its end, in `cwd` (default: a new empty directory). */
export function runCrux(args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      tsx,
      [main, ...args],
      { cwd: cwd ?? mkdtempSync(join(tmpdir(), 'crux-cli-')), env: cliEnv(env), timeout: 60_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** Starts a long-running `crux …` (serve, simulate) and resolves once its stdout matches `ready`. */
export function startCrux(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  runner: 'tsx' | 'compiled' = 'tsx',
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const [command, entry] = runner === 'tsx' ? [tsx, main] : [node, compiled];
  const child = spawn(command, [entry, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'crux-cli-')),
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`crux ${args.join(' ')} not ready:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`crux ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** Sends SIGTERM to a process started by startCrux and waits for it to end. */
export function stopCrux(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs `crux …` against a harness's database, as its operator would. */
export function cruxFor(h: Harness, args: string[]): Promise<CliResult> {
  return runCrux(
    args,
    {
      OPENROUTER_MODEL: 'google/gemini-2.5-pro',
      OPENROUTER_BASE_URL: h.simulator.baseUrl,
      AUTH_JWT_SECRET: h.config.jwtSecret,
      CRUX_DATA_DIR: h.dataDir,
      ...(h.databaseUrl ? { DATABASE_URL: h.databaseUrl } : {}),
    },
    h.dataDir,
  );
}
