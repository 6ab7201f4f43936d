/**
 * P3: chat turns per second end to end (many users, high concurrency, short answers, no delays)
 * through one compiled Crux server process, and the same load straight to the simulator; then
 * every turn is checked durable in the database (both messages, a settled ledger row, nothing
 * pending). Processes: this one is the load generator; the simulator and the server are children.
 * BENCH_P3_SECONDS (default 15), BENCH_P3_CONCURRENCY (default 64), BENCH_P3_USERS (default 200);
 * BENCH_CPU_PROF=1 profiles the server (node --cpu-prof) and prints where its CPU went. Crux runs
 * twice, on a fresh server and users each time: with the default budgets (a per-user cap, no
 * server-wide cap: no row is shared by every turn), then with GLOBAL_DAILY_BUDGET_USD set (every
 * reservation takes the one global lock until its commit); BENCH_P3_GLOBAL=0 skips the second.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenService } from '../apps/server/src/auth/tokens.ts';
import { openEmbeddedDb } from '../apps/server/src/db/embedded.ts';
import { openPostgresDb } from '../apps/server/src/db/postgres.ts';
import type { BenchFigure, BenchOptions, BenchSection } from './report.ts';
import { cpuFigures, summarizeCpuProfile } from './support/cpu-profile.ts';
import {
  BENCH_MODEL,
  BENCH_SECRET,
  cpuMsOf,
  startServerProcess,
  startSimulatorProcess,
} from './support/processes.ts';
import { type StreamResult, stream } from './support/sse-client.ts';

const SECONDS = Number(process.env.BENCH_P3_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_P3_CONCURRENCY ?? 64);
const USERS = Number(process.env.BENCH_P3_USERS ?? 200);
const PROFILE = process.env.BENCH_CPU_PROF === '1';
const WITH_GLOBAL = process.env.BENCH_P3_GLOBAL !== '0';
const GOAL = 1000;

/** `CONCURRENCY` callers, each starting its next turn when the last ends, for SECONDS. */
async function closedLoop(
  turn: (i: number) => Promise<StreamResult>,
  ok: (r: StreamResult) => boolean,
): Promise<{ perSecond: number; done: number; failed: number; sample: string | undefined }> {
  let done = 0;
  let failed = 0;
  let sample: string | undefined;
  let n = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const result = await turn(n++);
        if (ok(result)) done++;
        else {
          failed++;
          sample ??= result.error ?? result.last;
        }
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), done, failed, sample };
}

/** What the database holds for these users: messages by role and ledger rows by status. */
async function durable(
  options: BenchOptions,
  dataDir: string,
  userIds: string[],
): Promise<{ user: number; assistant: number; ok: number; pending: number }> {
  const db = options.databaseUrl ? await openPostgresDb(options.databaseUrl) : await openEmbeddedDb(dataDir);
  try {
    const [messages] = await db.query<{ user: number; assistant: number }>(
      `select count(*) filter (where role = 'user')::int as user, count(*) filter (where role = 'assistant')::int as assistant
         from chat_messages where user_id = any($1::uuid[])`,
      [userIds],
    );
    const [rows] = await db.query<{ ok: number; pending: number }>(
      `select count(*) filter (where status = 'ok')::int as ok, count(*) filter (where status = 'pending')::int as pending
         from api_usage where user_id = any($1::uuid[])`,
      [userIds],
    );
    return { ...messages!, ...rows! };
  } finally {
    await db.close();
  }
}

interface CruxRun {
  result: Awaited<ReturnType<typeof closedLoop>>;
  stored: Awaited<ReturnType<typeof durable>>;
  cpu: ReturnType<typeof summarizeCpuProfile> | undefined;
  /** The server process's CPU time (from /proc) over the run, per turn. */
  cpuMsPerTurn: number;
}

