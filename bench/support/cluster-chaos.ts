/**
 * The combined fault run (issue 9, "Done when"): two compiled Crux servers on one real Postgres,
 * each its own data directory, behind a TCP proxy that is cut for a while (a database outage),
 * the simulator in its own process answering the chaos mix (aborts, mid-stream errors, 429/503,
 * cut streams), and one instance killed with SIGKILL mid-run and restarted. Used by
 * `npm run chaos:cluster` and the postgres test project's cluster-chaos.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Big from 'big.js';
import pg from 'pg';
import { FileSpool } from '../../apps/server/src/ledger/spool.ts';
import {
  type PostgresCluster,
  startPostgresCluster,
} from '../../apps/server/test/support/postgres-cluster.ts';
import { proxyDatabase } from '../../apps/server/test/support/tcp-proxy.ts';
import {
  type BilledGeneration,
  checkHistory,
  checkLedger,
  LEDGER_ROWS_SQL,
  type LedgerRow,
} from './chaos-checks.ts';
import { chat, countTable, drawScenario, type Outcome, recommend, signup } from './chaos-mix.ts';
import { type Child, startServerProcess, startSimulatorProcess } from './processes.ts';

export interface ClusterChaosOptions {
  requests: number;
  concurrency: number;
  /** A Postgres server to use; default: a throwaway cluster. */
  databaseUrl?: string | undefined;
  /** How long the database stays cut off (default 5 s). */
  outageMs?: number;
  log: (line: string) => void;
}

export interface ClusterChaosResult {
  problems: string[];
  /** Seconds from the killed instance's restart until no row of this run was pending. */
  settledAfterRestartS: number;
  answeredChats: number;
  ledgerTotal: string;
  billedTotal: string;
}

