import { z } from 'zod';
import { toDecimalString } from './exact-json.ts';
import type { CatalogModel, GenerationStats, Usage } from './types.ts';

// Wire schemas, lenient on purpose: OpenRouter adds fields over time and real answers mix
// strings, numbers, nulls and objects. A field Crux cannot read becomes undefined ("unknown"),
// never 0, and never makes the rest of the object unreadable.

/** `schema`, or undefined when the value is missing, null or of another shape. */
const lenient = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const count = lenient(z.number().int().nonnegative());
const text = lenient(z.string());
/** A decimal or exponent-form amount (money is already source text, see exact-json.ts). */
const DECIMAL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const money = lenient(
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const source = String(value);
    if (DECIMAL.test(source)) return toDecimalString(source);
    ctx.addIssue({ code: 'custom', message: 'not a decimal amount' });
    return z.NEVER;
  }),
);

export const wireUsage = z.looseObject({
  prompt_tokens: count,
  completion_tokens: count,
  total_tokens: count,
  cost: money,
  prompt_tokens_details: lenient(z.looseObject({ cached_tokens: count })),
  completion_tokens_details: lenient(z.looseObject({ reasoning_tokens: count })),
});

const wireChoice = z.looseObject({
  delta: lenient(z.looseObject({ content: text })),
  message: lenient(z.looseObject({ content: text })),
  finish_reason: text,
});

const wireErrorBody = z.looseObject({
  code: lenient(z.union([z.number(), z.string()])),
  message: text,
  metadata: lenient(z.record(z.string(), z.unknown())),
});

export const wireChunk = z.looseObject({
  id: text,
  model: text,
  choices: lenient(z.array(wireChoice.catch({}))),
  usage: lenient(wireUsage),
  error: lenient(wireErrorBody),
});

export type WireChunk = z.output<typeof wireChunk>;

/**
 * A chunk as `wireChunk` reads it, or undefined when it is not an object. The hot one, a text delta
 * without usage or error whose fields all have their usual types, is checked by hand (zod would cost
 * more than the rest of its path) and read as it is, which is what the schema gives for it; every
 * other chunk (usage, error, a field of an odd type) goes through the schema.
 */
export function readWireChunk(value: unknown): WireChunk | undefined {
  if (isPlainDelta(value)) return value;
  const parsed = wireChunk.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function isPlainDelta(value: unknown): value is WireChunk {
  if (!isRecord(value) || value.usage != null || value.error != null || !Array.isArray(value.choices))
    return false;
  if (!isTextOrNone(value.id) || !isTextOrNone(value.model)) return false;
  for (const choice of value.choices) {
    if (!isRecord(choice) || choice.message != null || !isTextOrNone(choice.finish_reason)) return false;
    if (choice.delta != null && !(isRecord(choice.delta) && isTextOrNone(choice.delta.content))) return false;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextOrNone(value: unknown): boolean {
  return value == null || typeof value === 'string';
}

export const wireError = z.looseObject({ error: wireErrorBody });

const wireGeneration = z.looseObject({
  data: z.looseObject({
    id: z.string(),
    total_cost: money,
    model: text,
    tokens_prompt: count,
    tokens_completion: count,
    native_tokens_reasoning: count,
    native_tokens_cached: count,
    cancelled: lenient(z.boolean()),
    finish_reason: text,
  }),
});

const wireModel = z.looseObject({
  id: z.string(),
  name: text,
  context_length: count,
  pricing: lenient(z.record(z.string(), z.unknown())),
  top_provider: lenient(z.looseObject({ max_completion_tokens: count })),
});

/** Maps OpenRouter's usage object; `upstream_inference_cost` is never added to `cost`. */
export function toUsage(wire: z.output<typeof wireUsage>): Usage {
  return {
    promptTokens: wire.prompt_tokens ?? undefined,
    completionTokens: wire.completion_tokens ?? undefined,
    totalTokens: wire.total_tokens ?? undefined,
    cachedTokens: wire.prompt_tokens_details?.cached_tokens ?? undefined,
    reasoningTokens: wire.completion_tokens_details?.reasoning_tokens ?? undefined,
    cost: wire.cost ?? undefined,
  };
}

/** The stats, or undefined when the answer carries no cost yet (treated like a 404). */
export function toGenerationStats(body: unknown): GenerationStats | undefined {
  const parsed = wireGeneration.safeParse(body);
  if (!parsed.success || parsed.data.data.total_cost == null) return undefined;
  const data = parsed.data.data;
  return {
    id: data.id,
    totalCost: data.total_cost as string,
    model: data.model ?? undefined,
    promptTokens: data.tokens_prompt ?? undefined,
    completionTokens: data.tokens_completion ?? undefined,
    reasoningTokens: data.native_tokens_reasoning ?? undefined,
    cachedTokens: data.native_tokens_cached ?? undefined,
    cancelled: data.cancelled ?? false,
    finishReason: data.finish_reason ?? undefined,
  };
}

/** The catalog, model by model: an entry Crux cannot read is skipped, never the whole list. */
export function toCatalog(body: unknown): CatalogModel[] | undefined {
  const parsed = z.looseObject({ data: z.array(z.unknown()) }).safeParse(body);
  if (!parsed.success) return undefined;
  return parsed.data.data.flatMap((entry) => {
    const model = wireModel.safeParse(entry);
    if (!model.success) return [];
    return [
      {
        id: model.data.id,
        name: model.data.name ?? model.data.id,
        contextLength: model.data.context_length ?? undefined,
        pricing: readPricing(model.data.pricing ?? {}),
        maxCompletionTokens: model.data.top_provider?.max_completion_tokens ?? undefined,
      },
    ];
  });
}

/** Keeps the prices that are decimal amounts (strings or numbers); drops nulls and objects. */
function readPricing(raw: Record<string, unknown>): Record<string, string> {
  const pricing: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((typeof value === 'string' || typeof value === 'number') && DECIMAL.test(String(value)))
      pricing[key] = toDecimalString(String(value));
  }
  return pricing;
}
