import { randomUUID } from 'node:crypto';
import type { AssistantMessage } from '../chat/messages-repo.ts';
import { prepared } from '../db/prepared.ts';
import type { Db, Queryable } from '../db/types.ts';
import { AppError } from '../shared/errors.ts';
import { Budgets } from './budgets.ts';
import { InDoubtRows } from './in-doubt-rows.ts';
import type { Endpoint, Settlement } from './settlement.ts';
import type { QuarantinedTurn, TurnSpool } from './spool.ts';
import { type TurnCompanions, type TurnRecord, writeCompanions } from './turn-record.ts';

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

export interface LedgerOptions {
  /** After a turn is spooled, the spool is retried this often until it is empty (0: only by the sweep). */
  spoolRetryMs?: number | undefined;
  /** Spooled turns the database refused for good, just moved aside (an operator alert, a metric). */
  onQuarantined?: ((turns: QuarantinedTurn[], where: string) => void) | undefined;
  /**
   * Spools of other instances this one drains too (never appends to): a Node server with the file
   * spool also drains `turn_spool`, which Edge Functions beside it on the same database fill.
   */
  alsoDrain?: TurnSpool[] | undefined;
}

type Note = Pick<Settlement, 'latencyMs' | 'ttftMs' | 'errorCode' | 'servedModel' | 'finishReason'>;

/**
 * The usage ledger (`api_usage`): one row per upstream attempt, written `pending` before the
 * call and settled once after it, in one transaction with what the turn stores beside it (the
 * answer, the plan, the idempotent result). A turn the database refuses goes to the durable
 * spool whole, and is written from there once the database is back.
 */
export class Ledger {
  private retry: ReturnType<typeof setInterval> | undefined;
  /** Rows whose opening lost the database's answer: the sweep closes them (reconcile.ts). */
  readonly inDoubt = new InDoubtRows();

  constructor(
    private readonly db: Db,
    private readonly spool: TurnSpool,
    private readonly onSettled: SettledListener = () => {},
    private readonly budgets: Budgets = new Budgets(db),
    private readonly options: LedgerOptions = {},
  ) {}

  /**
   * Reserves the call's worst-case cost within the budgets and writes the `pending` row, in one
   * transaction; the upstream call may start once this resolves. Throws AppError
   * `budget_exceeded` (or `model_price_unknown`) when the reservation does not fit.
   */
  async open(attempt: OpenAttempt, reservation: Reservation = { worstCaseUsd: undefined }): Promise<Attempt> {
    const rowId = randomUUID();
    try {
      await this.openRow(rowId, attempt, reservation);
    } catch (error) {
      if (!(error instanceof AppError)) this.inDoubt.note(rowId); // it may have committed
      throw error;
    }
    return { ...attempt, rowId };
  }

  private async openRow(rowId: string, attempt: OpenAttempt, reservation: Reservation): Promise<void> {
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
  }

  /**
   * Records the generation id as soon as the upstream names it, so a crash can still be
   * reconciled; committed without waiting for the disk (`crux_attach_generation`), so a turn
   * waits for two durable commits only, its opening and its settlement.
   */
  async attachGeneration(rowId: string, generationId: string): Promise<void> {
    await this.db.query(ATTACH_GENERATION, [rowId, generationId]);
  }

  /**
   * Settles a pending row, with what the turn stores beside it, in one transaction. Never throws
   * for a database fault: the whole turn is spooled instead (it throws only if the spool fails).
   */
  async settle(
    attempt: Attempt,
    settlement: Settlement,
    companions: TurnCompanions = {},
  ): Promise<SettledAttempt> {
    this.onSettled(attempt, settlement);
    const committed = await this.persist({ rowId: attempt.rowId, settlement, ...companions });
    return { rowId: attempt.rowId, costUsd: settlement.costUsd, committed };
  }

  /** Settles an attempt the upstream refused before answering: an `error` row with no cost. */
  settleRefusal(attempt: Attempt, errorCode: string, latencyMs: number): Promise<SettledAttempt> {
    return this.settle(attempt, { status: 'error', costSource: 'none', errorCode, latencyMs });
  }

  /**
   * Leaves a row pending (its cost is not known yet) but records what is, with what the turn
   * stores beside it, in one transaction (or one spool entry): the reconciler settles the row
   * from the generation stats later and keeps these fields.
   */
  async annotate(attempt: Attempt, note: Note, companions: TurnCompanions = {}): Promise<SettledAttempt> {
    const settlement: Settlement = { status: 'ok', costSource: 'none', ...note };
    const committed = await this.persist({ rowId: attempt.rowId, settlement, pending: true, ...companions });
    return { rowId: attempt.rowId, costUsd: undefined, committed };
  }

