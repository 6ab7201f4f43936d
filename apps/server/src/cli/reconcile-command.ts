import { envParts } from '../config/env.ts';
import { DatabaseSpool } from '../ledger/database-spool.ts';
import { Ledger } from '../ledger/ledger.ts';
import {
  countOutcome,
  emptyReport,
  type PendingRow,
  type ReconcileReport,
  Reconciler,
  type RowOutcome,
  WAITING_REASONS,
  type WaitingReason,
} from '../ledger/reconcile.ts';
import { FileSpool, type TurnSpool } from '../ledger/spool.ts';
import { OpenRouterClient } from '../llm/openrouter-client.ts';
import { withDb } from './operator-commands.ts';
import { settings } from './settings.ts';

export interface ReconcileOptions {
  /** Only rows at least this old (s). */
  olderThan: number;
  /** Rows still waiting are tried again, with backoff, until this many seconds have passed. */
  deadline: number;
  /** Each `/generation` lookup gives up after this many seconds. */
  timeout: number;
  /** Spooled turns moved aside are queued again first (the cause fixed). */
  requeue?: boolean | undefined;
}

/** How many pending rows one run takes at most (the oldest first). */
const MAX_ROWS = 10_000;

/**
 * `crux reconcile`: the database, and the upstream whose `/generation` has the costs. Prints a
 * line per row (n/total), tries waiting rows again with backoff until the deadline, and ends with
 * a summary. Exit 0 when nothing it took is left pending, 1 otherwise.
 */
export function runReconcile(
  options: ReconcileOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const { database, upstream } = settings({ database: envParts.database, upstream: envParts.upstream });
  return withDb(database, async (db) => {
    // This data directory's spool file, and the database's spool (Edge Functions, CRUX_SPOOL=database).
    const fileSpool = new FileSpool(database.dataDir);
    const spools: TurnSpool[] = [fileSpool, new DatabaseSpool(db)];
    const ledger = new Ledger(db, fileSpool);
    const client = new OpenRouterClient({ baseUrl: upstream.baseUrl, apiKey: upstream.apiKey });
    const reconciler = new Reconciler(db, ledger, client);
    const deadline = Date.now() + options.deadline * 1000;

    let replayed = 0;
    let quarantined = 0;
    for (const spool of spools) {
      const requeued = options.requeue ? await spool.requeue() : 0;
      if (requeued) print(`Queued ${requeued} quarantined turn(s) again (${spool.location}).`);
      const applied = await new Ledger(db, spool).replaySpool();
      replayed += applied;
      if (applied) print(`Applied ${applied} turn(s) from the spool (${spool.location}).`);
      for (const turn of await spool.quarantined()) {
        quarantined++;
        print(
          `Quarantined in ${spool.location}: ledger row ${turn.rowId}, spooled ${turn.spooledAt}, ` +
            `${turn.attempts ?? 0} failed attempt(s): ${turn.reason}`,
        );
      }
    }
    if (quarantined)
      print(
        `${quarantined} spooled turn(s) are quarantined: kept, not written, because the database refuses them. ` +
          'Fix the cause, then queue them again: crux reconcile --requeue.',
      );
    let rows = await reconciler.pendingRows({ olderThanMs: options.olderThan * 1000 }, MAX_ROWS);
    print(
      `${rows.length} pending row(s) at least ${options.olderThan} s old` +
        (rows.length === MAX_ROWS ? ` (the oldest ${MAX_ROWS}; run again for the rest)` : '') +
        `; each lookup bounded by ${options.timeout} s, retries until ${options.deadline} s have passed.`,
    );
    let report = emptyReport();
    let delayMs = 1_000;
    for (let pass = 1; rows.length > 0; pass++) {
      report = {
        ...emptyReport(),
        settled: report.settled,
        closedWithoutGeneration: report.closedWithoutGeneration,
      };
      const waiting: PendingRow[] = [];
      for (const [index, row] of rows.entries()) {
        const leftMs = deadline - Date.now();
        const timeoutMs = Math.max(1_000, Math.min(options.timeout * 1000, leftMs));
        const outcome = await reconciler.settleRow(row, timeoutMs);
        countOutcome(report, outcome);
        if (outcome.kind === 'waiting') waiting.push(row);
        print(
          `[${index + 1}/${rows.length}] ${row.id} ${row.generation_id ?? '(no generation id)'}: ${describe(outcome)}`,
        );
      }
      rows = waiting;
      const leftMs = deadline - Date.now();
      if (rows.length === 0 || leftMs < delayMs) break;
      print(
        `${rows.length} row(s) still waiting: pass ${pass + 1} in ${delayMs / 1000} s (${Math.ceil(leftMs / 1000)} s left).`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 30_000);
    }
    print(summary(report, replayed));
    return report.waiting > 0 ? 1 : 0;
  });
}

function describe(outcome: RowOutcome): string {
  if (outcome.kind === 'settled') return `settled, ${outcome.costUsd ?? 'no'} USD`;
  if (outcome.kind === 'closed') return 'closed without a generation (no cost)';
  return `waiting: ${WAITING_REASONS[outcome.reason]}${outcome.detail ? ` (${outcome.detail})` : ''}`;
}

/** "Settled 3 …; 1 still pending: 1 the upstream does not report …". */
export function summary(report: ReconcileReport, replayed = report.replayedFromSpool): string {
  const reasons = Object.entries(report.waitingByReason)
    .map(([reason, n]) => `${n} ${WAITING_REASONS[reason as WaitingReason]}`)
    .join(', ');
  return (
    `Summary: settled ${report.settled} pending row(s) from generation stats; ` +
    `${report.closedWithoutGeneration} closed without a generation; ${replayed} applied from the spool; ` +
    (report.waiting ? `${report.waiting} still pending: ${reasons}.` : '0 still pending.')
  );
}
