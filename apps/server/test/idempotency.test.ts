import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

describe('Idempotency-Key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('replays a chat as a stream without calling the LLM or billing again', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ cost: '0.0000321' });
    const first = await h.chat(token, 'How do I flag?', { 'idempotency-key': 'chat-1' });
    const calls = h.simulator.received.length;
    const again = await h.chat(token, 'How do I flag?', { 'idempotency-key': 'chat-1' });

    expect(again.status).toBe(200);
    expect(again.done).toBe(true);
    expect(again.text).toBe(first.text);
    expect(again.events.at(-1)).toEqual(first.events.at(-1));
    expect(h.simulator.received.length).toBe(calls);
    expect(await h.records(token)).toHaveLength(1);
    const limits = (await (await h.request('/v1/usage/limits', { token })).json()) as {
      chat: { used: number };
    };
    expect(limits.chat.used).toBe(1);
  });

  it('refuses the same key for a different message with 409', async () => {
    const { token } = await h.signup();
    await h.chat(token, 'first', { 'idempotency-key': 'k' });
    const other = await h.chat(token, 'second', { 'idempotency-key': 'k' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'idempotency_conflict' } });
  });

  it('runs one of several concurrent requests with one key', async () => {
    const { token } = await h.signup();
    const calls = h.simulator.received.length;
    h.simulator.enqueue({ chunkDelayMs: 20 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.chat(token, 'same', { 'idempotency-key': 'race' })),
    );
    expect(h.simulator.received.length).toBe(calls + 1);
    expect(results.filter((r) => r.status === 200 && r.done).length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r.status).toBe(409);
    expect(await h.records(token)).toHaveLength(1);
  });

  it('forgets the key of a failed request so it can be retried', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ status: 503 });
    expect((await h.chat(token, 'retry me', { 'idempotency-key': 'retry' })).status).toBe(503);
    const retried = await h.chat(token, 'retry me', { 'idempotency-key': 'retry' });
    expect(retried.status).toBe(200);
    expect(retried.events.at(-1)?.type).toBe('usage');
  });

  it('returns the stored recommendation for a repeated key, billing once', async () => {
    const { token } = await h.signup();
    const post = () =>
      h.request('/v1/coach/recommendations', {
        method: 'POST',
        token,
        headers: { 'idempotency-key': 'plan-week-48' },
      });
    const first = (await (await post()).json()) as {
      recommendation: { id: string };
      usage: { cost_usd: string };
    };
    const second = (await (await post()).json()) as {
      recommendation: { id: string };
      usage: { cost_usd: string };
    };
    expect(second).toEqual(first);
    expect(await h.records(token)).toHaveLength(1);
  });

  it('rejects a malformed key with 400', async () => {
    const { token } = await h.signup();
    const response = await h.request('/v1/chat', {
      method: 'POST',
      token,
      json: { message: 'hi' },
      headers: { 'idempotency-key': 'x'.repeat(201) },
    });
    expect(response.status).toBe(400);
  });
});
