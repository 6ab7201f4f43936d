import { describe, expect, it } from 'vitest';
import { closestModelIds, isModelIdFormat } from './model-id.ts';

describe('model ids', () => {
  it.each([
    'google/gemini-2.5-pro',
    'openai/gpt-4o-mini',
    'meta-llama/llama-3.3-70b-instruct:free',
    'x/y:nitro',
    'openrouter/auto',
  ])('accepts %s', (id) => expect(isModelIdFormat(id)).toBe(true));

  it.each(['gemini-2.5-pro', 'google/', '/gpt-4o', 'google/gemini 2.5', 'a/b/c', 'a/b:', ''])(
    'rejects %j',
    (id) => expect(isModelIdFormat(id)).toBe(false),
  );

  it('suggests the closest catalog ids first', () => {
    const catalog = [
      'openai/gpt-4o-mini',
      'google/gemini-2.5-pro',
      'google/gemini-2.5-flash',
      'anthropic/claude-sonnet-4.5',
    ];
    expect(closestModelIds('google/gemini-2.5-pr', catalog)[0]).toBe('google/gemini-2.5-pro');
    expect(closestModelIds('openai/gpt4o-mini', catalog, 1)).toEqual(['openai/gpt-4o-mini']);
  });
});
