import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';
import { proxyDatabase, type TcpProxy } from './support/tcp-proxy.ts';

// The statement opening a turn reaches Postgres and commits, but its answer is lost with the
// connection: the request fails, and its pending row (owned by this live instance, without a
// generation id) used to wait for the 15-minute orphan rule. Found by npm run chaos:cluster.
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('a turn opened while the connection is lost', () => {
  let h: Harness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    h = await startHarness({
      rewriteDatabaseUrl: async (url) => {
        const proxied = await proxyDatabase(url);
        proxy = proxied.proxy;
        return proxied.url;
      },
      server: { sweepIntervalMs: 300 },
    });
  });
  afterAll(async () => {
    proxy.restore();
    await h.close();
    await proxy.stop();
  });

  it('is closed by its own instance at the next sweep once the database is back, its question given back', async () => {
    const { token, userId } = await h.signup();
    expect((await h.chat(token, 'warm the caches')).text).toContain('warm the caches');
    await h.settled();

    proxy.mute(); // the open statement is sent and commits; its answer never arrives
    const failing = h.request('/v1/chat', { method: 'POST', token, json: { message: 'lost answer' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    proxy.cut();
    expect((await failing).status).toBe(503);
    proxy.restore();

    const pending = async () =>
      (
        await h.server.db.query<{ n: number }>(
          `select count(*)::int as n from api_usage where user_id = $1 and status = 'pending'`,
          [userId],
        )
      )[0]!.n;
    const deadline = Date.now() + 10_000;
    while ((await pending()) > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await pending()).toBe(0);
    const rows = await h.server.db.query<{
      status: string;
      error_code: string | null;
      cost_usd: string | null;
    }>(
      `select status, error_code, cost_usd::text as cost_usd from api_usage where user_id = $1 order by created_at`,
      [userId],
    );
    expect(rows).toEqual([
      { status: 'ok', error_code: null, cost_usd: expect.any(String) },
      { status: 'error', error_code: 'database_unavailable', cost_usd: null },
    ]);
    // Its question, written by the same statement, is kept out of the next prompt and its unit is back.
    const questions = await h.server.db.query<{ content: string; status: string }>(
      `select content, status from chat_messages where user_id = $1 and role = 'user' order by created_at`,
      [userId],
    );
    expect(questions).toEqual([
      { content: 'warm the caches', status: 'sent' },
      { content: 'lost answer', status: 'failed' },
    ]);
    const limits = await h.request('/v1/usage/limits', { token });
    expect(((await limits.json()) as { chat: { used: number } }).chat.used).toBe(1);
  });
});