/** One compiled server on a fresh set of users, `SECONDS` of closed-loop chats, then the durability check. */
async function throughCrux(
  options: BenchOptions,
  upstreamUrl: string,
  env: Record<string, string>,
): Promise<CruxRun> {
  const profileDir = mkdtempSync(join(tmpdir(), 'crux-cpu-'));
  const server = await startServerProcess({
    upstreamUrl,
    databaseUrl: options.databaseUrl,
    env: { DAILY_CHAT_LIMIT: '1000000', DAILY_BUDGET_USD: '1000000', ...env },
    nodeFlags: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const tokens = new TokenService({ secret: BENCH_SECRET });
  const userIds = Array.from({ length: USERS }, () => randomUUID());
  const bearer = await Promise.all(userIds.map((id, i) => tokens.sign(id, `p3-${i}@bench.local`)));
  const endsWithUsage = (r: StreamResult) =>
    r.status === 200 && r.last === '[DONE]' && r.events.at(-2)?.startsWith('{"type":"usage"') === true;
  process.stderr.write(`  ${SECONDS} s through Crux (pid ${server.pid}, ${JSON.stringify(env)})…\n`);
  const cpuBefore = cpuMsOf(server.pid);
  const result = await closedLoop(
    (i) =>
      stream({
        url: `${server.url}/v1/chat`,
        headers: { authorization: `Bearer ${bearer[i % USERS]}` },
        body: JSON.stringify({ message: 'How should I place my feet?' }),
        isToken: () => false,
        keepEvents: true,
      }),
    endsWithUsage,
  );
  const cpuMsPerTurn = (cpuMsOf(server.pid) - cpuBefore) / Math.max(1, result.done + result.failed);
  await server.stop(); // SIGTERM: in-flight settlements finish first
  const stored = await durable(options, server.dataDir, userIds);
  server.remove();
  const cpu = PROFILE ? summarizeCpuProfile(profileDir) : undefined;
  rmSync(profileDir, { recursive: true, force: true });
  return { result, stored, cpu, cpuMsPerTurn };
}

const durableIn = ({ result, stored }: CruxRun) =>
  stored.assistant === result.done &&
  stored.ok >= result.done &&
  stored.pending === 0 &&
  stored.user >= result.done;

const storedText = ({ result, stored }: CruxRun) =>
  `${result.done} turns: ${stored.user} questions, ${stored.assistant} answers, ` +
  `${stored.ok} ledger rows ok, ${stored.pending} pending`;

export async function runP3(options: BenchOptions): Promise<BenchSection> {
  const simulator = await startSimulatorProcess({
    keepAlives: 0,
    generationDelayMs: 0,
    content: 'Quiet feet.',
  });
  process.stderr.write(`  ${SECONDS} s straight to the simulator, ${CONCURRENCY} at a time…\n`);
  const direct = await closedLoop(
    () =>
      stream({
        url: `${simulator.url}/chat/completions`,
        headers: {},
        body: JSON.stringify({
          model: BENCH_MODEL,
          stream: true,
          messages: [{ role: 'user', content: 'Feet?' }],
        }),
        isToken: () => false,
        keepEvents: true,
      }),
    (r) => r.status === 200 && r.last === '[DONE]',
  );
  const plain = await throughCrux(options, simulator.url, {});
  const capped = WITH_GLOBAL
    ? await throughCrux(options, simulator.url, { GLOBAL_DAILY_BUDGET_USD: '100000000' })
    : undefined;
  await simulator.stop();
  const crux = plain.result;
  const cpu = plain.cpu;

  const database = options.databaseUrl ? 'Postgres server' : 'embedded database';
  const figures: BenchFigure[] = [
    {
      label: 'chat turns/s',
      crux: `${crux.perSecond.toFixed(0)}/s`,
      direct: `${direct.perSecond.toFixed(0)}/s`,
      goal: `>= ${GOAL}/s`,
      met: crux.perSecond >= GOAL,
    },
    {
      label: 'ratio to direct',
      crux: `${((100 * crux.perSecond) / direct.perSecond).toFixed(1)} %`,
      goal: 'informational',
    },
    {
      label: 'server CPU per turn',
      crux: `${plain.cpuMsPerTurn.toFixed(2)} ms`,
      goal: 'informational',
    },
    {
      label: 'failed turns',
      crux: `${crux.failed}${crux.sample ? ` (e.g. ${crux.sample.slice(0, 100)})` : ''}`,
      direct: String(direct.failed),
      goal: '0',
      met: crux.failed === 0,
    },
    {
      label: 'durable after the run',
      crux: storedText(plain),
      goal: 'every turn stored and settled',
      met: durableIn(plain),
    },
  ];
  if (capped)
    figures.push(
      {
        label: 'with a global cap: turns/s',
        crux: `${capped.result.perSecond.toFixed(0)}/s (${((100 * capped.result.perSecond) / direct.perSecond).toFixed(1)} % of direct)`,
        direct: `${direct.perSecond.toFixed(0)}/s`,
        goal: 'informational',
      },
      {
        label: 'with a global cap: failed, durable',
        crux: `${capped.result.failed} failed; ${storedText(capped)}`,
        goal: '0, every turn stored and settled',
        met: capped.result.failed === 0 && durableIn(capped),
      },
    );
  figures.push(...cpuFigures(cpu));
  return {
    id: 'P3',
    title: 'throughput, short answers',
    setup:
      `${CONCURRENCY} concurrent callers for ${SECONDS} s each way, ${USERS} users, ${database}, DAILY_BUDGET_USD set` +
      `${WITH_GLOBAL ? ' (then also GLOBAL_DAILY_BUDGET_USD)' : ''}; load generator: the ` +
      `bench process; server: compiled JS in its own process${PROFILE ? ' (--cpu-prof)' : ''}; simulator: its own process`,
    figures,
  };
}
