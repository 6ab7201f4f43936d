import { randomUUID } from 'node:crypto';
import { prepared } from '../db/prepared.ts';
import type { Db } from '../db/types.ts';
import type { BudgetConfig } from '../ledger/budgets.ts';
import { globalBudgetExceeded, priceUnknown, userBudgetExceeded } from '../ledger/budgets.ts';
import type { InDoubtRows } from '../ledger/in-doubt-rows.ts';
import type { Attempt } from '../ledger/ledger.ts';
import { secondsUntilUtcMidnight } from '../ledger/limits.ts';
import { promptTokenPrice, worstCaseCost } from '../llm/pricing.ts';
import type { CatalogModel, ChatMessage } from '../llm/types.ts';
import { type AppError, LimitError } from '../shared/errors.ts';
import type { StoredMessage } from './messages-repo.ts';

export interface TurnOpenerDeps {
  db: Db;
  /** The configured model (`OPENROUTER_MODEL`), written on the pending row. */
  model: string;
  catalog: CatalogModel | undefined;
  maxTokens: number;
  /** `DAILY_CHAT_LIMIT`. */
  dailyLimit: number;
  budgets: BudgetConfig;
  /** Where a row whose opening lost the database's answer is noted (the ledger's). */
  inDoubt?: InDoubtRows;
}

export interface TurnRequest {
  userId: string;
  requestId: string;
  message: string;
  /** The system message the prompt starts with (its size is part of the worst case). */
  system: ChatMessage;
  /** The climber context version the system message was built from. */
  contextVersion: string;
  /** How many earlier messages the prompt takes. */
  historySize: number;
}

export interface OpenedTurn {
  /** The stored user message. */
  messageId: string;
  /** The pending ledger row, with its budget reservation. */
  attempt: Attempt;
  /** The earlier sent messages, oldest first (the new one not included). */
  history: Array<Pick<StoredMessage, 'role' | 'content'>>;
}

/** The climber's context changed since the caller's copy: reload it and open again. */
export class StaleContextError extends Error {
  constructor() {
    super('The climber context changed since it was cached.');
    this.name = 'StaleContextError';
  }
}

const OPEN_TURN = prepared(
  'crux_open_chat_turn',
  `select role, content from crux_open_chat_turn($1::uuid, $2::bigint, $3::int, $4::int, $5::uuid,
  $6::text, $7::uuid, $8::uuid, $9::text, $10::numeric, $11::numeric, $12::numeric, $13::numeric)`,
);

/**
 * Opens a chat turn in one database round trip (`crux_open_chat_turn`): checks the cached
 * context is current, takes the daily unit, reserves the worst-case cost within the budgets,
 * stores the user message and the pending ledger row, and returns the history. A refusal
 * changes nothing and throws the same AppError as the separate steps (limits.ts, budgets.ts).
 */
export class TurnOpener {
  constructor(private readonly deps: TurnOpenerDeps) {}

  async open(request: TurnRequest): Promise<OpenedTurn> {
    const { db, model, catalog, maxTokens, dailyLimit, budgets } = this.deps;
    const messageId = randomUUID();
    const rowId = randomUUID();
    // The worst case of the prompt without its history; the function adds the history's share.
    const fixed = worstCaseCost(
      catalog,
      [request.system, { role: 'user', content: request.message }],
      maxTokens,
    );
    try {
      const history = await db.query<Pick<StoredMessage, 'role' | 'content'>>(OPEN_TURN, [
        request.userId,
        request.contextVersion,
        dailyLimit,
        request.historySize,
        messageId,
        request.message,
        request.requestId,
        rowId,
        model,
        fixed ?? null,
        fixed === undefined ? null : (promptTokenPrice(catalog) ?? '0'),
        budgets.dailyUsd ?? null,
        budgets.globalDailyUsd ?? null,
      ]);
      return { messageId, attempt: attemptOf(request, model, rowId), history };
    } catch (error) {
      const refusal = refusalOf(error, dailyLimit);
      // The turn may have been written all the same: if its row turns up, the question is given back too.
      if (!refusal)
        this.deps.inDoubt?.note(rowId, () =>
          this.giveBack({ messageId, attempt: attemptOf(request, model, rowId) }),
        );
      throw refusal ?? error;
    }
  }

  /**
   * The upstream refused the turn before any token: its unit back, its question marked failed,
   * in one statement.
   */
  async giveBack(turn: Pick<OpenedTurn, 'messageId' | 'attempt'>): Promise<void> {
    await this.deps.db.query(GIVE_BACK, [turn.attempt.userId, turn.messageId]);
  }
}

const attemptOf = (request: TurnRequest, model: string, rowId: string): Attempt => ({
  requestId: request.requestId,
  userId: request.userId,
  endpoint: 'chat',
  model,
  rowId,
});

/**
 * Marks a refused turn's question failed (kept out of later prompts) and gives its unit back, to
 * the day it was taken from; only once, so a retried give-back cannot return two units.
 */
const GIVE_BACK = `with question as (
    update chat_messages set status = 'failed' where id = $2 and user_id = $1 and status = 'sent'
    returning (created_at at time zone 'utc')::date as day)
  update daily_counters c set used = c.used - 1 from question
  where c.user_id = $1 and c.day = question.day and c.kind = 'chat' and c.used > 0`;

/** The chat limit's refusal, as DailyLimits' callers have always worded it. */
export function chatLimitError(limit: number): AppError {
  return new LimitError(
    'daily_limit_reached',
    'daily_chat',
    `You have used all ${limit} chat messages for today; they reset at 00:00 UTC.`,
    secondsUntilUtcMidnight(),
  );
}

/** Maps the function's own SQLSTATEs (CR001-CR005) to what the caller throws. */
function refusalOf(error: unknown, dailyLimit: number): Error | undefined {
  const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'CR001':
      return chatLimitError(dailyLimit);
    case 'CR002':
      return priceUnknown();
    case 'CR003':
      return userBudgetExceeded();
    case 'CR004':
      return globalBudgetExceeded();
    case 'CR005':
      return new StaleContextError();
    default:
      return undefined;
  }
}
