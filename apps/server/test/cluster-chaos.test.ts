import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { runClusterChaos } from '../../../bench/support/cluster-chaos.ts';

// The combined fault run of `npm run chaos:cluster`, CI-sized: two compiled instances on one real
// Postgres (its own database here), a database outage, an instance SIGKILLed and restarted, the
// chaos mix of the simulator. Postgres only: one process owns an embedded database.
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('two instances through every fault at once', () => {
  it('end with the ledger equal to the bill, nothing pending, every answered chat stored', {
    timeout: 300_000,
  }, async () => {
    const adminUrl = inject('postgresAdminUrl');
    const name = `crux_cluster_chaos_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;

    const lines: string[] = [];
    const result = await runClusterChaos({
      requests: 300,
      concurrency: 16,
      databaseUrl: url.toString(),
      log: (line) => lines.push(line),
    });
    console.log(`[cluster-chaos]\n${lines.filter((l) => !l.startsWith('instance log')).join('\n')}`);
    expect(result.problems).toEqual([]);
    expect(result.answeredChats).toBeGreaterThan(50);
    expect(result.settledAfterRestartS).toBeLessThan(60);
  });
});
