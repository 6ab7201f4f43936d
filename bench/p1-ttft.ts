/**
 * P1: time-to-first-token and total time of a streamed chat, called directly on the simulator and
 * through Crux's full chat path (auth, limit, prompt, ledger, stream, settlement), on loopback,
 * paired call by call. As in production: the compiled server (`bin/crux.js serve`) in its own
 * process, the simulator in another, this process only the client. BENCH_ITERATIONS (default 300);
 * BENCH_CPU_PROF=1 profiles the server (node --cpu-prof) and prints where its CPU went during the
 * measured calls (BENCH_CPU_PROF_DIR=dir keeps the .cpuprofile).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TokenService } from '../apps/server/src/auth/tokens.ts';
import { type BenchFigure, type BenchOptions, type BenchSection, formatMs, percentile } from './report.ts';
import { cpuFigures, monotonicUs, summarizeCpuProfile } from './support/cpu-profile.ts';
import { benchCatalog, timeOpenTurnAlone } from './support/open-turn-alone.ts';
import {
  BENCH_MODEL,
  BENCH_SECRET,
  type Child,
  cpuMsOf,
  startBareGatewayProcess,
  startServerProcess,
  startSimulatorProcess,
} from './support/processes.ts';
import { type StreamRequest, stream } from './support/sse-client.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const WARMUP = 30;
const PROFILE = process.env.BENCH_CPU_PROF === '1';
const QUESTION = 'How do I rest on steep routes?';

interface Timing {
  ttft: number;
  total: number;
}

/** One streamed call, timed from before the request to its first token and to its end. */
async function timeStream(request: StreamRequest): Promise<Timing> {
  const start = performance.now();
  const result = await stream(request);
  if (result.status !== 200 || result.error || result.last !== '[DONE]' || result.tokenTimes.length === 0)
    throw new Error(`P1: a stream failed: ${result.error ?? `${result.status} ended with ${result.last}`}`);
  return { ttft: result.tokenTimes[0]! - start, total: performance.now() - start };
}

/** The Postgres server's durability settings: a commit that waits for a slow disk shows in P1. */
async function durabilityOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ fsync: string; sync: string }>(
      `select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`,
    );
    return ` (fsync ${rows[0]?.fsync}, synchronous_commit ${rows[0]?.sync})`;
  } finally {
    await client.end();
  }
}

