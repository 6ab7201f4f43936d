import { z } from 'zod';
import type { CatalogModel, GenerationStats, Usage } from './types.ts';

// Wire schemas: loose on purpose (`z.looseObject`), since OpenRouter adds fields over time.
const count = z.number().int().nonnegative().optional();

export const wireUsage = z.looseObject({
  prompt_tokens: count,
  completion_tokens: count,
  total_tokens: count,
  cost: z.string().optional(),
  prompt_tokens_details: z.looseObject({ cached_tokens: count }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: count }).nullish(),
});

export const wireChunk = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        delta: z.looseObject({ content: z.string().nullish() }).optional(),
        message: z.looseObject({ content: z.string().nullish() }).optional(),
        finish_reason: z.string().nullish(),
      }),
    )
    .optional(),
  usage: wireUsage.nullish(),
  error: z
    .looseObject({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() })
    .optional(),
});

export const wireError = z.looseObject({
  error: z.looseObject({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
  }),
});

const wireGeneration = z.looseObject({
  data: z.looseObject({
    id: z.string(),
    total_cost: z.string(),
    model: z.string().optional(),
    tokens_prompt: count.nullable(),
    tokens_completion: count.nullable(),
    native_tokens_reasoning: count.nullable(),
    native_tokens_cached: count.nullable(),
    cancelled: z.boolean().nullish(),
  }),
});

const wireModels = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string().optional(),
      context_length: z.number().nullish(),
      pricing: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

/** Maps OpenRouter's usage object; `upstream_inference_cost` is never added to `cost`. */
export function toUsage(wire: z.output<typeof wireUsage>): Usage {
  return {
    promptTokens: wire.prompt_tokens,
    completionTokens: wire.completion_tokens,
    totalTokens: wire.total_tokens,
    cachedTokens: wire.prompt_tokens_details?.cached_tokens,
    reasoningTokens: wire.completion_tokens_details?.reasoning_tokens,
    cost: wire.cost,
  };
}

export function toGenerationStats(body: unknown): GenerationStats | undefined {
  const parsed = wireGeneration.safeParse(body);
  if (!parsed.success) return undefined;
  const data = parsed.data.data;
  return {
    id: data.id,
    totalCost: data.total_cost,
    model: data.model,
    promptTokens: data.tokens_prompt ?? undefined,
    completionTokens: data.tokens_completion ?? undefined,
    reasoningTokens: data.native_tokens_reasoning ?? undefined,
    cachedTokens: data.native_tokens_cached ?? undefined,
    cancelled: data.cancelled ?? false,
  };
}

export function toCatalog(body: unknown): CatalogModel[] | undefined {
  const parsed = wireModels.safeParse(body);
  if (!parsed.success) return undefined;
  return parsed.data.data.map((model) => ({
    id: model.id,
    name: model.name ?? model.id,
    contextLength: model.context_length ?? undefined,
    pricing: model.pricing ?? {},
  }));
}
