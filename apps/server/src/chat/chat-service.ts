import { randomUUID } from 'node:crypto';
import type { ChatDeltaEvent, ChatErrorEvent, ChatUsageEvent, ErrorCode } from '@crux/contracts';
import type { ClimberContextCache } from '../coach/context-cache.ts';
import type { IdempotentCompletion } from '../idempotency/idempotency-store.ts';
import type { MeteredCall, MeteredCalls } from '../ledger/metered-call.ts';
import { billingFromUsage } from '../ledger/settlement.ts';
import { toClientError } from '../llm/client-facing-error.ts';
import type { CollectedStream } from '../llm/collect-stream.ts';
import type { ChatMessage } from '../llm/types.ts';
import type { BackgroundTasks } from '../shared/background.ts';
import { AppError } from '../shared/errors.ts';
import type { MessagesRepo } from './messages-repo.ts';
import { buildChatPrompt, CHAT_HISTORY_SIZE, chatSystemMessage } from './prompt.ts';
import { type OpenedTurn, StaleContextError, type TurnOpener } from './turn-opener.ts';
import { bestEffort, type ChatEventSink, EventOutput } from './upstream-turn.ts';

/** A stream failure as the client's error event: a contract error code (the ledger keeps the detailed one). */
function clientFacing(failure: { code: string; message: string }): { code: ErrorCode; message: string } {
  const code: ErrorCode = failure.code === 'upstream_timeout' ? 'upstream_timeout' : 'upstream_error';
  return { code, message: `The coach's answer broke off: ${failure.message}` };
}

/**
 * What the client receives, in order: deltas, then `usage` (after the ledger commit) or `error`
 * (the HTTP layer adds the request's id to an error, see http/sse.ts).
 */
export type ChatEvent =
  | ChatDeltaEvent
  | ChatUsageEvent
  | { type: 'error'; error: Omit<ChatErrorEvent['error'], 'request_id'> };
export type UsageEvent = ChatUsageEvent;

/** A finished turn as stored for an idempotent replay. */
export interface CompletedChat {
  content: string;
  usage: UsageEvent;
}

/** How a turn ends for its caller (the Idempotency-Key wrapper). */
export interface ChatHooks {
  /** The idempotent result to store with the answer, in the same transaction, before the usage event. */
  completion?(result: CompletedChat): IdempotentCompletion;
  /** The turn failed: called before its error reaches the client. */
  failed(): Promise<void>;
}

const NO_HOOKS: ChatHooks = { failed: async () => {} };

export interface ChatRun {
  requestId: string;
  /** Sends the turn's events to the client's sink (see http/sse.ts), in order; call it once. */
  attach(sink: ChatEventSink): void;
  /** The client went away: stop the upstream; the cost is still settled. */
  abort(): void;
}

/** One chat turn in flight. */
interface Turn {
  call: MeteredCall;
  output: EventOutput;
  hooks: ChatHooks;
}

export interface ChatServiceDeps {
  metered: MeteredCalls;
  /** The one round trip that opens a turn. */
  turns: TurnOpener;
  messages: MessagesRepo;
  background: BackgroundTasks;
  /** The climber's anonymised context and logbook patterns for the prompt, cached. */
  context: ClimberContextCache;
}

/** A context changed under every reload this often in a row is given up on (503, try again). */
const MAX_CONTEXT_RELOADS = 3;
/** A give-back the database refused is retried this often, after 1 s, 2 s, … */
const GIVE_BACK_TRIES = 5;
const GIVE_BACK_RETRY_MS = 1_000;

