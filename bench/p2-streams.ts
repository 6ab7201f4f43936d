/**
 * P2: 1,000 concurrent slow chat streams (the simulator sends a chunk every BENCH_P2_CHUNK_MS,
 * default 1000 ms) through ONE compiled Crux server process, whose RSS is sampled all along;
 * then the same streams straight to the simulator, to compare the gaps between tokens.
 * Processes: this one is the load generator; the simulator and the server are children.
 * BENCH_P2_STREAMS (default 1000), BENCH_P2_USERS (default 100), BENCH_P2_RAMP_MS (default 20000).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { TokenService } from '../apps/server/src/auth/tokens.ts';
import { type BenchOptions, type BenchSection, formatMs, percentile } from './report.ts';
import {
  BENCH_MODEL,
  BENCH_SECRET,
  formatMb,
  rssOf,
  sampleRss,
  startServerProcess,
  startSimulatorProcess,
} from './support/processes.ts';
import { type StreamResult, stream, tokenGaps } from './support/sse-client.ts';

const STREAMS = Number(process.env.BENCH_P2_STREAMS ?? 1000);
const USERS = Number(process.env.BENCH_P2_USERS ?? 100);
const CHUNK_MS = Number(process.env.BENCH_P2_CHUNK_MS ?? 1000);
/** Streams are opened evenly over this time (a burst of 1,000 at once is the overload case, not this one). */
const RAMP_MS = Number(process.env.BENCH_P2_RAMP_MS ?? 20000);
const RSS_GOAL = 300 * 1024 * 1024;
/** About 40 chunks: a stream lasts ~40 s at 1 s a chunk, longer than it takes to open them all. */
const ANSWER = Array.from(
  { length: 12 },
  (_, i) => `Step ${i + 1}: climb it again with quieter feet and straighter arms.`,
).join(' ');
const QUESTION = 'How do I rest on steep routes?';

/** Opens the streams evenly over RAMP_MS; resolves when all ended, with when each ended. */
async function openAll(
  count: number,
  open: (i: number) => Promise<StreamResult>,
): Promise<{ results: StreamResult[]; endedAt: number[] }> {
  const endedAt: number[] = [];
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * RAMP_MS) / count));
      const result = await open(i);
      endedAt[i] = performance.now();
      return result;
    }),
  );
  return { results, endedAt };
}

/** Whether every completed stream was open at one moment: the last opened before the first ended. */
function allOpenAtOnce({ results, endedAt }: { results: StreamResult[]; endedAt: number[] }): boolean {
  const completed = results.flatMap((r, i) =>
    failed(r) ? [] : [{ opened: r.headersAt, ended: endedAt[i]! }],
  );
  return Math.max(...completed.map((c) => c.opened)) < Math.min(...completed.map((c) => c.ended));
}

