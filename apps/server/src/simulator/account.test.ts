import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterAccount } from '../llm/account.ts';
import { UpstreamError } from '../llm/errors.ts';
import { OpenRouterSimulator } from './server.ts';

describe('the simulator’s account endpoints, read by OpenRouterAccount', () => {
  const simulator = new OpenRouterSimulator({ apiKey: 'sk-or-v1-good', totalCredits: '10', keyLimit: '2.5' });
  let base = '';
  beforeAll(async () => {
    base = await simulator.start();
  });
  afterAll(() => simulator.stop());

  it('answers GET /key like OpenRouter, and 401 for a bad key', async () => {
    simulator.billing.record({
      id: 'gen-1',
      model: 'm/x',
      requestedModel: 'm/x',
      streamed: true,
      promptTokens: 1,
      completionTokens: 1,
      totalCost: '0.0000004',
      cancelled: false,
      finishReason: 'stop',
      createdAt: Date.now(),
      availableAt: Date.now(),
    });
    const raw = await fetch(`${base}/key`, { headers: { authorization: 'Bearer sk-or-v1-good' } });
    expect(await raw.text()).toMatch(/"usage":0\.0000004,"limit_remaining":2\.4999996/);

    const key = await new OpenRouterAccount({ baseUrl: base, apiKey: 'sk-or-v1-good' }).key();
    expect(key).toMatchObject({
      limit: '2.5',
      usage: '0.0000004',
      limitRemaining: '2.4999996',
      isFreeTier: false,
    });
    expect(key.label).toContain('simulator');

    const refused = new OpenRouterAccount({ baseUrl: base, apiKey: 'sk-or-v1-bad' }).key();
    await expect(refused).rejects.toBeInstanceOf(UpstreamError);
    await expect(refused).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
  });

  it('answers GET /credits with the credits bought and everything billed, exactly', async () => {
    const credits = await new OpenRouterAccount({ baseUrl: base, apiKey: 'sk-or-v1-good' }).credits();
    expect(credits).toEqual({ totalCredits: '10', totalUsage: '0.0000004', remaining: '9.9999996' });
  });

  it('reports an unreachable upstream as a network error', async () => {
    const account = new OpenRouterAccount({ baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: 'k' });
    await expect(account.credits()).rejects.toMatchObject({ kind: 'network' });
  });
});
