import type { GenerationStats, Usage } from '../llm/types.ts';

export type Endpoint = 'chat' | 'recommendations';
export type FinalStatus = 'ok' | 'error' | 'aborted' | 'invalid_output';
export type CostSource = 'usage' | 'generation' | 'none';

/** Everything known about an upstream attempt once it is over. Unknown values stay undefined. */
export interface Settlement {
  status: FinalStatus;
  costSource: CostSource;
  /** Exact decimal text, as the upstream charged it. */
  costUsd?: string | undefined;
  servedModel?: string | undefined;
  generationId?: string | undefined;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  totalTokens?: number | undefined;
  cachedTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  latencyMs?: number | undefined;
  ttftMs?: number | undefined;
  errorCode?: string | undefined;
  /** `stop`, `length`, `content_filter`, `error`, `cancelled`: a truncated answer stays visible. */
  finishReason?: string | undefined;
}

/** What an attempt cost and used, as billed. */
export type Billing = Pick<
  Settlement,
  | 'finishReason'
  | 'costSource'
  | 'costUsd'
  | 'promptTokens'
  | 'completionTokens'
  | 'totalTokens'
  | 'cachedTokens'
  | 'reasoningTokens'
>;

/** Billing fields from a usage object (the final stream chunk or a plain completion). */
export function billingFromUsage(usage: Usage): Billing {
  return {
    costSource: usage.cost === undefined ? 'none' : 'usage',
    costUsd: usage.cost,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    totalTokens: usage.totalTokens ?? sumTokens(usage.promptTokens, usage.completionTokens),
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
  };
}

/** Billing fields from `GET /generation` stats (a cut, aborted or orphaned stream). */
export function billingFromGeneration(stats: GenerationStats): Billing {
  return {
    costSource: 'generation',
    costUsd: stats.totalCost,
    finishReason: stats.finishReason,
    promptTokens: stats.promptTokens,
    completionTokens: stats.completionTokens,
    totalTokens: sumTokens(stats.promptTokens, stats.completionTokens),
    cachedTokens: stats.cachedTokens,
    reasoningTokens: stats.reasoningTokens,
  };
}

function sumTokens(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
