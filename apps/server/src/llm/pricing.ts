import type { CatalogModel } from './types.ts';

/** The prices that make up a call's cost (USD per token, per request). */
const PRICE_KEYS = ['prompt', 'completion', 'request', 'internal_reasoning'] as const;

/** Known to cost nothing: the catalog lists prompt and completion prices and every price is 0. */
export function isFreeModel(entry: CatalogModel | undefined): boolean {
  if (!entry?.pricing.prompt || !entry.pricing.completion) return false;
  return PRICE_KEYS.every((key) => (entry.pricing[key] ?? '0').match(/^0(\.0*)?$/) !== null);
}
