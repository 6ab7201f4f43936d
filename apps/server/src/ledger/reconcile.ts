import type { Db } from '../db/types.ts';
import { UpstreamError } from '../llm/errors.ts';
import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { GenerationStats } from '../llm/types.ts';
import type { Ledger } from './ledger.ts';
import type { Endpoint, FinalStatus } from './settlement.ts';
import { billingFromGeneration } from './settlement.ts';

/** Why a row is still pending after a try. */
export type WaitingReason =
  | 'not_reported_yet'
  | 'upstream_timeout'
  | 'upstream_error'
  | 'no_generation_id_yet'
  | 'out_of_time';

export const WAITING_REASONS: Record<WaitingReason, string> = {
  not_reported_yet: 'the upstream does not report the generation yet (404)',
  upstream_timeout: 'the generation lookup timed out',
  upstream_error: 'the generation lookup failed',
  no_generation_id_yet: 'no generation id yet (its instance may still record one)',
  out_of_time: 'not tried: the pass ran out of time',
};

export interface ReconcileReport {
  /** Rows settled from the generation stats. */
  settled: number;
  /** Rows still pending (tried again on the next sweep): `waitingByReason` says why. */
  waiting: number;
  waitingByReason: Partial<Record<WaitingReason, number>>;
  /** Rows that never got a generation id (the call never reached the upstream, or its instance died first), closed with no cost. */
  closedWithoutGeneration: number;
  /** Spooled settlements applied. */
  replayedFromSpool: number;
}

export interface PendingRow {
  id: string;
  request_id: string;
  user_id: string;
  endpoint: Endpoint;
  model: string;
  generation_id: string | null;
  error_code: string | null;
  instance_id: string | null;
  /** The row's instance held a lease that has expired: it will never settle the row itself. */
  owner_dead: boolean;
  age_ms: number;
}

export type RowOutcome =
  | { kind: 'settled'; costUsd: string | undefined }
  | { kind: 'closed' }
  | { kind: 'waiting'; reason: WaitingReason; detail?: string };

/** Which pending rows a pass takes. */
export type Selection =
  /** Every pending row at least this old (a manual reconcile, the start of the embedded server). */
  | { olderThanMs: number }
  /**
   * What a live instance settles: the rows of instances whose lease expired (at once), rows
   * with no known owner older than `unownedAfterMs`, and its own rows older than `ownAfterMs`
   * (a cost `/generation` reported late). Rows of other live instances are left to them.
   */
  | { instanceId: string; unownedAfterMs: number; ownAfterMs: number };

export const CLIENT_DISCONNECTED = 'client_disconnected';
/** The error code of a row whose opening lost the database's answer (its request failed there). */
const DATABASE_UNAVAILABLE = 'database_unavailable';
/** The error code of a row closed without a generation id because its instance died. */
export const INSTANCE_LOST = 'instance_lost';
/** error codes of an answer that arrived but failed validation (see coach/recommendation-schema.ts). */
const INVALID_OUTPUT_CODES = new Set(['invalid_json', 'schema_mismatch']);
const AGE_MS = `(extract(epoch from (now() - u.created_at)) * 1000)::float8`;
const OWNER_DEAD = `l.expires_at < now() and u.instance_id is distinct from $1::text`;

/**
 * Settles `pending` rows left by a crash or by a generation lookup that gave up: the cost comes
 * from `GET /generation`. Run at start, by each instance's sweep (see `Selection`), and by
 * `crux reconcile`.
 */
