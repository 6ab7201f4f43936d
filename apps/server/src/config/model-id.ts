/** `vendor/model` with an optional `:variant`, or `openrouter/auto`. */
const MODEL_ID = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(:[a-z0-9][a-z0-9._-]*)?$/i;

export function isModelIdFormat(id: string): boolean {
  return id === 'openrouter/auto' || MODEL_ID.test(id);
}

/** Levenshtein distance, used to suggest the closest catalog ids for a typo. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The catalog ids closest to `wanted`, best first.
 * @example closestModelIds('google/gemini-2.5-pr', ['google/gemini-2.5-pro']) // ['google/gemini-2.5-pro']
 */
export function closestModelIds(wanted: string, catalog: readonly string[], count = 3): string[] {
  const needle = wanted.toLowerCase();
  return catalog
    .map((id) => ({ id, distance: editDistance(needle, id.toLowerCase()) }))
    .sort((x, y) => x.distance - y.distance || x.id.localeCompare(y.id))
    .slice(0, count)
    .map((entry) => entry.id);
}
