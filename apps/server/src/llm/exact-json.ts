import Big from 'big.js';

/** Keys whose numbers are money: kept as their exact source text, never as a float. */
const MONEY_KEYS = new Set(['cost', 'total_cost', 'upstream_inference_cost']);

interface ReviverContext {
  source?: string;
}

/**
 * JSON.parse that keeps money exact: `{"cost": 4e-7}` gives `{cost: "0.0000004"}`.
 * Uses the reviver's source-text access, so no digit passes through a float. `moneyKeys` names the
 * keys to keep exact (default: the completion and generation costs).
 */
export function parseJsonExact(text: string, moneyKeys: ReadonlySet<string> = MONEY_KEYS): unknown {
  // Most stream chunks carry no money at all: a plain parse is several times cheaper than one with
  // a reviver. A \u escape (`"\u0063ost"` is also "cost") takes the careful path.
  if (!carefulPattern(moneyKeys).test(text)) return JSON.parse(text);
  return JSON.parse(text, function (this: unknown, key: string, value: unknown, context?: ReviverContext) {
    if (moneyKeys.has(key) && typeof value === 'number' && context?.source)
      return toDecimalString(context.source);
    return value;
  } as (key: string, value: unknown) => unknown);
}

const carefulPatterns = new WeakMap<ReadonlySet<string>, RegExp>();

/** What sends a text down the careful path: a `\u` escape, or any of the keys quoted (`"cost"`), in one scan. */
function carefulPattern(keys: ReadonlySet<string>): RegExp {
  let pattern = carefulPatterns.get(keys);
  if (!pattern) {
    const quoted = [...keys].map((key) => JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(['\\\\u', ...quoted].join('|'));
    carefulPatterns.set(keys, pattern);
  }
  return pattern;
}

/** A decimal in plain notation, exactly: `4e-7` → `0.0000004`, `"1.50"` → `1.5`. */
export function toDecimalString(value: string | number): string {
  return new Big(value).toFixed();
}
