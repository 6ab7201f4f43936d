import type { CatalogModel } from '../llm/types.ts';

/** A small catalog with OpenRouter-shaped pricing (USD per token, as strings). Labelled as simulated. */
export const SIMULATED_MODELS: CatalogModel[] = [
  model('google/gemini-2.5-pro', 'Google: Gemini 2.5 Pro', 1_048_576, '0.00000125', '0.00001'),
  model('google/gemini-2.5-flash', 'Google: Gemini 2.5 Flash', 1_048_576, '0.0000003', '0.0000025'),
  model('anthropic/claude-sonnet-4.5', 'Anthropic: Claude Sonnet 4.5', 200_000, '0.000003', '0.000015'),
  model('openai/gpt-4o-mini', 'OpenAI: GPT-4o-mini', 128_000, '0.00000015', '0.0000006'),
  model('deepseek/deepseek-chat-v3.1', 'DeepSeek: V3.1', 163_840, '0.0000002', '0.0000008'),
  model('meta-llama/llama-3.3-70b-instruct:free', 'Meta: Llama 3.3 70B Instruct (free)', 131_072, '0', '0'),
  model('openrouter/auto', 'Auto Router', 2_000_000, '-1', '-1'),
];

/** The model that actually answers when `openrouter/auto` is asked for. */
export const AUTO_ROUTED_TO = 'openai/gpt-4o-mini';

function model(
  id: string,
  name: string,
  contextLength: number,
  prompt: string,
  completion: string,
): CatalogModel {
  return {
    id,
    name: `${name} [Crux simulator]`,
    contextLength,
    pricing: { prompt, completion, request: '0', image: '0' },
    maxCompletionTokens: 65_536,
  };
}

export function findModel(id: string): CatalogModel | undefined {
  return SIMULATED_MODELS.find((entry) => entry.id === id);
}
