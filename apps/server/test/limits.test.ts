import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CruxServer, startServer } from '../src/server.ts';
import { type Harness, startHarness } from './support/harness.ts';

describe('daily limits under concurrency', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_CHAT_LIMIT: '10' } });
  });
  afterAll(() => h.close());

  it('lets exactly 10 of 30 concurrent chats through at limit 10', async () => {
    const { token } = await h.signup();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => h.chat(token, `concurrent ${i}`)));

    const passed = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(passed).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const r of refused) expect(r.body).toMatchObject({ error: { code: 'daily_limit_reached' } });
    for (const r of passed) expect(r.events.at(-1)?.type).toBe('usage');

    const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
      chat: { used: number; limit: number; resets_at: string };
    };
    expect(limits.chat).toMatchObject({ used: 10, limit: 10 });
    expect(new Date(limits.chat.resets_at).getUTCHours()).toBe(0);
    expect(await h.records(token)).toHaveLength(10);
  }, 60_000);

  it('keeps each user to their own counters and records', async () => {
    const a = await h.signup();
    const b = await h.signup();
    await h.chat(a.token, 'mine');
    expect(await h.records(b.token)).toHaveLength(0);
    const limits = (await (await h.request('/v1/usage/limits', { token: b.token })).json()) as {
      chat: { used: number };
    };
    expect(limits.chat.used).toBe(0);
  });
});

describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('scale-out: two instances on one Postgres', () => {
  let h: Harness;
  let second: CruxServer;
  beforeAll(async () => {
    h = await startHarness({ env: { DAILY_CHAT_LIMIT: '10' } });
    second = await startServer({ ...h.config, port: 0 }, { log: () => {} });
  });
  afterAll(async () => {
    await second.close();
    await h.close();
  });

  it('lets exactly 10 of 30 concurrent chats through across both instances', async () => {
    const { token } = await h.signup();
    const chatOn = (base: string, i: number) =>
      fetch(`${base}/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: `instance chat ${i}` }),
      }).then(async (response) => {
        await response.text();
        return response.status;
      });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => chatOn(i % 2 ? second.url : h.url, i)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    await second.background.idle();
    await h.settled();
    const records = await h.records(token);
    expect(records).toHaveLength(10);
    expect(
      records.every(
        (r) => r.status === 'ok' && r.cost_usd === h.simulator.billing.get(r.generation_id!)?.totalCost,
      ),
    ).toBe(true);
  }, 60_000);
});
