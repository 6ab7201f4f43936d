/**
 * P1: time-to-first-token and total time of a streamed chat, called directly on the simulator and
 * through Crux's full chat path (auth, limit, prompt, ledger, stream, settlement), on loopback,
 * paired call by call. BENCH_ITERATIONS (default 300).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { parseConfig } from '../apps/server/src/config/env.ts';
import { startServer } from '../apps/server/src/server.ts';
import { OpenRouterSimulator } from '../apps/server/src/simulator/server.ts';
import { type BenchOptions, type BenchSection, formatMs, percentile } from './report.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const WARMUP = 30;

interface Timing {
  ttft: number;
  total: number;
}

async function timeStream(
  url: string,
  init: RequestInit,
  isFirstToken: (data: string) => boolean,
): Promise<Timing> {
  const start = performance.now();
  const response = await fetch(url, init);
  let ttft = Number.NaN;
  const events = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    if (Number.isNaN(ttft) && isFirstToken(event.data)) ttft = performance.now() - start;
  }
  return { ttft, total: performance.now() - start };
}

export async function runP1(options: BenchOptions): Promise<BenchSection> {
  const simulator = new OpenRouterSimulator({ defaults: { generationDelayMs: 0, keepAlives: 1 } });
  const baseUrl = await simulator.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'crux-bench-'));
  const config = parseConfig({
    OPENROUTER_MODEL: 'google/gemini-2.5-pro',
    OPENROUTER_BASE_URL: baseUrl,
    AUTH_JWT_SECRET: 'bench-secret-0123456789abcdef0123456789',
    CRUX_DATA_DIR: dataDir,
    PORT: '0',
    DAILY_CHAT_LIMIT: String(ITERATIONS * 4),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  const server = await startServer(config, { log: () => {} });
  const signup = await fetch(`${server.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@crux.local`, password: 'bench-password' }),
  });
  const { token } = (await signup.json()) as { token: string };

  const direct = () =>
    timeStream(
      `${baseUrl}/chat/completions`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'google/gemini-2.5-pro',
          stream: true,
          messages: [
            { role: 'system', content: 'You are a climbing coach.' },
            { role: 'user', content: 'How do I rest on steep routes?' },
          ],
        }),
      },
      (data) => data !== '[DONE]' && (JSON.parse(data) as { choices?: unknown[] }).choices?.length === 1,
    );
  const throughCrux = () =>
    timeStream(
      `${server.url}/v1/chat`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ message: 'How do I rest on steep routes?' }),
      },
      (data) => data.startsWith('{"type":"delta"'),
    );

  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await throughCrux();
  }
  const directTimes: Timing[] = [];
  const cruxTimes: Timing[] = [];
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    directTimes.push(await direct());
    cruxTimes.push(await throughCrux());
    if ((i + 1) % 100 === 0) process.stderr.write(`  ${i + 1}/${ITERATIONS} iterations\n`);
  }
  const elapsed = (performance.now() - started) / 1000;

  // A Postgres commit waits for the WAL flush: on a slow or shared disk that alone exceeds the goal.
  const durability =
    server.db.kind === 'postgres'
      ? (
          await server.db.query<{ fsync: string; sync: string }>(
            `select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`,
          )
        ).map((row) => ` (fsync ${row.fsync}, synchronous_commit ${row.sync})`)[0]
      : '';
  const database = server.db.kind === 'embedded' ? 'embedded database' : `Postgres server${durability}`;
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
  await server.close();
  await simulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    id: 'P1',
    title: 'time to first token, full chat path',
    setup: `${ITERATIONS} streamed chats each way, one at a time, loopback, ${database} (${elapsed.toFixed(1)} s)`,
    figures: [
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
    ],
  };
}
