import { UpstreamError } from '../llm/errors.ts';
import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { CatalogModel } from '../llm/types.ts';
import { ConfigError } from './env.ts';
import { closestModelIds } from './model-id.ts';

/**
 * Checks OPENROUTER_MODEL against the upstream's catalog. An unknown id stops the start
 * (ConfigError) with the closest ids; an unreachable catalog only logs a warning.
 * Returns the model's catalog entry when known.
 */
export async function checkModelAgainstCatalog(
  client: OpenRouterClient,
  model: string,
  log: (line: string) => void,
): Promise<CatalogModel | undefined> {
  let catalog: CatalogModel[];
  try {
    catalog = await client.listModels();
  } catch (error) {
    const reason = error instanceof UpstreamError ? error.message : 'unreachable';
    log(
      `[crux] warning: could not check OPENROUTER_MODEL against the model catalog (${reason}); continuing.`,
    );
    return undefined;
  }
  const entry = catalog.find((candidate) => candidate.id === model);
  if (entry || model === 'openrouter/auto') return entry;
  const suggestions = closestModelIds(
    model,
    catalog.map((candidate) => candidate.id),
  );
  throw new ConfigError([
    `OPENROUTER_MODEL "${model}" is not in the upstream's model catalog. Closest ids: ${suggestions.join(', ')}`,
  ]);
}
