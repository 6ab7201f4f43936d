import Big from 'big.js';
import type { Credits, OpenRouterAccount } from '../llm/account.ts';

/** The OpenRouter credit as the operator sees it (USD, exact decimal strings). */
export interface CreditStatus {
  total_credits: string;
  total_usage: string;
  remaining_usd: string;
  /** CREDIT_WARN_USD, when set. */
  warn_below_usd: string | null;
  /** True when the credit left is below CREDIT_WARN_USD. */
  low: boolean;
}

export function creditStatus(credits: Credits, warnBelowUsd: string | undefined): CreditStatus {
  return {
    total_credits: credits.totalCredits,
    total_usage: credits.totalUsage,
    remaining_usd: credits.remaining,
    warn_below_usd: warnBelowUsd ?? null,
    low: warnBelowUsd !== undefined && new Big(credits.remaining).lt(warnBelowUsd),
  };
}

/** One line for logs and the CLI: "credit left: 12.5 USD (of 20)", with a warning when low. */
export function describeCredit(status: CreditStatus): string {
  const line = `OpenRouter credit left: ${status.remaining_usd} USD (of ${status.total_credits} bought)`;
  return status.low ? `${line}: warning, below CREDIT_WARN_USD (${status.warn_below_usd} USD)` : line;
}

/**
 * Reads the credit from OpenRouter's `GET /credits`, at most once per `ttlMs` (the admin usage
 * API and /metrics ask often). Undefined when the upstream does not answer.
 */
export class CreditMonitor {
  private cached: { at: number; status: CreditStatus } | undefined;
  private inFlight: Promise<CreditStatus | undefined> | undefined;
  /** Why the last lookup failed, for logs. */
  lastError: string | undefined;

  constructor(
    private readonly account: OpenRouterAccount,
    private readonly warnBelowUsd: string | undefined,
    private readonly ttlMs = 60_000,
  ) {}

  current(): Promise<CreditStatus | undefined> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return Promise.resolve(this.cached.status);
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<CreditStatus | undefined> {
    try {
      const status = creditStatus(await this.account.credits(), this.warnBelowUsd);
      this.cached = { at: Date.now(), status };
      this.lastError = undefined;
      return status;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }
}
