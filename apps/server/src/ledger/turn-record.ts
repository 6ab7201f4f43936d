import { type AssistantMessage, insertAssistantMessage } from '../chat/messages-repo.ts';
import { insertRecommendation, type NewRecommendation } from '../coach/recommendations-repo.ts';
import type { Queryable } from '../db/types.ts';
import { completeIn, type IdempotentCompletion } from '../idempotency/idempotency-store.ts';
import type { Settlement } from './settlement.ts';

/** What a finished attempt stores beside its ledger settlement, in the same transaction. */
export interface TurnCompanions {
  /** The chat's answer, as the client saw it. */
  message?: AssistantMessage | undefined;
  /** The coach's validated plan. */
  recommendation?: NewRecommendation | undefined;
  /** The request's result for a repeat with its `Idempotency-Key`. */
  idempotent?: IdempotentCompletion | undefined;
}

/**
 * Everything one upstream attempt writes after its stream: one transaction, or, when the
 * database is away, one spool entry replayed later. Every part is idempotent (the settlement
 * changes only a pending row; the message and recommendation have their ids already), so a
 * replay after a partial success writes nothing twice.
 */
export interface TurnRecord extends TurnCompanions {
  rowId: string;
  settlement: Settlement;
  /** The cost is not known yet: the row stays pending with what is known, for the reconciler. */
  pending?: boolean | undefined;
  /** When the turn ended (ISO 8601): a late replay keeps the answer in its place in the history. */
  endedAt?: string | undefined;
}

/** Writes a record's companions inside `tx`; `late` (a spool replay) dates them when the turn ended. */
export async function writeCompanions(tx: Queryable, record: TurnRecord, late: boolean): Promise<void> {
  if (record.message) await insertAssistantMessage(tx, record.message, late ? record.endedAt : undefined);
  if (record.recommendation) await insertRecommendation(tx, record.recommendation);
  if (record.idempotent) await completeIn(tx, record.idempotent);
}
