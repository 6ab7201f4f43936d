import { describe, expect, it } from 'vitest';
import { runClusterChaos } from '../../../bench/support/cluster-chaos.ts';
import { createTestDatabase } from './support/harness.ts';

// The combined fault run of `npm run chaos:cluster`, CI-sized: two compiled instances on one real
// Postgres (its own database here), a database outage, an instance SIGKILLed and restarted, the
// chaos mix of the simulator. Postgres only: one process owns an embedded database.
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('two instances through every fault at once', () => {
  it('end with the ledger equal to the bill, nothing pending, every answered chat stored', {
    timeout: 300_000,
  }, async () => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    const result = await runClusterChaos({
      requests: 300,
      concurrency: 16,
      databaseUrl: database.url,
      log: (line) => lines.push(line),
    });
    console.log(`[cluster-chaos]\n${lines.filter((l) => !l.startsWith('instance log')).join('\n')}`);
    await database.drop();
    expect(result.problems).toEqual([]);
    expect(result.answeredChats).toBeGreaterThan(50);
    expect(result.settledAfterRestartS).toBeLessThan(60);
  });
});
