/**
 * npm run bench: time-to-first-token and total time of a streamed chat, called directly on the
 * simulator and through Crux's full chat path (auth, limit, prompt, ledger, stream, settlement),
 * on loopback, on the embedded database (or the Postgres server in BENCH_DATABASE_URL).
 * Prints p50/p99 and Crux's overhead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { parseConfig } from '../apps/server/src/config/env.ts';
import { startServer } from '../apps/server/src/server.ts';
import { OpenRouterSimulator } from '../apps/server/src/simulator/server.ts';

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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;

async function main() {
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
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
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

  const row = (name: string, times: Timing[]) => {
    const ttft = times.map((t) => t.ttft);
    const total = times.map((t) => t.total);
    console.log(
      `${name.padEnd(22)} ttft p50 ${fmt(percentile(ttft, 50))}  p99 ${fmt(percentile(ttft, 99))}   total p50 ${fmt(percentile(total, 50))}  p99 ${fmt(percentile(total, 99))}`,
    );
  };
  const database = server.db.kind === 'embedded' ? 'embedded database' : 'Postgres server';
  console.log(
    `\nStreamed chat, ${ITERATIONS} iterations each, loopback, ${database} (${elapsed.toFixed(1)} s)`,
  );
  row('simulator directly', directTimes);
  row('through Crux', cruxTimes);
  // Paired: each iteration's Crux time minus the direct call made right before it.
  const overhead = (pick: (t: Timing) => number, p: number) =>
    percentile(
      cruxTimes.map((t, i) => pick(t) - pick(directTimes[i]!)),
      p,
    );
  console.log(
    `${'Crux overhead'.padEnd(22)} ttft p50 ${fmt(overhead((t) => t.ttft, 50))}  p99 ${fmt(overhead((t) => t.ttft, 99))}   total p50 ${fmt(overhead((t) => t.total, 50))}  p99 ${fmt(overhead((t) => t.total, 99))}`,
  );
  console.log(
    `Goal: overhead p50 <= 1 ms, p99 <= 5 ms. RSS after run: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );

  await server.close();
  await simulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
