/**
 * npm run chaos:cluster: the combined fault run of issue 9 on real Postgres with two compiled
 * instances (see support/cluster-chaos.ts): thousands of chats and recommendations with client
 * aborts, mid-stream errors, 429/503, cut streams, a database outage and an instance killed with
 * SIGKILL and restarted. Prints progress and a verdict; exits 1 on any breach.
 *
 * CHAOS_REQUESTS (default 2000), CHAOS_CONCURRENCY (default 32), CHAOS_OUTAGE_MS (default 5000),
 * CHAOS_DATABASE_URL (a Postgres server; default: a throwaway cluster of Debian's postgresql).
 */
import { ensureServerBuild } from '../apps/server/scripts/build.ts';
import { runClusterChaos } from './support/cluster-chaos.ts';

const requests = Number(process.env.CHAOS_REQUESTS ?? 2000);
const concurrency = Number(process.env.CHAOS_CONCURRENCY ?? 32);
const stamp = () => new Date().toISOString().slice(11, 19);

await ensureServerBuild((line) => console.log(line), false);
const started = performance.now();
console.log(`[${stamp()}] Crux cluster chaos: ${requests} requests, ${concurrency} at a time`);
const result = await runClusterChaos({
  requests,
  concurrency,
  databaseUrl: process.env.CHAOS_DATABASE_URL,
  outageMs: Number(process.env.CHAOS_OUTAGE_MS ?? 5_000),
  log: (line) => console.log(line.startsWith('\n') || line.startsWith(' ') ? line : `[${stamp()}] ${line}`),
});
console.log(`\nRun took ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (result.problems.length) {
  console.log(`FAILED (${result.problems.length} breaches):\n  ${result.problems.slice(0, 30).join('\n  ')}`);
  process.exit(1);
}
console.log('OK: ledger = bill, nothing pending, every answered chat stored');
process.exit(0);