/** The streaming chat: limit, prompt, metered upstream stream, stored answer. No HTTP in here. */
export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /**
   * Starts a chat turn. Throws AppError before anything streams (limit reached, upstream
   * refused); otherwise returns the run whose events the caller forwards to the client.
   */
  async start(
    userId: string,
    message: string,
    hooks: ChatHooks = NO_HOOKS,
    requestId = randomUUID(),
  ): Promise<ChatRun> {
    try {
      return await this.open(userId, message, hooks, requestId);
    } catch (error) {
      await hooks.failed();
      throw error;
    }
  }

  private async open(userId: string, message: string, hooks: ChatHooks, requestId: string): Promise<ChatRun> {
    const { turn, system } = await this.openTurn(userId, message, requestId);
    const prompt = buildChatPrompt(
      { history: [...turn.history, { role: 'user', content: message }], climbingContext: '' },
      system,
    );
    let call: MeteredCall;
    try {
      call = await this.deps.metered.start(turn.attempt, { messages: prompt });
    } catch (error) {
      // Refused before any token: the message is kept out of the next prompt, the unit given back.
      await this.giveBack(turn);
      throw error instanceof AppError ? error : toClientError(error);
    }
    const output = new EventOutput();
    this.deps.background.run(this.pump({ call, output, hooks }));
    return { requestId, attach: (sink) => output.attach(sink), abort: () => call.abort() };
  }

  /**
   * The one round trip before the upstream call (limit, budget, user message, pending row,
   * history), with the prompt's system message from the cached climber context; a context
   * changed since it was cached is reloaded and the turn opened again (nothing was written).
   */
  private async openTurn(
    userId: string,
    message: string,
    requestId: string,
  ): Promise<{ turn: OpenedTurn; system: ChatMessage }> {
    let context = await this.deps.context.get(userId);
    for (let tries = 1; ; tries++) {
      const system = chatSystemMessage(context.climber);
      try {
        const turn = await this.deps.turns.open({
          userId,
          requestId,
          message,
          system,
          contextVersion: context.version,
          historySize: CHAT_HISTORY_SIZE - 1,
        });
        return { turn, system };
      } catch (error) {
        if (!(error instanceof StaleContextError)) throw error;
        if (tries >= MAX_CONTEXT_RELOADS)
          throw new AppError('server_busy', 'Your logbook is changing right now; try again in a moment.', {
            'retry-after': '1',
          });
        context = await this.deps.context.load(userId);
      }
    }
  }

  /**
   * Gives a refused turn back; when the database cannot take it now (saturated, away), keeps
   * trying in the background rather than leave the unit spent.
   */
  private async giveBack(turn: OpenedTurn): Promise<void> {
    try {
      await this.deps.turns.giveBack(turn);
    } catch {
      this.deps.background.run(
        (async () => {
          for (let attempt = 1; ; attempt++) {
            await new Promise((resolve) => setTimeout(resolve, GIVE_BACK_RETRY_MS * attempt));
            try {
              return await this.deps.turns.giveBack(turn);
            } catch (error) {
              if (attempt >= GIVE_BACK_TRIES || this.deps.background.signal.aborted) throw error;
            }
          }
        })(),
      );
    }
  }

  /** Reads the upstream to its end, forwards deltas, and settles the ledger row whatever happens. */
  private async pump(turn: Turn): Promise<void> {
    try {
      const read = await turn.call.read((content) => turn.output.send({ type: 'delta', content }));
      if (!turn.call.aborted && !read.failure) await this.finishAnswered(turn, read);
      else await this.finishUnanswered(turn, read);
    } finally {
      turn.output.close();
    }
  }

  /**
   * The answer is complete: the settlement, the answer and the idempotent result go in one
   * transaction (or one durable spool entry), and only then does the client hear what it cost.
   */
  private async finishAnswered(turn: Turn, read: CollectedStream): Promise<void> {
    const { attempt } = turn.call;
    const resolved = await turn.call.resolve(read);
    const tokens = resolved.billing ?? (read.usage ? billingFromUsage(read.usage) : undefined);
    const usageEvent: UsageEvent = {
      type: 'usage',
      prompt_tokens: tokens?.promptTokens ?? null,
      completion_tokens: tokens?.completionTokens ?? null,
      total_tokens: tokens?.totalTokens ?? null,
      cost_usd: resolved.costUsd ?? null,
      model: read.servedModel ?? attempt.model,
      finish_reason: resolved.finishReason ?? null,
    };
    const message = {
      id: randomUUID(),
      userId: attempt.userId,
      requestId: attempt.requestId,
      content: read.text,
    };
    try {
      await turn.call.commit(resolved, {
        message,
        idempotent: turn.hooks.completion?.({ content: read.text, usage: usageEvent }),
      });
    } catch (error) {
      // Neither the database nor the spool took it: the client must not believe it was kept.
      console.error(`[crux] could not store or spool a finished turn: ${describe(error)}`);
      await bestEffort('release the idempotency key', () => turn.hooks.failed());
      turn.output.send({ type: 'error', error: { code: 'service_unavailable', message: NOT_STORED } });
      return;
    }
    turn.output.send(usageEvent);
  }

  /** Cut, failed or abandoned by the client: the client hears at once, the cost is settled after. */
  private async finishUnanswered(turn: Turn, read: CollectedStream): Promise<void> {
    await bestEffort('release the idempotency key', () => turn.hooks.failed());
    if (read.failure && !turn.call.aborted)
      turn.output.send({ type: 'error', error: clientFacing(read.failure) });
    turn.output.close();
    await turn.call.settle(read);
  }
}

const NOT_STORED =
  'The answer could not be saved (neither the database nor the spool took it); it is not in your history.';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