/** Connections the server holds on Postgres, by state, at one moment (excluding this probe). */
async function serverConnections(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; n: string }>(
      `select coalesce(state, 'unknown') as state, count(*)::text as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() group by 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  } finally {
    await client.end();
  }
}

/** Connections working or inside a transaction (idle ones wait in the pool, held by nobody). */
const busy = (states: Record<string, number>) => (states.active ?? 0) + (states['idle in transaction'] ?? 0);

const failed = (r: StreamResult) =>
  r.status !== 200 || r.error !== undefined || r.last !== '[DONE]' || r.tokenTimes.length === 0;

/** How the failed streams failed, e.g. `{"500":3,"socket hang up":1}`. */
function failures(results: StreamResult[]): string {
  const counts: Record<string, number> = {};
  for (const r of results.filter(failed)) {
    const kind = (r.error ?? `ended with ${r.last?.slice(0, 60)}`).replace(/,"request_id":"[^"]*"/, '');
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return JSON.stringify(counts);
}

export async function runP2(options: BenchOptions): Promise<BenchSection> {
  const simulator = await startSimulatorProcess({ chunkDelayMs: CHUNK_MS, content: ANSWER, keepAlives: 1 });
  const server = await startServerProcess({
    upstreamUrl: simulator.url,
    databaseUrl: options.databaseUrl,
    env: {
      DAILY_CHAT_LIMIT: String(STREAMS * 2),
      DAILY_BUDGET_USD: '100000',
      GLOBAL_DAILY_BUDGET_USD: '1000000',
    },
  });
  const tokens = new TokenService({ secret: BENCH_SECRET });
  const users = await Promise.all(
    Array.from({ length: USERS }, (_, i) => tokens.sign(randomUUID(), `p2-${i}@bench.local`)),
  );
  const idleRss = rssOf(server.pid) ?? 0;

  // Direct first (the server idles meanwhile): the simulator's own gaps under the same load.
  process.stderr.write(`  ${STREAMS} streams straight to the simulator…\n`);
  const direct = await openAll(STREAMS, () =>
    stream({
      url: `${simulator.url}/chat/completions`,
      headers: {},
      body: JSON.stringify({
        model: BENCH_MODEL,
        stream: true,
        messages: [{ role: 'user', content: QUESTION }],
      }),
      isToken: (data) => data.includes('"delta"'),
    }),
  );

  process.stderr.write(`  ${STREAMS} streams through Crux (pid ${server.pid})…\n`);
  const rss = sampleRss(server.pid);
  let connections: Record<string, number> | undefined;
  const started = performance.now();
  const crux = openAll(STREAMS, (i) =>
    stream({
      url: `${server.url}/v1/chat`,
      headers: { authorization: `Bearer ${users[i % USERS]}` },
      body: JSON.stringify({ message: QUESTION }),
      isToken: (data) => data.startsWith('{"type":"delta"'),
    }),
  );
  // While every stream is open and waiting for its next chunk: which connections are held?
  // (Five looks a second apart once all are open; the quietest counts: a connection held by a
  // waiting stream shows in every one.)
  if (options.databaseUrl) {
    await new Promise((resolve) => setTimeout(resolve, RAMP_MS + 4000));
    for (let look = 0; look < 5; look++) {
      const now = await serverConnections(options.databaseUrl);
      if (!connections || busy(now) < busy(connections)) connections = now;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const through = await crux;
  const elapsed = (performance.now() - started) / 1000;
  const { peak } = rss.stop();
  if (process.env.BENCH_SERVER_LOG) writeFileSync(process.env.BENCH_SERVER_LOG, server.output());
  await server.stop();
  server.remove();
  await simulator.stop();

  const errors = through.results.filter(failed).length;
  const directErrors = direct.results.filter(failed).length;
  const overlapped = allOpenAtOnce(through);
  const gapsCrux = tokenGaps(through.results);
  const gapsDirect = tokenGaps(direct.results);
  const added = percentile(gapsCrux, 99) - percentile(gapsDirect, 99);
  const held = connections
    ? (connections.active ?? 0) + (connections['idle in transaction'] ?? 0)
    : undefined;
  const database = options.databaseUrl ? 'Postgres server' : 'embedded database';
  return {
    id: 'P2',
    title: 'open streams on one instance',
    setup:
      `${STREAMS} concurrent chats (${USERS} users) opened over ${RAMP_MS / 1000} s, a chunk every ${CHUNK_MS} ms, ${database}; ` +
      `load generator: the bench process; server: compiled JS in its own process (RSS sampled every 100 ms); ` +
      `simulator: its own process (${elapsed.toFixed(1)} s)`,
    figures: [
      {
        label: 'streams completed',
        crux: `${STREAMS - errors}/${STREAMS}${overlapped ? ' (all open at once)' : ' (not all open at once)'}${errors ? ` failed: ${failures(through.results)}` : ''}`,
        direct: `${STREAMS - directErrors}/${STREAMS}`,
        goal: '0 errors',
        met: errors === 0 && overlapped,
      },
      {
        label: 'peak RSS',
        crux: formatMb(peak),
        direct: `idle ${formatMb(idleRss)}`,
        goal: '< 300 MB',
        met: peak < RSS_GOAL,
      },
      {
        label: 'token gap p50',
        crux: formatMs(percentile(gapsCrux, 50)),
        direct: formatMs(percentile(gapsDirect, 50)),
        goal: 'informational',
      },
      {
        label: 'token gap p99',
        crux: formatMs(percentile(gapsCrux, 99)),
        direct: formatMs(percentile(gapsDirect, 99)),
        goal: 'informational',
      },
      { label: 'added per-token delay p99', crux: formatMs(added), goal: '< 20 ms', met: added < 20 },
      {
        label: 'db connections busy mid-stream',
        crux: connections ? `${held} (${JSON.stringify(connections)})` : 'n/a (embedded: no pool)',
        goal: '0',
        met: held === undefined ? undefined : held === 0,
      },
    ],
  };
}
