import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WEB = join(REPO, 'apps/web');
const BUILT = join(WEB, 'dist/index.html');
const SKIP = new Set(['node_modules', 'dist', 'e2e', '.crux-test']);

/** The newest file under `dir` (skipping build output, dependencies and tests). */
function newest(dir: string): { path: string; mtimeMs: number } | undefined {
  let found: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newest(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate && (!found || candidate.mtimeMs > found.mtimeMs)) found = candidate;
  }
  return found;
}

/** Why the web app needs a build, or undefined when `apps/web/dist` is up to date. */
export function staleReason(): string | undefined {
  if (!existsSync(BUILT)) return 'apps/web/dist is missing';
  const builtAt = statSync(BUILT).mtimeMs;
  const roots = [WEB, join(REPO, 'packages')].filter((dir) => existsSync(dir));
  for (const root of roots) {
    const source = newest(root);
    if (source && source.mtimeMs > builtAt) return `${relative(REPO, source.path)} is newer than the build`;
  }
  return undefined;
}

/** Builds the web app when it is missing or older than its sources; prints what it does. */
export function ensureWebBuild(log: (line: string) => void = console.log): void {
  const reason = staleReason();
  if (!reason) {
    log('[web] apps/web/dist is up to date');
    return;
  }
  log(`[web] building the web app (${reason})…`);
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'build', '--workspace', 'apps/web'], {
    cwd: REPO,
    // A production build even when called from a test run (vitest sets NODE_ENV=test).
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    throw new Error(`the web build failed (exit ${result.status ?? result.signal})`);
  }
  const budget = result.stdout.split('\n').find((line) => line.startsWith('[web] main JS'));
  log(
    `[web] built in ${((Date.now() - started) / 1000).toFixed(1)} s${budget ? `: ${budget.slice(6)}` : ''}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureWebBuild();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
