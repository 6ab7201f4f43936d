import type { Db } from '../db/types.ts';
import type { Alerts } from './alerts.ts';
import { type CreditMonitor, describeCredit } from './credit.ts';

export interface MonitorOptions {
  db: Db;
  credit: CreditMonitor;
  alerts: Alerts;
  /** CREDIT_WARN_USD: no credit alert when unset. */
  creditWarnUsd: string | undefined;
  /** A pending row older than this is waiting too long for its settlement (default 5 min). */
  pendingAlertAfterMs?: number | undefined;
  /** GLOBAL_DAILY_BUDGET_USD: no budget alert when unset. */
  globalDailyBudgetUsd?: string | undefined;
}

/**
 * Periodic operator checks: the credit against CREDIT_WARN_USD, rows left pending too long, and
 * today's spend against GLOBAL_DAILY_BUDGET_USD (80% and 100%).
 */
export class OpsMonitor {
  private readonly pendingAlertAfterMs: number;

  constructor(private readonly options: MonitorOptions) {
    this.pendingAlertAfterMs = options.pendingAlertAfterMs ?? 5 * 60_000;
  }

  async check(): Promise<void> {
    await Promise.all([this.checkCredit(), this.checkBacklog(), this.checkBudget()]);
  }

  /** Alerts when today's settled spend has reached 80% / 100% of GLOBAL_DAILY_BUDGET_USD. */
  async checkBudget(): Promise<void> {
    const budget = this.options.globalDailyBudgetUsd;
    if (budget === undefined) return;
    const [row] = await this.options.db.query<{ spent: string; p80: boolean; p100: boolean }>(
      `select trim_scale(spent)::text as spent, spent >= $1::numeric * 0.8 as p80, spent >= $1::numeric as p100
       from crux_global_spend_today()`,
      [budget],
    );
    if (row?.p80) await this.options.alerts.budgetCrossed(80, row.spent, budget);
    if (row?.p100) await this.options.alerts.budgetCrossed(100, row.spent, budget);
  }

  private async checkCredit(): Promise<void> {
    if (this.options.creditWarnUsd === undefined) return;
    const credit = await this.options.credit.current();
    if (credit?.low) await this.options.alerts.raise('credit_low', describeCredit(credit));
  }

  private async checkBacklog(): Promise<void> {
    const [row] = await this.options.db.query<{ waiting: number; oldest_minutes: number | null }>(
      `select count(*)::int as waiting,
              floor(extract(epoch from now() - min(created_at)) / 60)::int as oldest_minutes
       from api_usage where status = 'pending' and created_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [this.pendingAlertAfterMs],
    );
    if (!row?.waiting) return;
    await this.options.alerts.raise(
      'settlement_backlog',
      `${row.waiting} ledger row(s) have waited for settlement longer than ${Math.round(this.pendingAlertAfterMs / 60_000)} min ` +
        `(oldest: ${row.oldest_minutes} min). Run \`crux reconcile\` and check the upstream's /generation.`,
    );
  }
}
