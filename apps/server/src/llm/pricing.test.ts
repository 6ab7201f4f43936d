import { describe, expect, it } from 'vitest';
import { isFreeModel, maxTokensFor, promptTokenBound, worstCaseCost } from './pricing.ts';
import type { CatalogModel } from './types.ts';

const model = (pricing: Record<string, string>, maxCompletionTokens?: number): CatalogModel => ({
  id: 'x/y',
  name: 'X',
  contextLength: 1000,
  pricing,
  maxCompletionTokens,
});

describe('worst-case cost from the catalog', () => {
  const messages = [{ role: 'user' as const, content: 'héllo' }]; // 6 bytes

  it('bounds prompt tokens by UTF-8 bytes plus overheads', () => {
    expect(promptTokenBound(messages)).toBe(6 + 8 + 16);
  });

  it('prices prompt bound, max_tokens at the dearer output price, and the request, exactly', () => {
    const entry = model({
      prompt: '0.000001',
      completion: '0.00001',
      internal_reasoning: '0.00002',
      request: '0.005',
    });
    // 30 × 0.000001 + 100 × 0.00002 + 0.005
    expect(worstCaseCost(entry, messages, 100)).toBe('0.00703');
  });

  it('is unknown without a catalog entry, a price, or with a router price of -1', () => {
    expect(worstCaseCost(undefined, messages, 100)).toBeUndefined();
    expect(worstCaseCost(model({ prompt: '0.000001' }), messages, 100)).toBeUndefined();
    expect(worstCaseCost(model({ prompt: '-1', completion: '-1' }), messages, 100)).toBeUndefined();
  });

  it('sends the configured max_tokens, never above the catalog cap', () => {
    expect(maxTokensFor(undefined, undefined)).toBe(4096);
    expect(maxTokensFor(model({}, 1000), undefined)).toBe(1000);
    expect(maxTokensFor(model({}, 65_536), 300)).toBe(300);
  });

  it('knows a free model only when every price is 0', () => {
    expect(isFreeModel(model({ prompt: '0', completion: '0', request: '0' }))).toBe(true);
    expect(isFreeModel(model({ prompt: '0', completion: '0.1' }))).toBe(false);
    expect(isFreeModel(model({}))).toBe(false);
  });
});
