import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { Usage } from '../llm/types.ts';
import { type Billing, billingFromGeneration, billingFromUsage } from './settlement.ts';

export interface BillingWait {
  maxWaitMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** The model is known to be free (every catalog price is 0): a cost nobody reports is 0. */
  free?: boolean | undefined;
}

/**
 * What an attempt cost: the usage object when it carries `cost`; otherwise the generation
 * stats polled with backoff (a usage object without `cost`, an aborted or cut stream).
 * Undefined when the cost is not known yet (the reconciler finishes it): never a guess,
 * except 0 for a model known to be free.
 */
export async function resolveBilling(
  client: OpenRouterClient,
  usage: Usage | undefined,
  generationId: string | undefined,
  wait: BillingWait,
): Promise<Billing | undefined> {
  if (usage?.cost !== undefined) return billingFromUsage(usage);
  const stats = generationId
    ? await client
        .waitForGeneration(generationId, { maxWaitMs: wait.maxWaitMs, signal: wait.signal })
        .catch(() => undefined)
    : undefined;
  if (stats) return withUsageTokens(billingFromGeneration(stats), usage);
  if (wait.free && usage) return { ...billingFromUsage(usage), costUsd: '0', costSource: 'none' };
  return undefined;
}

/** Token counts the generation stats left unknown, taken from the stream's usage object. */
function withUsageTokens(billing: Billing, usage: Usage | undefined): Billing {
  if (!usage) return billing;
  const fromUsage = billingFromUsage(usage);
  return {
    ...billing,
    promptTokens: billing.promptTokens ?? fromUsage.promptTokens,
    completionTokens: billing.completionTokens ?? fromUsage.completionTokens,
    totalTokens: billing.totalTokens ?? fromUsage.totalTokens,
    cachedTokens: billing.cachedTokens ?? fromUsage.cachedTokens,
    reasoningTokens: billing.reasoningTokens ?? fromUsage.reasoningTokens,
  };
}
