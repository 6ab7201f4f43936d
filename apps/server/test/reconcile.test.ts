import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../src/ledger/ledger.ts';
import { FileSpool } from '../src/ledger/spool.ts';
import { OpenRouterClient } from '../src/llm/openrouter-client.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { unreachableForUpdates } from './support/unreachable-db.ts';

describe('reconciling pending rows and the durable spool', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('settles a pending row left by a crash from /generation', async () => {
    const { token, userId } = await h.signup();
    // A call that reached the upstream, then the process died before settling.
    const client = new OpenRouterClient({ baseUrl: h.simulator.baseUrl, apiKey: undefined });
    h.simulator.enqueue({ cost: '0.0000987654321', generationDelayMs: 0 });
    const completion = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const rowId = randomUUID();
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, created_at)
       values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', $4, now() - interval '1 hour')`,
      [rowId, randomUUID(), userId, completion.generationId],
    );

    const report = await h.server.reconciler.run(60_000);
    expect(report.settled).toBe(1);
    const [record] = await h.records(token);
    expect(record).toMatchObject({
      id: rowId,
      status: 'ok',
      cost_source: 'generation',
      cost_usd: '0.0000987654321',
    });
    expect(record!.generation_id).toBe(completion.generationId);
  });

  it('leaves a row whose generation is not reported yet for the next sweep', async () => {
    const { userId } = await h.signup();
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, created_at)
       values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', 'gen-unknown', now() - interval '1 hour')`,
      [randomUUID(), randomUUID(), userId],
    );
    const report = await h.server.reconciler.run(60_000);
    expect(report.waiting).toBeGreaterThanOrEqual(1);
  });

  it('spools a settlement the database refuses and applies it once the database is back', async () => {
    const { token, userId } = await h.signup();
    const spool = new FileSpool(h.dataDir);
    const flaky = new Ledger(unreachableForUpdates(h.server.db), spool);
    const attempt = await flaky.open({
      requestId: randomUUID(),
      userId,
      endpoint: 'chat',
      model: 'google/gemini-2.5-pro',
    });

    const result = await flaky.settle(attempt, {
      status: 'ok',
      costSource: 'usage',
      costUsd: '0.0000004',
      totalTokens: 12,
    });
    expect(result.committed).toBe(false);
    expect(await spool.size()).toBe(1);
    expect((await h.records(token))[0]).toMatchObject({ status: 'pending', cost_usd: null });

    // The database is back: the server's sweep drains the spool.
    const report = await h.server.reconciler.run(60_000);
    expect(report.replayedFromSpool).toBe(1);
    expect(await spool.size()).toBe(0);
    expect((await h.records(token))[0]).toMatchObject({
      status: 'ok',
      cost_usd: '0.0000004',
      total_tokens: 12,
    });
  });
});

describe('restarts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('settles a crash-left pending row at the next start', async () => {
    const { token, userId } = await h.signup();
    const client = new OpenRouterClient({ baseUrl: h.simulator.baseUrl, apiKey: undefined });
    h.simulator.enqueue({ cost: '0.000000000000000001', generationDelayMs: 0 });
    const completion = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await h.server.db.query(
      `insert into api_usage (id, request_id, user_id, endpoint, model, status, generation_id, error_code)
       values ($1, $2, $3, 'chat', 'google/gemini-2.5-pro', 'pending', $4, 'client_disconnected')`,
      [randomUUID(), randomUUID(), userId, completion.generationId],
    );

    await h.restart({ reconcileAfterMs: 0 });
    const [record] = await h.records(token);
    expect(record).toMatchObject({
      status: 'aborted',
      cost_source: 'generation',
      cost_usd: '0.000000000000000001',
    });
  });

  it('finishes an in-flight settlement before it stops', async () => {
    const { token } = await h.signup();
    // The stream has no usage chunk and /generation answers late: settling takes a while.
    h.simulator.enqueue({ omitUsage: true, generationDelayMs: 600, cost: '0.5' });
    const controller = new AbortController();
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'hi' },
      signal: controller.signal,
    });
    await response.body!.getReader().read();
    controller.abort();

    await h.restart(); // close() waits for the background settlement
    const [record] = await h.records(token);
    expect(record).toMatchObject({ cost_usd: '0.5', cost_source: 'generation' });
    expect(record!.status).not.toBe('pending');
  });
});