export class Reconciler {
  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly client: OpenRouterClient,
    /** A row without a generation id this old can no longer get one. */
    private readonly orphanAfterMs = 15 * 60_000,
  ) {}

  /**
   * One pass: replays the spool, then tries every selected row once, each lookup bounded by
   * `timeoutMs`; rows left when `budgetMs` has passed wait for the next pass (`out_of_time`).
   */
  async run(
    selection: number | Selection,
    {
      timeoutMs = 10_000,
      budgetMs = Number.POSITIVE_INFINITY,
    }: { timeoutMs?: number; budgetMs?: number } = {},
  ): Promise<ReconcileReport> {
    const endAt = Date.now() + budgetMs;
    const report = emptyReport();
    report.replayedFromSpool = await this.ledger.replaySpool();
    report.closedWithoutGeneration += await this.closeInDoubt();
    const rows = await this.pendingRows(
      typeof selection === 'number' ? { olderThanMs: selection } : selection,
    );
    for (const row of rows) {
      const leftMs = endAt - Date.now();
      countOutcome(
        report,
        leftMs <= 0
          ? { kind: 'waiting', reason: 'out_of_time' }
          : await this.settleRow(row, Math.max(1_000, Math.min(timeoutMs, leftMs))),
      );
    }
    return report;
  }

  /**
   * Closes the rows this instance opened without learning whether they were written (see
   * in-doubt-rows.ts): no request goes on with them, so no cost can come. Returns how many.
   */
  private async closeInDoubt(): Promise<number> {
    const ids = this.ledger.inDoubt.list();
    if (ids.length === 0) return 0;
    const rows = await this.db.query<Omit<PendingRow, 'owner_dead' | 'age_ms'>>(
      `select id, request_id, user_id, endpoint, model, generation_id, error_code, instance_id
       from api_usage where status = 'pending' and generation_id is null and id = any($1::uuid[])`,
      [ids],
    );
    for (const row of rows) {
      const { id: rowId, request_id: requestId, user_id: userId, endpoint, model } = row;
      await this.ledger.settle(
        { rowId, requestId, userId, endpoint, model },
        { status: 'error', costSource: 'none', errorCode: row.error_code ?? DATABASE_UNAVAILABLE },
      );
      // Its question and daily unit back; should that fail, the row stays closed all the same.
      await this.ledger.inDoubt
        .undoOf(rowId)?.()
        .catch((error: unknown) =>
          console.error(`[crux] could not give back in-doubt turn ${requestId}: ${String(error)}`),
        );
    }
    this.ledger.inDoubt.forget(ids);
    return rows.length;
  }

  /** The pending rows a pass takes, oldest first (at most `limit`). */
  pendingRows(selection: Selection, limit = 500): Promise<PendingRow[]> {
    // $1: this instance (never "dead" to itself, even when its own lease lapsed in an outage).
    const [where, params] =
      'olderThanMs' in selection
        ? [`${AGE_MS} >= $2::float8`, [null, selection.olderThanMs]]
        : [
            `((${OWNER_DEAD})
              or (l.instance_id is null and ${AGE_MS} >= $2::float8)
              or (u.instance_id = $1 and ${AGE_MS} >= $3::float8))`,
            [selection.instanceId, selection.unownedAfterMs, selection.ownAfterMs],
          ];
    return this.db.query<PendingRow>(
      `select u.id, u.request_id, u.user_id, u.endpoint, u.model, u.generation_id, u.error_code, u.instance_id,
              coalesce(${OWNER_DEAD}, false) as owner_dead, ${AGE_MS} as age_ms
       from api_usage u left join instance_leases l on l.instance_id = u.instance_id
       where u.status = 'pending' and ${where}
       order by u.created_at limit ${Math.max(1, Math.floor(limit))}`,
      params,
    );
  }

  /** Tries to settle one row; the generation lookup is bounded by `timeoutMs`. */
  async settleRow(row: PendingRow, timeoutMs = 10_000): Promise<RowOutcome> {
    const attempt = {
      rowId: row.id,
      requestId: row.request_id,
      userId: row.user_id,
      endpoint: row.endpoint,
      model: row.model,
    };
    if (!row.generation_id) {
      // Its instance died before the upstream named the generation, or it never will: no cost known.
      if (!row.owner_dead && row.age_ms < this.orphanAfterMs)
        return { kind: 'waiting', reason: 'no_generation_id_yet' };
      await this.ledger.settle(attempt, {
        status: 'error',
        costSource: 'none',
        errorCode: row.error_code ?? (row.owner_dead ? INSTANCE_LOST : 'no_generation_id'),
      });
      return { kind: 'closed' };
    }
    let stats: GenerationStats | undefined;
    try {
      stats = await this.client.getGeneration(row.generation_id, AbortSignal.timeout(timeoutMs));
    } catch (error) {
      const timedOut =
        (error instanceof UpstreamError && error.kind === 'timeout') ||
        (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
      return {
        kind: 'waiting',
        reason: timedOut ? 'upstream_timeout' : 'upstream_error',
        detail: error instanceof Error ? error.message : String(error),
      };
    }
    if (!stats) return { kind: 'waiting', reason: 'not_reported_yet' };
    const settled = await this.ledger.settle(attempt, {
      status: statusFor(row.error_code, stats),
      servedModel: stats.model,
      ...billingFromGeneration(stats),
    });
    return { kind: 'settled', costUsd: settled.costUsd };
  }
}

export function emptyReport(): ReconcileReport {
  return { settled: 0, waiting: 0, waitingByReason: {}, closedWithoutGeneration: 0, replayedFromSpool: 0 };
}

/** Adds one row's outcome to a report. */
export function countOutcome(report: ReconcileReport, outcome: RowOutcome): void {
  if (outcome.kind === 'settled') report.settled++;
  else if (outcome.kind === 'closed') report.closedWithoutGeneration++;
  else {
    report.waiting++;
    report.waitingByReason[outcome.reason] = (report.waitingByReason[outcome.reason] ?? 0) + 1;
  }
}

function statusFor(errorCode: string | null, stats: GenerationStats): FinalStatus {
  if (errorCode === CLIENT_DISCONNECTED || stats.cancelled) return 'aborted';
  if (errorCode && INVALID_OUTPUT_CODES.has(errorCode)) return 'invalid_output';
  if (errorCode) return 'error';
  return 'ok';
}
