import { randomUUID } from 'node:crypto';
import type { Db } from '../db/types.ts';
import { Budgets } from './budgets.ts';
import type { Endpoint, Settlement } from './settlement.ts';
import type { SettlementSpool } from './spool.ts';

export interface OpenAttempt {
  requestId: string;
  userId: string;
  endpoint: Endpoint;
  model: string;
}

export interface Attempt extends OpenAttempt {
  rowId: string;
}

export interface Reservation {
  /** The call's worst-case cost, exact decimal text; undefined when the price is unknown. */
  worstCaseUsd: string | undefined;
}

export type SettledListener = (attempt: Attempt, settlement: Settlement) => void;

export interface SettledAttempt {
  rowId: string;
  /** The exact cost as stored, or as spooled when the database was away. */
  costUsd: string | undefined;
  /** False when the settlement went to the spool instead of the database. */
  committed: boolean;
}

/**
 * The usage ledger (`api_usage`): one row per upstream attempt, written `pending` before the
 * call and settled once after it. A settlement the database refuses goes to the durable spool.
 */
export class Ledger {
  constructor(
    private readonly db: Db,
    private readonly spool: SettlementSpool,
    private readonly onSettled: SettledListener = () => {},
    private readonly budgets: Budgets = new Budgets(db),
  ) {}

  /**
   * Reserves the call's worst-case cost within the budgets and writes the `pending` row, in one
   * transaction; the upstream call may start once this resolves. Throws AppError
   * `budget_exceeded` (or `model_price_unknown`) when the reservation does not fit.
   */
  async open(attempt: OpenAttempt, reservation: Reservation = { worstCaseUsd: undefined }): Promise<Attempt> {
    const rowId = randomUUID();
    await this.db.transaction(async (tx) => {
      await this.budgets.reserve(tx, attempt.userId, reservation.worstCaseUsd);
      await tx.query(
        `insert into api_usage (id, request_id, user_id, endpoint, model, status, reserved_usd)
         values ($1, $2, $3, $4, $5, 'pending', $6::numeric)`,
        [
          rowId,
          attempt.requestId,
          attempt.userId,
          attempt.endpoint,
          attempt.model,
          reservation.worstCaseUsd ?? null,
        ],
      );
    });
    return { ...attempt, rowId };
  }

  /** Records the generation id as soon as the upstream names it, so a crash can still be reconciled. */
  async attachGeneration(rowId: string, generationId: string): Promise<void> {
    await this.db.query(`update api_usage set generation_id = $2 where id = $1 and status = 'pending'`, [
      rowId,
      generationId,
    ]);
  }

  /** Settles a pending row. Never throws for a database fault: the settlement is spooled instead. */
  async settle(attempt: Attempt, settlement: Settlement): Promise<SettledAttempt> {
    const { rowId } = attempt;
    this.onSettled(attempt, settlement);
    try {
      await this.write(rowId, settlement);
      return { rowId, costUsd: settlement.costUsd, committed: true };
    } catch {
      await this.spool.append(rowId, settlement);
      return { rowId, costUsd: settlement.costUsd, committed: false };
    }
  }

  /** Settles an attempt the upstream refused before answering: an `error` row with no cost. */
  settleRefusal(attempt: Attempt, errorCode: string, latencyMs: number): Promise<SettledAttempt> {
    return this.settle(attempt, { status: 'error', costSource: 'none', errorCode, latencyMs });
  }

  /**
   * Leaves a row pending (its cost is not known yet) but records what is: the reconciler
   * settles it from the generation stats later and keeps these fields.
   */
  async annotate(
    attempt: Attempt,
    note: Pick<Settlement, 'latencyMs' | 'ttftMs' | 'errorCode' | 'servedModel' | 'finishReason'>,
  ): Promise<void> {
    await this.db
      .query(
        `update api_usage set latency_ms = $2, ttft_ms = $3, error_code = $4, served_model = coalesce($5, served_model),
           finish_reason = coalesce($6, finish_reason)
         where id = $1 and status = 'pending'`,
        [
          attempt.rowId,
          note.latencyMs ?? null,
          note.ttftMs ?? null,
          note.errorCode ?? null,
          note.servedModel ?? null,
          note.finishReason ?? null,
        ],
      )
      .catch(() => {}); // best effort: the reconciler settles the row either way
  }

  /** Applies spooled settlements; returns how many landed. */
  replaySpool(): Promise<number> {
    return this.spool.drain((entry) => this.write(entry.rowId, entry.settlement));
  }

  /**
   * The settlement itself: only a pending row changes, so a replay after success changes
   * nothing. In the same transaction the row's reservation leaves today's counters (of its
   * user, then everyone) and its cost joins them.
   */
  async write(rowId: string, s: Settlement): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{
        scope: string;
        day: string;
        reserved: string | null;
        cost: string | null;
      }>(
        `update api_usage set
           status = $2, served_model = coalesce($3, served_model), generation_id = coalesce($4, generation_id),
           prompt_tokens = $5, completion_tokens = $6, total_tokens = $7, cached_tokens = $8, reasoning_tokens = $9,
           cost_usd = $10::numeric, cost_source = $11, latency_ms = coalesce($12, latency_ms),
           ttft_ms = coalesce($13, ttft_ms), error_code = coalesce($14, error_code),
           finish_reason = coalesce($15, finish_reason), settled_at = now()
         where id = $1 and status = 'pending'
         returning user_id::text as scope, to_char(created_at at time zone 'utc', 'YYYY-MM-DD') as day,
           reserved_usd::text as reserved, cost_usd::text as cost`,
        [
          rowId,
          s.status,
          s.servedModel ?? null,
          s.generationId ?? null,
          s.promptTokens ?? null,
          s.completionTokens ?? null,
          s.totalTokens ?? null,
          s.cachedTokens ?? null,
          s.reasoningTokens ?? null,
          s.costUsd ?? null,
          s.costSource,
          s.latencyMs ?? null,
          s.ttftMs ?? null,
          s.errorCode ?? null,
          s.finishReason ?? null,
        ],
      );
      if (!row) return;
      for (const scope of [row.scope, 'global']) {
        await tx.query(
          `insert into spend_counters as c (scope, day, spent) values ($1, $2::date, coalesce($4::numeric, 0))
           on conflict (scope, day) do update
             set reserved = greatest(c.reserved - coalesce($3::numeric, 0), 0), spent = c.spent + coalesce($4::numeric, 0)`,
          [scope, row.day, row.reserved, row.cost],
        );
      }
    });
  }
}
