import type { ReconcileReport, Reconciler } from '../ledger/reconcile.ts';
import type { InstanceLease } from './instance-lease.ts';

export interface SweeperOptions {
  lease: InstanceLease;
  reconciler: Reconciler;
  log: (line: string) => void;
  /** How often pending rows are swept and the spool drained (default: the heartbeat). */
  sweepIntervalMs?: number | undefined;
  /** This instance's own rows, and rows with no known owner, are swept once this old (default 60 s). */
  reconcileAfterMs?: number | undefined;
  /** Runs after each sweep (the global budget alert). */
  afterSweep?: () => Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Keeps this instance's lease alive (a heartbeat every `lease.timing.heartbeatMs`) and sweeps the
 * ledger: rows of instances whose lease expired are settled at once, this instance's own
 * leftovers and rows with no known owner once `reconcileAfterMs` old.
 */
export class SettlementSweeper {
  private heartbeat: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SweeperOptions) {}

  /** Takes the lease, sweeps once, then keeps both going. */
  async start(): Promise<void> {
    const { lease } = this.options;
    await lease.renew();
    await lease.prune().catch(() => {});
    this.heartbeat = setInterval(() => void this.beat(), lease.timing.heartbeatMs);
    this.heartbeat.unref();
    await this.sweep();
    this.sweeper = setInterval(
      () => void this.sweep(),
      this.options.sweepIntervalMs ?? lease.timing.heartbeatMs,
    );
    this.sweeper.unref();
  }

  /** One sweep now (never two at once); resolves with its report, undefined when it failed. */
  sweep(): Promise<ReconcileReport | undefined> {
    const run = this.sweeping.then(() => this.sweepOnce());
    this.sweeping = run;
    return run;
  }

  /** Stops the timers; `release` then hands this instance's leftovers to the others. */
  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
  }

  async release(): Promise<void> {
    this.stop();
    await this.sweeping;
    await this.options.lease.release().catch(() => {});
  }

  private async beat(): Promise<void> {
    await this.options.lease.renew().catch((error: unknown) => {
      this.options.log(`[crux] lease heartbeat failed: ${message(error)}`);
    });
  }

  private async sweepOnce(): Promise<ReconcileReport | undefined> {
    const { reconciler, lease, log } = this.options;
    const report = await reconciler
      .run({
        instanceId: lease.instanceId,
        unownedAfterMs: this.options.reconcileAfterMs ?? 60_000,
        ownAfterMs: this.options.reconcileAfterMs ?? 60_000,
      })
      .catch((error: unknown) => {
        log(`[crux] reconcile failed: ${message(error)}`);
        return undefined;
      });
    if (report && (report.settled || report.replayedFromSpool || report.closedWithoutGeneration))
      log(`[crux] reconciled: ${JSON.stringify(report)}`);
    await this.options.afterSweep?.().catch((error: unknown) => {
      log(`[crux] operator checks failed: ${message(error)}`);
    });
    return report;
  }
}
