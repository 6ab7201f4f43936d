import Big from 'big.js';
import type { BilledGeneration } from './billing.ts';
import type { Scenario } from './scenario.ts';

/** A cost as a raw JSON number: plain decimal text, or exponent form (`1.5e-7`) when asked. */
export function costJson(cost: string, exponent: boolean | undefined): unknown {
  return JSON.rawJSON(exponent ? new Big(cost).toExponential() : cost);
}

/** The usage object, in the shape the scenario asks for (see OPENROUTER.md, "The usage object"). */
export function usageOf(record: BilledGeneration, scenario: Scenario): Record<string, unknown> {
  const nulls = scenario.nullDetails === true;
  const usage: Record<string, unknown> = {
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    total_tokens: record.promptTokens + record.completionTokens,
    prompt_tokens_details: { cached_tokens: nulls ? null : 0, cache_write_tokens: nulls ? null : 0 },
    completion_tokens_details: { reasoning_tokens: nulls ? null : 0 },
  };
  if (scenario.omitCost) return usage;
  return {
    ...usage,
    cost: costJson(record.totalCost, scenario.exponentCost),
    is_byok: false,
    cost_details: {
      upstream_inference_cost: null,
      upstream_inference_prompt_cost: nulls ? null : 0,
      upstream_inference_completions_cost: nulls ? null : 0,
    },
  };
}

/** The chunk fields of a mid-stream failure, in one of the two shapes the real service sends. */
export function errorFields(scenario: Scenario): { choices: unknown[]; error: Record<string, unknown> } {
  const code = scenario.errorCode ?? 502;
  const message = 'Simulated provider failure mid-stream (Crux simulator)';
  if (scenario.errorShape === 'no_choices') {
    return {
      choices: [],
      error: {
        code,
        message,
        metadata: { error_type: 'provider_error', provider_name: 'Crux Simulator', raw: null },
      },
    };
  }
  return {
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
    error: { code, message },
  };
}
