import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterClient } from '../llm/openrouter-client.ts';
import { OpenRouterSimulator } from './server.ts';

describe('the OpenRouter simulator over HTTP', () => {
  const simulator = new OpenRouterSimulator({ defaults: { generationDelayMs: 200 } });
  let base = '';
  let client: OpenRouterClient;
  beforeAll(async () => {
    base = await simulator.start();
    client = new OpenRouterClient({ baseUrl: base, apiKey: undefined });
  });
  afterAll(() => simulator.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('serves a priced catalog labelled as the simulator', async () => {
    const models = await client.listModels();
    expect(models.map((m) => m.id)).toContain('google/gemini-2.5-pro');
    expect(models.every((m) => m.name.includes('simulator'))).toBe(true);
    expect(models.find((m) => m.id === 'openai/gpt-4o-mini')?.pricing.prompt).toBe('0.00000015');
  });

  it('takes failure scenarios over HTTP and answers like OpenRouter', async () => {
    const queued = await post('/__scenarios', { scenarios: [{ status: 429, retryAfterSeconds: 3 }] });
    expect(queued.status).toBe(200);
    const refused = await post('/chat/completions', {
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(await refused.json()).toMatchObject({ error: { code: 429 } });

    expect((await post('/__scenarios', { scenarios: [{ status: 'soon' }] })).status).toBe(400);
  });

  it('refuses a model that is not in the catalog', async () => {
    const response = await post('/chat/completions', {
      model: 'acme/nope',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(400);
  });

  it('bills a generation, reports it after the delay, and lists it in /__billing', async () => {
    simulator.enqueue({ cost: '0.000123' });
    const completion = await client.complete({
      model: 'openrouter/auto',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.servedModel).toBe('openai/gpt-4o-mini');
    expect(completion.usage?.cost).toBe('0.000123');

    expect(await client.getGeneration(completion.generationId!)).toBeUndefined(); // 404 at first
    const stats = await client.waitForGeneration(completion.generationId!, {
      maxWaitMs: 3000,
      firstDelayMs: 50,
    });
    expect(stats).toMatchObject({ id: completion.generationId, totalCost: '0.000123', cancelled: false });

    const billing = (await (await fetch(`${base}/__billing`)).json()) as {
      simulator: boolean;
      generations: Array<{ id: string }>;
    };
    expect(billing.simulator).toBe(true);
    expect(billing.generations.map((g) => g.id)).toContain(completion.generationId);
  });

  it('prices by tokens from the catalog when no cost is set', async () => {
    const completion = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
    });
    const usage = completion.usage!;
    // 100 prompt tokens × 0.00000125 + completion tokens × 0.00001, exactly
    const expected = new Big('0.00000125').times(100).plus(new Big('0.00001').times(usage.completionTokens!));
    expect(usage.cost).toBe(expected.toFixed());
    expect(usage.promptTokens).toBe(100);
  });

  it('accepts every OpenAI-style body: parts, null content, tools, stream_options, extra fields', async () => {
    const response = await post('/chat/completions', {
      model: 'openai/gpt-4o-mini',
      stream: false,
      stream_options: { include_usage: true },
      usage: { include: true },
      temperature: 0.2,
      top_p: 1,
      seed: 7,
      tools: [{ type: 'function', function: { name: 'grade', parameters: { type: 'object' } } }],
      messages: [
        { role: 'system', content: 'You are a coach.' },
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'data:' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'grade', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '6B+' },
        { role: 'user', content: 'What next?', name: 'climber' },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content).toContain('What next?');
  });

  it('cuts an answer at max_tokens and says so with finish_reason "length"', async () => {
    const completion = await client.complete({
      model: 'google/gemini-2.5-pro',
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 5,
    });
    expect(completion.usage?.completionTokens).toBe(5);
    expect(completion.finishReason).toBe('length');
    expect(completion.content).toHaveLength(20);
  });

  it('takes a scenario from a request header, leaving the queue alone', async () => {
    simulator.enqueue({ cost: '0.5' });
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-crux-simulator-scenario': JSON.stringify({ cost: '0.00000015', exponentCost: true }),
      },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(await response.text()).toContain('"cost":1.5e-7');
    const next = await client.complete({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(next.usage?.cost).toBe('0.5');
    const bad = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crux-simulator-scenario': '{"cost":' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(bad.status).toBe(400);
  });

  it('serves a catalog with the odd fields of the real one, which the client still reads', async () => {
    const raw = (await (await fetch(`${base}/models`)).json()) as { data: Array<Record<string, unknown>> };
    expect(raw.data[0]).toMatchObject({ per_request_limits: null, pricing: { discount: 0 } });
    const models = await client.listModels();
    expect(models.find((m) => m.id === 'google/gemini-2.5-pro')).toMatchObject({
      pricing: { prompt: '0.00000125', completion: '0.00001' },
      maxCompletionTokens: 65_536,
    });
  });
});
