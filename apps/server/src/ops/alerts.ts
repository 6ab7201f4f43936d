import type { Db } from '../db/types.ts';

/** Why an operator is alerted. Each cause alerts at most once per UTC day, across instances. */
export type AlertCause =
  | 'credit_low'
  | 'settlement_backlog'
  | 'global_budget_80'
  | 'global_budget_100'
  | 'spool_quarantined';

export interface AlertOptions {
  /** Slack-compatible webhook: receives `{"text": "…"}` as a JSON POST. Unset: the log only. */
  webhookUrl: string | undefined;
  log: (line: string) => void;
  timeoutMs?: number;
}

/**
 * Operator alerts: a log line and a webhook POST, once per cause per UTC day. The day's claim is
 * a row in `ops_alerts`, so N instances send one alert, and a failed POST gives the claim back.
 */
export class Alerts {
  constructor(
    private readonly db: Db,
    private readonly options: AlertOptions,
  ) {}

  /** Raises `cause` unless it was already raised today. Returns true when this call alerted. */
  async raise(cause: AlertCause, text: string): Promise<boolean> {
    const claimed = await this.db.query(
      `insert into ops_alerts (cause, day, message) values ($1, (now() at time zone 'utc')::date, $2)
       on conflict do nothing returning cause`,
      [cause, text],
    );
    if (claimed.length === 0) return false;
    this.options.log(`[crux] alert (${cause}): ${text}`);
    if (!this.options.webhookUrl) return true;
    try {
      const response = await fetch(this.options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `Crux: ${text}` }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return true;
    } catch (error) {
      // Give the day's claim back so the next check tries again. Never log the URL: it is a secret.
      await this.db.query(
        `delete from ops_alerts where cause = $1 and day = (now() at time zone 'utc')::date`,
        [cause],
      );
      this.options.log(
        `[crux] alert webhook (ALERT_WEBHOOK_URL) failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }

  /** Spooled turns the database refuses for good were moved aside (Ledger.replaySpool). */
  spoolQuarantined(turns: ReadonlyArray<{ rowId: string; reason: string }>, where: string): Promise<boolean> {
    const first = turns[0];
    return this.raise(
      'spool_quarantined',
      `${turns.length} spooled turn(s) were refused by the database and moved aside in ${where} ` +
        `(first: ledger row ${first?.rowId}: ${first?.reason}). They are kept, not written: ` +
        '`crux reconcile` lists them; fix the cause, then queue them again (README: the spool).',
    );
  }

  /** The day's spend has reached 80% / 100% of GLOBAL_DAILY_BUDGET_USD (OpsMonitor.checkBudget). */
  budgetCrossed(percent: 80 | 100, spentUsd: string, budgetUsd: string): Promise<boolean> {
    return this.raise(
      percent === 100 ? 'global_budget_100' : 'global_budget_80',
      `today's spend ${spentUsd} USD has reached ${percent}% of the global daily budget (${budgetUsd} USD).`,
    );
  }
}