  /**
   * Applies spooled turns in order (this instance's spool, then `alsoDrain`'s); returns how many
   * landed. Entries the database refuses for good are moved aside (see `TurnSpool.drain`) and reported to `onQuarantined`.
   */
  async replaySpool(): Promise<number> {
    let total = 0;
    for (const spool of [this.spool, ...(this.options.alsoDrain ?? [])]) {
      const { applied, quarantined } = await spool.drain((entry, tx) => this.write(entry, true, tx));
      if (quarantined.length > 0) this.options.onQuarantined?.(quarantined, spool.location);
      total += applied;
    }
    return total;
  }

  /** The spooled turns moved aside, for an operator. */
  quarantinedTurns(): Promise<QuarantinedTurn[]> {
    return this.spool.quarantined();
  }

  /** Stops retrying the spool (the periodic sweep still drains it). */
  close(): void {
    clearInterval(this.retry);
    this.retry = undefined;
  }

  /** One transaction, else one durable spool entry; true when committed. */
  private async persist(record: TurnRecord): Promise<boolean> {
    const stamped: TurnRecord = { ...record, endedAt: new Date().toISOString() };
    try {
      await this.write(stamped, false);
      return true;
    } catch {
      await this.spool.append(stamped);
      this.retrySpool();
      return false;
    }
  }

  /** Drains the spool every `spoolRetryMs` until it is empty, so a turn lands soon after the database returns. */
  private retrySpool(): void {
    const every = this.options.spoolRetryMs ?? 2_000;
    if (this.retry || every <= 0) return;
    this.retry = setInterval(() => {
      void this.replaySpool()
        .then(() => this.spool.size())
        .then((left) => {
          if (left === 0) this.close();
        })
        .catch(() => {});
    }, every);
    (this.retry as { unref?: () => void }).unref?.();
  }

  /**
   * Writes a turn in one transaction (`within`, else its own): the settlement (or, for a cost
   * still unknown, the annotation) and its companions. Idempotent: a replay after a success
   * changes nothing. A settlement with at most an answer beside it is one statement.
   */
  async write(record: TurnRecord, late = false, within?: Queryable): Promise<void> {
    if (!within && !late && !record.pending && !record.recommendation && !record.idempotent) {
      await settleTurn(this.db, record.rowId, record.settlement, record.message);
      return;
    }
    const work = async (tx: Queryable) => {
      if (record.pending) await annotateIn(tx, record.rowId, record.settlement);
      else await settleTurn(tx, record.rowId, record.settlement, undefined);
      await writeCompanions(tx, record, late);
    };
    await (within ? work(within) : this.db.transaction(work));
  }
}

/** $1 row id, $2-$15 the settlement, as crux_settle_turn takes them. */
function settlementParams(rowId: string, s: Settlement): unknown[] {
  return [
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
  ];
}

/**
 * The settlement, with the turn's answer when given, one statement (`crux_settle_turn`): only a
 * pending row changes, so a replay after success changes nothing. With it the row's reservation
 * leaves its user's counter for the day and its cost joins it; the server's spend is the rollups'
 * (triggers in the same statement) and its reservations the pending rows', so no row shared by
 * every turn is locked here.
 */
async function settleTurn(
  db: Queryable,
  rowId: string,
  s: Settlement,
  answer: AssistantMessage | undefined,
): Promise<void> {
  await db.query(SETTLE_TURN, [
    ...settlementParams(rowId, s),
    answer?.id ?? null,
    answer?.userId ?? null,
    answer?.content ?? null,
    answer?.requestId ?? null,
  ]);
}

const SETTLE_TURN = prepared(
  'crux_settle_turn',
  `select crux_settle_turn($1::uuid, $2::text, $3::text, $4::text, $5::int, $6::int, $7::int,
  $8::int, $9::int, $10::numeric, $11::text, $12::int, $13::int, $14::text, $15::text, $16::uuid, $17::uuid,
  $18::text, $19::uuid)`,
);

const ATTACH_GENERATION = prepared(
  'crux_attach_generation',
  'select crux_attach_generation($1::uuid, $2::text)',
);

/** Records what is known of a row still pending; a row settled meanwhile is left alone. */
async function annotateIn(tx: Queryable, rowId: string, note: Note): Promise<void> {
  await tx.query(
    `update api_usage set latency_ms = $2, ttft_ms = $3, error_code = $4, served_model = coalesce($5, served_model),
       finish_reason = coalesce($6, finish_reason)
     where id = $1 and status = 'pending'`,
    [
      rowId,
      note.latencyMs ?? null,
      note.ttftMs ?? null,
      note.errorCode ?? null,
      note.servedModel ?? null,
      note.finishReason ?? null,
    ],
  );
}
