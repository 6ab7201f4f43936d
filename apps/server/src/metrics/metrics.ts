import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Settlement } from '../ledger/settlement.ts';
import type { CreditStatus } from '../ops/credit.ts';

/** Prometheus metrics for one app instance (its own registry: no globals). */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly upstreamLatency: Histogram<'model' | 'endpoint' | 'status'>;
  private readonly tokens: Counter<'model' | 'endpoint' | 'kind'>;
  private readonly cost: Counter<'model' | 'endpoint'>;
  private readonly attempts: Counter<'model' | 'endpoint' | 'status'>;
  private readonly refusals: Counter<'limit'>;
  private readonly quarantined: Counter;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'crux_' });
    this.requests = new Counter({
      name: 'crux_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.upstreamLatency = new Histogram({
      name: 'crux_upstream_latency_seconds',
      help: 'Upstream call duration, from request to last byte',
      labelNames: ['model', 'endpoint', 'status'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80],
      registers: [this.registry],
    });
    this.tokens = new Counter({
      name: 'crux_llm_tokens_total',
      help: 'Tokens billed by the upstream',
      labelNames: ['model', 'endpoint', 'kind'],
      registers: [this.registry],
    });
    this.cost = new Counter({
      name: 'crux_llm_cost_usd_total',
      help: 'USD charged by the upstream (approximate here; the ledger holds the exact sum)',
      labelNames: ['model', 'endpoint'],
      registers: [this.registry],
    });
    this.attempts = new Counter({
      name: 'crux_llm_attempts_total',
      help: 'Upstream attempts by final ledger status',
      labelNames: ['model', 'endpoint', 'status'],
      registers: [this.registry],
    });
    this.refusals = new Counter({
      name: 'crux_limit_refusals_total',
      help: 'Requests refused by a limit or throttle (429), by limit',
      labelNames: ['limit'],
      registers: [this.registry],
    });
    this.quarantined = new Counter({
      name: 'crux_spool_quarantined_total',
      help: 'Spooled turns the database refused for good, moved aside (kept for an operator)',
      registers: [this.registry],
    });
  }

  /** Spooled turns just moved aside (see Ledger.replaySpool). */
  spoolQuarantined(count: number): void {
    this.quarantined.inc(count);
  }

  request(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  /** One request refused by `limit` (e.g. `signup_address`, `daily_chat`, `budget_user`). */
  limitRefused(limit: string): void {
    this.refusals.inc({ limit });
  }

  settled(endpoint: string, model: string, settlement: Settlement): void {
    const labels = { model, endpoint };
    this.attempts.inc({ ...labels, status: settlement.status });
    if (settlement.latencyMs !== undefined) {
      this.upstreamLatency.observe({ ...labels, status: settlement.status }, settlement.latencyMs / 1000);
    }
    if (settlement.promptTokens) this.tokens.inc({ ...labels, kind: 'prompt' }, settlement.promptTokens);
    if (settlement.completionTokens)
      this.tokens.inc({ ...labels, kind: 'completion' }, settlement.completionTokens);
    if (settlement.costUsd) this.cost.inc(labels, Number(settlement.costUsd));
  }

  /** Credit gauges, read at scrape time (absent while the upstream does not say). */
  trackCredit(read: () => Promise<CreditStatus | undefined>): void {
    new Gauge({
      name: 'crux_openrouter_credit_remaining_usd',
      help: 'OpenRouter credit left on the account (total_credits - total_usage)',
      registers: [this.registry],
      async collect() {
        const credit = await read();
        if (credit) this.set(Number(credit.remaining_usd));
        else this.reset();
      },
    });
    new Gauge({
      name: 'crux_openrouter_credit_low',
      help: '1 when the OpenRouter credit left is below CREDIT_WARN_USD',
      registers: [this.registry],
      async collect() {
        const credit = await read();
        if (credit) this.set(credit.low ? 1 : 0);
        else this.reset();
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