export async function runP1(options: BenchOptions): Promise<BenchSection> {
  const simulator = await startSimulatorProcess({ generationDelayMs: 0, keepAlives: 1 });
  // BENCH_CPU_PROF_DIR keeps the profile there (open it in Chrome DevTools); else a temporary one.
  const profileDir = process.env.BENCH_CPU_PROF_DIR || mkdtempSync(join(tmpdir(), 'crux-cpu-'));
  const server = await startServerProcess({
    upstreamUrl: simulator.url,
    databaseUrl: options.databaseUrl,
    env: { DAILY_CHAT_LIMIT: String(ITERATIONS * 4) },
    nodeFlags: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const userId = randomUUID();
  const token = await new TokenService({ secret: BENCH_SECRET }).sign(userId, 'p1@bench.local');
  const catalog = await benchCatalog(simulator.url);
  // The floor, on a Postgres server only: what any gateway pays for one durable write first.
  // BENCH_P1_FLOOR=0 leaves it out.
  const gateway: Child | undefined =
    options.databaseUrl && process.env.BENCH_P1_FLOOR !== '0'
      ? await startBareGatewayProcess(simulator.url, options.databaseUrl)
      : undefined;

  const direct = () =>
    timeStream({
      url: `${simulator.url}/chat/completions`,
      headers: {},
      body: JSON.stringify({
        model: BENCH_MODEL,
        stream: true,
        messages: [
          { role: 'system', content: 'You are a climbing coach.' },
          { role: 'user', content: QUESTION },
        ],
      }),
      isToken: (data) =>
        data !== '[DONE]' && (JSON.parse(data) as { choices?: unknown[] }).choices?.length === 1,
    });
  const throughCrux = () =>
    timeStream({
      url: `${server.url}/v1/chat`,
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: QUESTION }),
      isToken: (data) => data.startsWith('{"type":"delta"'),
    });

  const throughGateway = (url: string) =>
    timeStream({
      url,
      headers: {},
      body: QUESTION,
      isToken: (data) =>
        data !== '[DONE]' && (JSON.parse(data) as { choices?: unknown[] }).choices?.length === 1,
    });

  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await throughCrux();
  }
  const directTimes: Timing[] = [];
  const cruxTimes: Timing[] = [];
  const gatewayOverheads: number[] = [];
  const started = performance.now();
  const window = { fromUs: monotonicUs(), toUs: 0 };
  const cpuBefore = cpuMsOf(server.pid);
  for (let i = 0; i < ITERATIONS; i++) {
    directTimes.push(await direct());
    cruxTimes.push(await throughCrux());
    if ((i + 1) % 100 === 0) process.stderr.write(`  ${i + 1}/${ITERATIONS} iterations\n`);
  }
  const elapsed = (performance.now() - started) / 1000;
  // The server's own CPU per chat (the direct calls cost it nothing): the figure noise barely moves.
  const cpuPerChat = (cpuMsOf(server.pid) - cpuBefore) / ITERATIONS;
  window.toUs = monotonicUs();
  if (process.env.BENCH_SERVER_LOG) writeFileSync(process.env.BENCH_SERVER_LOG, server.output());
  await server.stop(); // SIGTERM: in-flight settlements finish first; the profile is written
  if (gateway) {
    // A pass of its own once the server stopped (interleaved, its inserts slowed Crux's calls).
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const before = await direct();
      const overhead = (await throughGateway(gateway.url)).ttft - before.ttft;
      if (i >= WARMUP) gatewayOverheads.push(overhead);
    }
    await gateway.stop();
  }
  await simulator.stop();
  // The database's share: the same round trip alone, the server stopped (so nothing competes).
  const alone = await timeOpenTurnAlone({
    databaseUrl: options.databaseUrl,
    dataDir: server.dataDir,
    catalog,
    userId,
    message: QUESTION,
    count: ITERATIONS,
  });
  server.remove();
  const cpu = PROFILE ? summarizeCpuProfile(profileDir, 20, window) : undefined;
  if (!process.env.BENCH_CPU_PROF_DIR) rmSync(profileDir, { recursive: true, force: true });

  const database = options.databaseUrl
    ? `Postgres server${await durabilityOf(options.databaseUrl)}`
    : 'embedded database';
  const ttft = (times: Timing[], p: number) =>
    percentile(
      times.map((t) => t.ttft),
      p,
    );
  // Paired: each iteration's Crux time minus the direct call made right before it.
  const overhead = (p: number) =>
    percentile(
      cruxTimes.map((t, i) => t.ttft - directTimes[i]!.ttft),
      p,
    );
  const figures: BenchFigure[] = [
    {
      label: 'ttft p50',
      crux: formatMs(ttft(cruxTimes, 50)),
      direct: formatMs(ttft(directTimes, 50)),
      goal: 'overhead below',
    },
    {
      label: 'ttft p99',
      crux: formatMs(ttft(cruxTimes, 99)),
      direct: formatMs(ttft(directTimes, 99)),
      goal: 'overhead below',
    },
    { label: 'overhead p50', crux: formatMs(overhead(50)), goal: '<= 1 ms', met: overhead(50) <= 1 },
    { label: 'overhead p99', crux: formatMs(overhead(99)), goal: '<= 5 ms', met: overhead(99) <= 5 },
    {
      label: 'of which the round trip alone p50 / p99',
      crux: `${formatMs(percentile(alone, 50))} / ${formatMs(percentile(alone, 99))}`,
      goal: 'informational (crux_open_chat_turn timed alone)',
    },
    { label: 'server CPU per chat', crux: formatMs(cpuPerChat), goal: 'informational' },
  ];
  if (gateway)
    figures.push({
      label: 'floor: bare gateway overhead p50 / p99',
      crux: `${formatMs(percentile(gatewayOverheads, 50))} / ${formatMs(percentile(gatewayOverheads, 99))}`,
      goal: 'informational (one durable insert, then the stream piped; bench/support/bare-gateway.ts)',
    });
  figures.push(...cpuFigures(cpu));
  return {
    id: 'P1',
    title: 'time to first token, full chat path',
    setup:
      `${ITERATIONS} streamed chats each way, one at a time, loopback, ${database}; client: the bench process; ` +
      `server: compiled JS in its own process${PROFILE ? ' (--cpu-prof)' : ''}; simulator: its own process (${elapsed.toFixed(1)} s)`,
    figures,
  };
}
