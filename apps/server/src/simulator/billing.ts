import Big from 'big.js';
import type { CatalogModel } from '../llm/types.ts';

/** One generation the simulator billed: the ground truth a ledger is compared against. */
export interface BilledGeneration {
  id: string;
  model: string;
  requestedModel: string;
  streamed: boolean;
  promptTokens: number;
  completionTokens: number;
  /** Exact decimal text. */
  totalCost: string;
  cancelled: boolean;
  finishReason: string;
  createdAt: number;
  /** Before this time `/generation` answers 404. */
  availableAt: number;
  /** `/generation` writes `total_cost` in exponent form (a wire shape of the real service). */
  exponentCost?: boolean;
}

export const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** tokens × catalog price, exact; a fixed override wins. Negative (router) prices count as 0. */
export function priceOf(
  model: CatalogModel | undefined,
  promptTokens: number,
  completionTokens: number,
): string {
  const price = (key: string) => {
    const value = new Big(model?.pricing[key] ?? '0');
    return value.lt(0) ? new Big(0) : value;
  };
  return price('prompt')
    .times(promptTokens)
    .plus(price('completion').times(completionTokens))
    .plus(price('request'))
    .toFixed();
}

export class BillingLog {
  private readonly generations = new Map<string, BilledGeneration>();

  record(generation: BilledGeneration): void {
    this.generations.set(generation.id, generation);
  }

  get(id: string): BilledGeneration | undefined {
    return this.generations.get(id);
  }

  list(): BilledGeneration[] {
    return [...this.generations.values()];
  }

  /** Exact sum of every billed cost. */
  total(): string {
    return this.list()
      .reduce((sum, generation) => sum.plus(generation.totalCost), new Big(0))
      .toFixed();
  }

  clear(): void {
    this.generations.clear();
  }
}
