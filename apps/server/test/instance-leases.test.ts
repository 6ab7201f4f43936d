import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterClient } from '../src/llm/openrouter-client.ts';
import { type Harness, startHarness } from './support/harness.ts';

/** Polls `check` until it returns true or `ms` pass; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

describe('instance leases and the settlement sweep', () => {
  let h: Harness;
  let client: OpenRouterClient;
  beforeAll(async () => {
    h = await startHarness({
      server: { sweepIntervalMs: 200, lease: { heartbeatMs: 200, ttlMs: 1_000 }, reconcileAfterMs: 60_000 },
    });
    client = new OpenRouterClient({ baseUrl: h.simulator.baseUrl, apiKey: undefined });
  });
  afterAll(() => h.close());

  /** A generation the upstream billed, as a crashed instance would have left it. */
  async function billedGeneration(cost: string): Promise<string> {
    h.simulator.enqueue({ cost, generationDelayMs: 0 });
    const completion = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
    });
    return completion.generationId!;
  }

  async function pendingRow(
    userId: string,
    owner: string | null,
    generationId: string | null,
    ageSeconds = 0,
  ): Promise<string> {
    const id = randomUUID();
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, instance_id, created_at)
       values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', $4, $5,
               now() - make_interval(secs => $6))`,
      [id, randomUUID(), userId, generationId, owner, ageSeconds],
    );
    return id;
  }

  async function lease(instanceId: string, expiresInSeconds: number): Promise<void> {
    await h.server.db.query(
      `insert into instance_leases (instance_id, host, pid, expires_at)
       values ($1, 'elsewhere', 1, now() + make_interval(secs => $2))`,
      [instanceId, expiresInSeconds],
    );
  }

  const statusOf = async (id: string) =>
    (
      await h.server.db.query<{ status: string; cost_usd: string | null; error_code: string | null }>(
        'select status, cost_usd::text as cost_usd, error_code from api_usage where id = $1',
        [id],
      )
    )[0]!;

  it('holds a lease and marks the rows it opens as its own', async () => {
    const [own] = await h.server.db.query<{ live: boolean }>(
      'select expires_at > now() as live from instance_leases where instance_id = $1',
      [h.server.instanceId],
    );
    expect(own).toEqual({ live: true });
    const { token } = await h.signup();
    h.simulator.enqueue({ cost: '0.001' });
    await h.chat(token, 'hello');
    await h.settled();
    const [row] = await h.server.db.query<{ instance_id: string }>(
      'select instance_id from api_usage order by created_at desc limit 1',
    );
    expect(row!.instance_id).toBe(h.server.instanceId);
  });

  it("settles a dead instance's rows within seconds and leaves a live instance's rows to it", async () => {
    const { userId } = await h.signup();
    await lease('crux-dead', -1);
    await lease('crux-alive', 3_600);
    const dead = await pendingRow(userId, 'crux-dead', await billedGeneration('0.0000123'));
    const deadWithoutGeneration = await pendingRow(userId, 'crux-dead', null);
    const alive = await pendingRow(userId, 'crux-alive', await billedGeneration('0.5'), 3_600);
    const young = await pendingRow(userId, null, await billedGeneration('0.25'));

    const took = await within(10_000, async () => (await statusOf(dead)).status !== 'pending');
    expect(took).toBeLessThan(10_000);
    expect(await statusOf(dead)).toEqual({ status: 'ok', cost_usd: '0.0000123', error_code: null });
    await within(5_000, async () => (await statusOf(deadWithoutGeneration)).status !== 'pending');
    expect(await statusOf(deadWithoutGeneration)).toEqual({
      status: 'error',
      cost_usd: null,
      error_code: 'instance_lost',
    });
    await h.server.sweeper.sweep();
    expect((await statusOf(alive)).status).toBe('pending'); // an hour old, but its instance lives
    expect((await statusOf(young)).status).toBe('pending'); // no owner, but younger than the grace

    // The live instance's lease lapses (it died): its row is settled now.
    await h.server.db.query(`update instance_leases set expires_at = now() where instance_id = 'crux-alive'`);
    await within(10_000, async () => (await statusOf(alive)).status !== 'pending');
    expect(await statusOf(alive)).toMatchObject({ status: 'ok', cost_usd: '0.5' });
  });

  it('settles rows with no known owner once older than the grace', async () => {
    const { userId } = await h.signup();
    const unowned = await pendingRow(userId, null, await billedGeneration('0.75'), 120);
    const stranger = await pendingRow(userId, 'psql', await billedGeneration('0.125'), 120);
    await within(10_000, async () => (await statusOf(stranger)).status !== 'pending');
    expect(await statusOf(unowned)).toMatchObject({ status: 'ok', cost_usd: '0.75' });
    expect(await statusOf(stranger)).toMatchObject({ status: 'ok', cost_usd: '0.125' });
  });

  it('hands its own leftovers over when it stops, and a restart settles them at once', async () => {
    const { userId } = await h.signup();
    const leftover = await pendingRow(userId, h.server.instanceId, await billedGeneration('0.0625'));
    const before = h.server.instanceId;
    await h.restart({ sweepIntervalMs: 3_600_000 }); // only the start's sweep
    expect(h.server.instanceId).not.toBe(before);
    expect(await statusOf(leftover)).toMatchObject({ status: 'ok', cost_usd: '0.0625' });
  });
});
