import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSpool } from '../src/ledger/database-spool.ts';
import { FileSpool } from '../src/ledger/spool.ts';
import { OpenRouterClient } from '../src/llm/openrouter-client.ts';
import { cruxFor, runCrux } from './support/cli.ts';
import { type Harness, startHarness } from './support/harness.ts';

/** An upstream that accepts connections and never answers. */
async function silentUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('crux reconcile explains itself', { timeout: 120_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function pendingRow(userId: string, generationId: string | null): Promise<string> {
    const id = randomUUID();
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, created_at)
       values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', $4, now() - interval '1 hour')`,
      [id, randomUUID(), userId, generationId],
    );
    return id;
  }

  it('prints progress, retries with backoff until the deadline, sums up, and exits 1 while rows wait', async () => {
    const { userId } = await h.signup();
    const client = new OpenRouterClient({ baseUrl: h.simulator.baseUrl, apiKey: undefined });
    h.simulator.enqueue({ cost: '0.0042', generationDelayMs: 0 });
    const { generationId } = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const billed = await pendingRow(userId, generationId!);
    const unknown = await pendingRow(userId, 'gen-never-reported');
    await h.stopServer(); // the embedded database belongs to one process

    const result = await cruxFor(h, ['reconcile', '--older-than', '60', '--deadline', '3', '--timeout', '2']);
    expect(result.code, result.stderr).toBe(1);
    const out = result.stdout;
    expect(out).toMatch(
      /^2 pending row\(s\) at least 60 s old; each lookup bounded by 2 s, retries until 3 s/m,
    );
    expect(out).toContain(`[1/2] ${billed} ${generationId}: settled, 0.0042 USD`);
    expect(out).toContain(
      `[2/2] ${unknown} gen-never-reported: waiting: the upstream does not report the generation yet (404)`,
    );
    expect(out).toMatch(/^1 row\(s\) still waiting: pass 2 in 1 s/m);
    expect(out).toContain(`[1/1] ${unknown} gen-never-reported: waiting`);
    expect(out).toMatch(
      /^Summary: settled 1 pending row\(s\) from generation stats; 0 closed without a generation; 0 applied from the spool; 1 still pending: 1 the upstream does not report the generation yet \(404\)\.$/m,
    );
    await h.restart({ sweepIntervalMs: 3_600_000 });
  });

  it('bounds every lookup by --timeout when the upstream does not answer', async () => {
    const { userId } = await h.signup();
    const row = await pendingRow(userId, 'gen-upstream-silent');
    await h.stopServer();
    const upstream = await silentUpstream();
    try {
      const started = Date.now();
      const result = await runCrux(
        ['reconcile', '--deadline', '0', '--timeout', '1'],
        {
          OPENROUTER_BASE_URL: upstream.url,
          OPENROUTER_API_KEY: 'sk-or-v1-test',
          CRUX_DATA_DIR: h.dataDir,
          ...(h.databaseUrl ? { DATABASE_URL: h.databaseUrl } : {}),
        },
        h.dataDir,
      );
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain(`${row} gen-upstream-silent: waiting: the generation lookup timed out`);
      expect(result.stdout).toMatch(/still pending: .*the generation lookup timed out/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await upstream.close();
      await h.restart();
    }
  });

  it('writes both spools and lists the entries they moved aside', async () => {
    const { userId } = await h.signup();
    const row = await pendingRow(userId, null);
    const settlement = { status: 'ok', costSource: 'usage', costUsd: '0.000003' } as const;
    // One good turn and one the database refuses, in each spool.
    await new FileSpool(h.dataDir).append({ rowId: 'file-bad-row', settlement });
    await new DatabaseSpool(h.server.db).append({ rowId: row, settlement });
    await new DatabaseSpool(h.server.db).append({ rowId: 'table-bad-row', settlement });
    await h.stopServer();
    try {
      const result = await cruxFor(h, ['reconcile', '--older-than', '7200', '--deadline', '0']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Applied 1 turn(s) from the spool (the turn_spool table).');
      expect(result.stdout).toMatch(
        /^Quarantined in .*settlements\.jsonl: ledger row file-bad-row, spooled .*, 1 failed attempt\(s\): .*uuid/m,
      );
      expect(result.stdout).toMatch(
        /^Quarantined in the turn_spool table: ledger row table-bad-row, spooled .*, 1 failed attempt\(s\): .*uuid/m,
      );
      expect(result.stdout).toMatch(/^2 spooled turn\(s\) are quarantined: kept, not written/m);
      expect(result.stdout).toContain('queue them again: crux reconcile --requeue');

      // Queued again: tried once more (still refused here), moved aside again, never doubled.
      const again = await cruxFor(h, ['reconcile', '--requeue', '--older-than', '7200', '--deadline', '0']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^Queued 1 quarantined turn\(s\) again \(.*settlements\.jsonl\)\.$/m);
      expect(again.stdout).toContain('Queued 1 quarantined turn(s) again (the turn_spool table).');
      expect(again.stdout).toMatch(
        /^Quarantined in .*settlements\.jsonl: ledger row file-bad-row, spooled .*, 1 failed attempt\(s\)/m,
      );
      expect(again.stdout).toMatch(/^2 spooled turn\(s\) are quarantined/m);
      expect(await new FileSpool(h.dataDir).quarantined()).toHaveLength(1);
    } finally {
      await h.restart();
    }
    const [settled] = await h.server.db.query<{ status: string }>(
      'select status from api_usage where id = $1',
      [row],
    );
    expect(settled).toEqual({ status: 'ok' });
  });
});
