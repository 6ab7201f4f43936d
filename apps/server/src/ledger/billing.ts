import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { Usage } from '../llm/types.ts';
import { type Billing, billingFromGeneration, billingFromUsage } from './settlement.ts';

/**
 * What an attempt cost: the usage object when the upstream sent one, otherwise the generation
 * stats polled with backoff. Undefined when neither is known yet (the reconciler finishes it).
 */
export async function resolveBilling(
  client: OpenRouterClient,
  usage: Usage | undefined,
  generationId: string | undefined,
  wait: { maxWaitMs?: number | undefined; signal?: AbortSignal | undefined },
): Promise<Billing | undefined> {
  if (usage) return billingFromUsage(usage);
  if (!generationId) return undefined;
  const stats = await client
    .waitForGeneration(generationId, { maxWaitMs: wait.maxWaitMs, signal: wait.signal })
    .catch(() => undefined);
  return stats ? billingFromGeneration(stats) : undefined;
}
