import Big from 'big.js';
import type { CatalogModel, ChatMessage } from './types.ts';

/** `max_tokens` sent when neither the operator nor a smaller catalog cap says otherwise. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Tokens a message costs beyond its text (role, separators), generously. */
export const MESSAGE_OVERHEAD_TOKENS = 8;
const PROMPT_OVERHEAD_TOKENS = 16;

/** Known to cost nothing: the catalog lists prompt and completion prices and every price is 0. */
export function isFreeModel(entry: CatalogModel | undefined): boolean {
  if (!entry?.pricing.prompt || !entry.pricing.completion) return false;
  return ['prompt', 'completion', 'request', 'internal_reasoning'].every((key) =>
    new Big(entry.pricing[key] ?? '0').eq(0),
  );
}

/**
 * The `max_tokens` to send: the operator's setting, else DEFAULT_MAX_TOKENS, never above the
 * catalog's `max_completion_tokens` for the model.
 */
export function maxTokensFor(entry: CatalogModel | undefined, configured: number | undefined): number {
  const wanted = configured ?? DEFAULT_MAX_TOKENS;
  const cap = entry?.maxCompletionTokens;
  return cap !== undefined && cap > 0 ? Math.min(wanted, cap) : wanted;
}

/**
 * An upper bound on a prompt's tokens: its UTF-8 bytes (a byte-level tokenizer never makes more
 * tokens than bytes) plus a per-message overhead.
 */
export function promptTokenBound(messages: ChatMessage[]): number {
  const encoder = new TextEncoder();
  return messages.reduce(
    (sum, m) => sum + encoder.encode(m.content).length + MESSAGE_OVERHEAD_TOKENS,
    PROMPT_OVERHEAD_TOKENS,
  );
}

/**
 * The most a call can cost, from the catalog: prompt bound × prompt price + `max_tokens` ×
 * the dearer of completion and reasoning prices + the per-request price. Undefined when the
 * price is unknown (no catalog entry, a missing or negative price such as a router's `-1`).
 */
export function worstCaseCost(
  entry: CatalogModel | undefined,
  messages: ChatMessage[],
  maxTokens: number,
): string | undefined {
  const price = (key: string, required: boolean): Big | undefined => {
    const value = entry?.pricing[key];
    if (value === undefined) return required ? undefined : new Big(0);
    const amount = new Big(value);
    return amount.lt(0) ? undefined : amount;
  };
  const prompt = price('prompt', true);
  const completion = price('completion', true);
  const reasoning = price('internal_reasoning', false);
  const request = price('request', false);
  if (!prompt || !completion || !reasoning || !request) return undefined;
  const perOutputToken = completion.gt(reasoning) ? completion : reasoning;
  return prompt
    .times(promptTokenBound(messages))
    .plus(perOutputToken.times(maxTokens))
    .plus(request)
    .toFixed();
}

/**
 * The price of one prompt token (exact decimal text), or undefined when `worstCaseCost` is
 * undefined: what one more byte of prompt adds to the worst case.
 */
export function promptTokenPrice(entry: CatalogModel | undefined): string | undefined {
  if (worstCaseCost(entry, [], 0) === undefined) return undefined;
  return new Big(entry?.pricing.prompt ?? '0').toFixed();
}
