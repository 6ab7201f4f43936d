import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSpool } from '../src/ledger/spool.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { readSse } from './support/sse.ts';
import { proxyDatabase, type TcpProxy } from './support/tcp-proxy.ts';

// A real network fault between Crux and a Postgres server (the embedded database has no network:
// its spool path is covered in reconcile.test.ts).
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('the database goes away mid-chat', () => {
  let h: Harness;
  let proxy: TcpProxy;
  beforeAll(async () => {
    h = await startHarness({
      rewriteDatabaseUrl: async (url) => {
        const proxied = await proxyDatabase(url);
        proxy = proxied.proxy;
        return proxied.url;
      },
      server: { spoolRetryMs: 0 }, // only the reconciler below drains the spool
    });
  });
  afterAll(async () => {
    proxy.restore();
    await h.close();
    await proxy.stop();
  });

  it('spools the settlement, still answers, and lands the exact cost once the database is back', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ chunkDelayMs: 50, cost: '0.0009876543' });
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'long answer please' },
    });
    const [first, rest] = response.body!.tee();
    await first.getReader().read(); // the turn is streaming
    proxy.cut();

    const events = await readSse(new Response(rest));
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events.at(-2)!)).toMatchObject({ type: 'usage', cost_usd: '0.0009876543' });
    await h.settled();
    expect(await new FileSpool(h.dataDir).size()).toBe(1);

    const down = await h.request('/v1/usage/records', { token });
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { code: 'service_unavailable' } });

    proxy.restore();
    const report = await h.server.reconciler.run(60_000);
    expect(report.replayedFromSpool).toBe(1);
    const [record] = await h.records(token);
    expect(record).toMatchObject({ status: 'ok', cost_source: 'usage', cost_usd: '0.0009876543' });
    expect(record!.cost_usd).toBe(h.simulator.billing.get(record!.generation_id!)!.totalCost);
  });
});
