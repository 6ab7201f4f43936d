import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

describe('streamed chat and the ledger', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each(['0.0000004', '12.3456789', '0.000000000123456789'])(
    'records the billed cost %s to the last digit',
    async (cost) => {
      const { token } = await h.signup();
      h.simulator.enqueue({ cost });
      const chat = await h.chat(token, 'How do I rest on steep routes?');

      expect(chat.status).toBe(200);
      expect(chat.done).toBe(true);
      const usage = chat.events.find((e) => e.type === 'usage');
      expect(usage?.cost_usd).toBe(cost);

      const [record] = await h.records(token);
      const billed = h.simulator.billing.get(record!.generation_id!);
      expect(billed?.totalCost).toBe(cost);
      expect(record).toMatchObject({ status: 'ok', cost_source: 'usage', cost_usd: cost, endpoint: 'chat' });
    },
  );

  it('streams deltas, then usage after the row is committed, then [DONE]', async () => {
    const { token } = await h.signup();
    const chat = await h.chat(token, 'What should I train this week?');

    const types = chat.events.map((e) => e.type);
    expect(types.at(-1)).toBe('usage');
    expect(types.slice(0, -1).every((t) => t === 'delta')).toBe(true);
    expect(chat.text).toContain('Simulated coach');
    const usage = chat.events.at(-1)!;
    expect(usage).toMatchObject({ model: 'google/gemini-2.5-pro' });
    expect(usage.total_tokens).toBe(Number(usage.prompt_tokens) + Number(usage.completion_tokens));

    // The usage event is sent only after the settlement is committed, so the row is already final.
    const [record] = await h.records(token);
    expect(record).toMatchObject({
      status: 'ok',
      total_tokens: usage.total_tokens,
      cost_usd: usage.cost_usd,
    });
    expect(record!.ttft_ms).toBeGreaterThanOrEqual(0);
    expect(record!.latency_ms).toBeGreaterThanOrEqual(record!.ttft_ms!);
  });

  it('stores the user message before the call and the answer after it, and sends the history', async () => {
    const { token } = await h.signup();
    await h.chat(token, 'First question about crimps');
    const second = await h.chat(token, 'Second question about slopers');

    const response = await h.request('/v1/chat/messages?limit=10', { token });
    const { messages } = (await response.json()) as { messages: Array<{ role: string; content: string }> };
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(messages[2]!.content).toBe('Second question about slopers');
    expect(messages[3]!.content).toBe(second.text);

    const sent = h.simulator.received.at(-1)!;
    expect(sent.messages[0]!.role).toBe('system');
    expect(sent.messages.slice(1).map((m) => m.content)).toEqual(messages.slice(0, 3).map((m) => m.content));

    expect((await h.request('/v1/chat/messages', { method: 'DELETE', token })).status).toBe(204);
    const after = (await (await h.request('/v1/chat/messages', { token })).json()) as { messages: unknown[] };
    expect(after.messages).toEqual([]);
  });

  it('keeps at most the last 20 messages in the prompt', async () => {
    const { token } = await h.signup();
    for (let i = 0; i < 12; i++) await h.chat(token, `question ${i}`);
    const sent = h.simulator.received.at(-1)!;
    expect(sent.messages).toHaveLength(21); // system + 20
    expect(sent.messages.at(-1)!.content).toBe('question 11');
  });

  it('skips keep-alive comments before and between chunks', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ keepAlives: 6, cost: '0.0000017' });
    const chat = await h.chat(token, 'Any tips for heel hooks on roofs?');
    expect(chat.events.filter((e) => e.type === 'delta').length).toBeGreaterThan(3);
    expect(chat.events.at(-1)).toMatchObject({ type: 'usage', cost_usd: '0.0000017' });
  });

  it('takes the cost from /generation when the upstream sends no usage chunk', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ omitUsage: true, cost: '0.00042', generationDelayMs: 300 });
    const chat = await h.chat(token, 'How long should I hang?');
    expect(chat.events.at(-1)).toMatchObject({ type: 'usage', cost_usd: '0.00042' });
    const [record] = await h.records(token);
    expect(record).toMatchObject({ status: 'ok', cost_source: 'generation', cost_usd: '0.00042' });
  });

  it('exports requests, upstream latency, tokens and cost by model and endpoint as Prometheus metrics', async () => {
    const { token } = await h.signup();
    h.simulator.enqueue({ cost: '0.25' });
    await h.chat(token, 'metrics please');
    const text = await (await h.request('/metrics')).text();
    expect(text).toMatch(/crux_http_requests_total\{method="POST",route="\/v1\/chat",status="200"\} \d+/);
    expect(text).toMatch(
      /crux_upstream_latency_seconds_count\{model="google\/gemini-2.5-pro",endpoint="chat",status="ok"\} \d+/,
    );
    expect(text).toMatch(
      /crux_llm_tokens_total\{model="google\/gemini-2.5-pro",endpoint="chat",kind="completion"\} \d+/,
    );
    expect(text).toMatch(/crux_llm_cost_usd_total\{model="google\/gemini-2.5-pro",endpoint="chat"\} [\d.]+/);
  });

  it('keeps the sum over hundreds of chats exact', async () => {
    const { token } = await h.signup();
    const costs: string[] = [];
    for (let i = 0; i < 200; i++) {
      const cost = `0.${String(i * 7919 + 13).padStart(9, '0')}${i % 10}`;
      costs.push(cost);
      h.simulator.enqueue({ cost });
      const chat = await h.chat(token, `chat number ${i}`);
      expect(chat.events.at(-1)?.type).toBe('usage');
    }
    const expected = costs.reduce((sum, cost) => sum.plus(cost), new Big(0));
    const response = await h.request('/v1/usage?group_by=endpoint', { token });
    const usage = (await response.json()) as { total: { requests: number; cost_usd: string } };
    expect(usage.total.requests).toBe(200);
    expect(new Big(usage.total.cost_usd).eq(expected)).toBe(true);
    expect(usage.total.cost_usd).toBe(expected.toFixed());
  }, 120_000);
});

describe('with OPENROUTER_MODEL=openrouter/auto', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { OPENROUTER_MODEL: 'openrouter/auto' } });
  });
  afterAll(() => h.close());

  it('keeps the configured model and records the model that actually answered', async () => {
    const { token } = await h.signup();
    const chat = await h.chat(token, 'route me');
    expect(h.simulator.received.at(-1)!.model).toBe('openrouter/auto');
    expect(chat.events.at(-1)).toMatchObject({ type: 'usage', model: 'openai/gpt-4o-mini' });
    const [record] = await h.records(token);
    expect(record).toMatchObject({ served_model: 'openai/gpt-4o-mini', status: 'ok' });
    const all = (await (await h.request('/v1/usage/records', { token })).json()) as {
      records: Array<{ model: string }>;
    };
    expect(all.records[0]!.model).toBe('openrouter/auto');
  });
});
