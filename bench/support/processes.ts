/**
 * The processes a bench runs apart from its own (the load generator): the simulator and the
 * compiled Crux server, each a child process, so each one's CPU and memory are its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../../apps/server/src/simulator/scenario.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_SECRET = 'bench-secret-0123456789abcdef0123456789';
export const BENCH_MODEL = 'google/gemini-2.5-pro';

export interface Child {
  url: string;
  pid: number;
  /** Everything it printed so far (the last 64 kB). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `command`, resolves with the URL it prints once `ready` matches its output. */
function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Always drained: a full pipe would stall the child's logging and then the child.
  const keep = (data: Buffer) => {
    output = (output + data.toString()).slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready after 120 s:\n${output}`)), 120_000);
    const check = () => {
      const match = ready.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({ url: match[1], pid: child.pid!, output: () => output, stop });
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

/** The OpenRouter simulator in its own process, with these scenario defaults. */
export function startSimulatorProcess(defaults: Scenario): Promise<Child> {
  return startChild(
    ['--import', 'tsx', join(REPO, 'bench/support/simulator-main.ts'), JSON.stringify(defaults)],
    { PATH: process.env.PATH },
    /simulator at (\S+)/,
    'the simulator',
  );
}

/** P1's floor (`bare-gateway.ts`): one durable insert, then the upstream's stream piped. */
export function startBareGatewayProcess(upstreamUrl: string, databaseUrl: string): Promise<Child> {
  return startChild(
    ['--import', 'tsx', join(REPO, 'bench/support/bare-gateway.ts'), upstreamUrl, databaseUrl],
    { PATH: process.env.PATH },
    /gateway at (\S+)/,
    'the bare gateway',
  );
}

export interface ServerProcessOptions {
  upstreamUrl: string;
  databaseUrl: string | undefined;
  env?: Record<string, string>;
  /** Extra Node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Its CRUX_DATA_DIR (e.g. a killed instance's, to restart it); default: a new one. */
  dataDir?: string;
}

/**
 * The compiled server (`bin/crux.js serve`, built first when stale) on a free port, on a fresh
 * embedded database or on `databaseUrl`. `stop` ends it (SIGTERM: in-flight work finishes);
 * `remove` deletes its data directory.
 */
export async function startServerProcess(
  options: ServerProcessOptions,
): Promise<Child & { dataDir: string; remove(): void }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'crux-bench-'));
  const child = await startChild(
    // As `npm start` runs it (see bin/crux.js for the flags).
    [
      '--max-semi-space-size=8',
      '--optimize-for-size',
      // BENCH_NODE_FLAGS: V8/Node flags to try on the server (measured against the same run without).
      ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ...(options.nodeFlags ?? []),
      join(REPO, 'apps/server/bin/crux.js'),
      'serve',
      '--port',
      '0',
    ],
    {
      PATH: process.env.PATH,
      CRUX_ENV_FILE: join(dataDir, 'no-env-file'),
      OPENROUTER_MODEL: BENCH_MODEL,
      OPENROUTER_BASE_URL: options.upstreamUrl,
      AUTH_JWT_SECRET: BENCH_SECRET,
      CRUX_DATA_DIR: dataDir,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      // The bench's own setting, to compare both ways.
      ...(process.env.DATABASE_PREPARED_STATEMENTS
        ? { DATABASE_PREPARED_STATEMENTS: process.env.DATABASE_PREPARED_STATEMENTS }
        : {}),
      ...options.env,
    },
    /listening on (http:\/\/\S+)/,
    'the Crux server',
  );
  return { ...child, dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** A process's resident set size in bytes (Linux), or undefined once it has ended. */
export function rssOf(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak and the samples. */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peak: number; samples: number[] } } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push(rss);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { peak: Math.max(0, ...samples), samples };
    },
  };
}

export const formatMb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The CPU time a process has used so far (user + system, Linux), in milliseconds. */
export function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: what /proc counts CPU time in (100 on every Linux build that matters). */
const CLOCK_TICKS = 100;