/** The output's end of every instance that is no longer running. */
function exitedBefore(instances: Instance[]): string[] {
  return instances.flatMap((instance) => {
    try {
      process.kill(instance.pid, 0);
      return [];
    } catch {
      return [`pid ${instance.pid}:\n${instance.output().slice(-4_000)}`];
    }
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SETTLE_LIMIT_MS = 60_000;
/** A generation started this long before the SIGKILL may have died with its id unwritten. */
const KILL_WINDOW_MS = 500;

type Instance = Child & { dataDir: string; remove(): void };

/** Runs the combined fault run; resolves with the breaches found (none: it held). */
export async function runClusterChaos(options: ClusterChaosOptions): Promise<ClusterChaosResult> {
  const { requests, concurrency, log } = options;
  const users = Math.max(8, Math.ceil(requests / 50));
  const budgets = { user: '0.1', global: (requests * 0.0013).toFixed(4) };
  let cluster: PostgresCluster | undefined;
  if (!options.databaseUrl) {
    cluster = await startPostgresCluster({
      directoryPrefix: 'crux-chaos-pg-',
      settings: '-c max_connections=200 -c fsync=off',
      missing: "no Postgres found: install Debian's postgresql package or set CHAOS_DATABASE_URL",
    });
  }
  const databaseUrl = options.databaseUrl ?? cluster!.url;
  const direct = new pg.Client({ connectionString: databaseUrl });
  await direct.connect();
  const { proxy, url: proxiedUrl } = await proxyDatabase(databaseUrl);
  const simulator = await startSimulatorProcess({ generationDelayMs: 30 });
  const env = {
    DAILY_CHAT_LIMIT: String(requests),
    DAILY_REC_LIMIT: String(requests),
    DAILY_BUDGET_USD: budgets.user,
    GLOBAL_DAILY_BUDGET_USD: budgets.global,
    OPENROUTER_MAX_TOKENS: '600',
    // Every account of the run signs up from this one address.
    SIGNUPS_PER_ADDRESS_PER_HOUR: '100000',
    SIGNUPS_PER_HOUR: '100000',
  };
  const start = async (dataDir?: string) => {
    const instance = await startServerProcess({
      upstreamUrl: simulator.url,
      databaseUrl: proxiedUrl,
      env,
      dataDir,
    });
    started.push(instance);
    return instance;
  };
  const instances: Instance[] = [];
  const started: Instance[] = [];
  const up = [true, true];
  try {
    // One after the other: the first one migrates a fresh database.
    instances.push(await start());
    instances.push(await start());
    log(`two instances: ${instances.map((i) => `${i.url} (pid ${i.pid})`).join(', ')}`);
    const [{ since } = { since: '' }] = (await direct.query<{ since: string }>('select now()::text as since'))
      .rows;
    const accounts = await Promise.all(
      Array.from({ length: users }, () => signup(instances[0]!.url, 'cluster')),
    );
    const queued = await fetch(`${simulator.url}/__scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenarios: Array.from({ length: requests * 3 }, drawScenario) }),
    });
    if (!queued.ok) throw new Error(`the simulator refused the scenarios: ${await queued.text()}`);

    // The faults, each once, at a point of the run: the outage, then (once it is over) the kill.
    const outageAt = Math.floor(requests * 0.25);
    const killAt = Math.floor(requests * 0.55);
    let restartedAt = Number.NaN;
    const moments: Record<string, number> = {};
    let killedPending = 0;
    const faults: Promise<void>[] = [];
    const killAndRestart = async () => {
      const victim = instances[1]!;
      up[1] = false;
      const exited = exitedBefore(instances);
      if (exited.length) throw new Error(`an instance exited by itself:\n${exited.join('\n')}`);
      process.kill(victim.pid, 'SIGKILL');
      moments.kill = Date.now();
      log(`killed instance 2 (pid ${victim.pid}) with SIGKILL after ${killAt} requests`);
      await sleep(2_000);
      const { rows } = await direct.query<{ n: number }>(
        `select count(*)::int as n from api_usage where status = 'pending' and created_at >= $1::timestamptz
           and instance_id in (select instance_id from instance_leases where pid = $2)`,
        [since, victim.pid],
      );
      killedPending = rows[0]?.n ?? 0;
      instances[1] = await start(victim.dataDir);
      restartedAt = Date.now();
      up[1] = true;
      log(
        `restarted instance 2 on its data directory (pid ${instances[1].pid}); ${killedPending} row(s) left pending by the kill`,
      );
    };
    const outage = async () => {
      proxy.cut();
      moments.outage = Date.now();
      log(`database cut off after ${outageAt} requests`);
      await sleep(options.outageMs ?? 5_000);
      proxy.restore();
      log('database back');
    };

    const started = performance.now();
    const outcomes: Outcome[] = [];
    let next = 0;
    const progressEvery = Math.max(100, Math.floor(requests / 10));
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const i = next++;
          if (i === outageAt) faults.push(outage());
          if (i === killAt) faults.push(Promise.all(faults).then(killAndRestart));
          const account = accounts[i % users]!;
          const base = instances[up[i % 2] ? i % 2 : 1 - (i % 2)]!.url;
          const outcome =
            i % 5 === 4
              ? await recommend(base, account.token, account.id)
              : await chat(base, account.token, account.id, Math.random() < 0.1);
          outcomes.push(outcome);
          if (outcomes.length % progressEvery === 0)
            log(
              `${outcomes.length}/${requests} requests, ${((performance.now() - started) / 1000).toFixed(0)} s`,
            );
          // As a real client would: wait a second before the next try while the service is away.
          if (/ 503 (?!upstream)|not sent|cut:/.test(outcome.kind)) await sleep(1_000);
        }
      }),
    );
    await Promise.all(faults);
    log(
      `load done in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting for the ledger to settle`,
    );

    // No manual reconcile: the instances' own sweeps and spool retries must settle everything.
    const spools = () => instances.map((i) => new FileSpool(i.dataDir).size());
    let waiting = Number.POSITIVE_INFINITY;
    while (Date.now() - restartedAt < SETTLE_LIMIT_MS) {
      const { rows } = await direct.query<{ n: number }>(
        `select count(*)::int as n from api_usage where status = 'pending' and created_at >= $1::timestamptz`,
        [since],
      );
      waiting = (rows[0]?.n ?? 0) + (await Promise.all(spools())).reduce((a, b) => a + b, 0);
      if (waiting === 0) break;
      await sleep(500);
    }
    const settledAfterRestartS = (Date.now() - restartedAt) / 1000;
    const problems: string[] = [];
    if (Number.isNaN(restartedAt)) problems.push('the run ended before the kill (more requests needed)');
    else if (waiting > 0) {
      problems.push(`${waiting} row(s) pending or spooled 60 s after the restart`);
      const { rows: left } = await direct.query(
        `select u.id, u.endpoint, u.instance_id, u.generation_id, u.created_at::text, l.expires_at::text as lease_expires
           from api_usage u left join instance_leases l using (instance_id)
          where u.status = 'pending' and u.created_at >= $1::timestamptz`,
        [since],
      );
      for (const row of left) problems.push(`pending: ${JSON.stringify(row)}`);
    }

    const rows = (await direct.query<LedgerRow>(LEDGER_ROWS_SQL, [since])).rows;
    const bill = (await (await fetch(`${simulator.url}/__billing`)).json()) as {
      generations: BilledGeneration[];
    };
    // A generation the upstream started in the killed instance's last moments, whose id (it comes
    // only in the stream) the instance died before writing: no row can name it, so it is counted
    // apart, and each needs a row of the killed instance closed as instance_lost.
    const known = new Set(rows.map((r) => r.generation_id));
    const kill = moments.kill ?? Number.NaN;
    const lostToKill = bill.generations.filter(
      (g) => !known.has(g.id) && g.createdAt >= kill - KILL_WINDOW_MS && g.createdAt <= kill + 100,
    );
    const closedLost = rows.filter((r) => r.error_code === 'instance_lost').length;
    if (lostToKill.length > closedLost)
      problems.push(
        `${lostToKill.length} generations lost to the kill, ${closedLost} rows closed instance_lost`,
      );
    const verdict = checkLedger(
      rows,
      bill.generations.filter((g) => !lostToKill.includes(g)),
      budgets,
    );
    for (const generation of bill.generations.filter((g) => !known.has(g.id) && !lostToKill.includes(g)))
      verdict.problems.push(
        `${generation.id} billed ${Object.entries(moments)
          .map(([what, at]) => `${((generation.createdAt - at) / 1000).toFixed(2)} s after the ${what}`)
          .join(', ')}`,
      );
    problems.push(...verdict.problems);
    for (const [n, account] of accounts.entries()) {
      const response = await fetch(`${instances[n % 2]!.url}/v1/chat/messages?limit=200`, {
        headers: { authorization: `Bearer ${account.token}` },
      });
      const { messages } = (await response.json()) as { messages: Array<{ content: string }> };
      if (messages.length === 200) problems.push(`user ${account.id}: too many messages to check`);
      const mine = outcomes.filter((o) => o.userId === account.id);
      problems.push(
        ...checkHistory(
          mine,
          messages.map((m) => m.content),
        ),
      );
    }

    const answeredChats = outcomes.filter((o) => o.answered !== undefined).length;
    log(
      `\n${countTable(
        'Outcomes seen by the clients:',
        outcomes.map((o) => o.kind),
      )}`,
    );
    log(
      `\n${countTable(
        'Ledger rows by status:',
        rows.map((r) => r.status),
      )}`,
    );
    const verdictRow = (what: string, ok: boolean, detail: string) =>
      log(`  ${ok ? 'OK  ' : 'FAIL'}  ${what.padEnd(44)} ${detail}`);
    log('\nVerdict:');
    verdictRow(
      'ledger = simulator bill (to the last digit)',
      verdict.ledgerTotal === verdict.billedTotal,
      `${verdict.ledgerTotal} vs ${verdict.billedTotal} USD, ${bill.generations.length} generations`,
    );
    const lostUsd = lostToKill.reduce((sum, g) => sum.plus(g.totalCost), new Big(0)).toFixed();
    verdictRow(
      `ids lost to the kill (its last ${KILL_WINDOW_MS / 1000} s), not in the above`,
      lostToKill.length <= closedLost,
      `${lostToKill.length} generations (${lostUsd} USD); ${closedLost} rows closed instance_lost`,
    );
    verdictRow(
      '0 pending within 60 s of the restart',
      waiting === 0,
      `${settledAfterRestartS.toFixed(1)} s (${killedPending} left by the kill)`,
    );
    verdictRow(
      'every answered chat in its history',
      !problems.some((p) => /histor|stored|incomplete/.test(p)),
      `${answeredChats} answered chats, ${users} users`,
    );
    verdictRow(
      'budgets held',
      !problems.some((p) => p.includes('spent')),
      `${budgets.user} per user, ${budgets.global} for all (spent ${verdict.ledgerTotal})`,
    );
    return { ...verdict, problems, settledAfterRestartS, answeredChats };
  } finally {
    for (const [n, instance] of started.entries()) {
      const file = join(tmpdir(), `crux-cluster-chaos-instance-${n + 1}.log`);
      writeFileSync(file, instance.output());
      log(`instance log: ${file} (pid ${instance.pid})`);
    }
    proxy.restore();
    await Promise.all(instances.map((i) => i.stop()));
    for (const instance of instances) instance.remove();
    await simulator.stop();
    await direct.end();
    await proxy.stop();
    cluster?.stop();
  }
}
