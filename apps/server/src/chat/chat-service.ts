import { randomUUID } from 'node:crypto';
import type { ChatEvent, ChatUsageEvent, ErrorCode } from '@crux/contracts';
import type { Config } from '../config/env.ts';
import { resolveBilling } from '../ledger/billing.ts';
import type { Attempt, Ledger } from '../ledger/ledger.ts';
import type { DailyLimits } from '../ledger/limits.ts';
import { CLIENT_DISCONNECTED } from '../ledger/reconcile.ts';
import type { Settlement } from '../ledger/settlement.ts';
import { toClientError, upstreamErrorCode } from '../llm/client-facing-error.ts';
import { type CollectedStream, collectStream } from '../llm/collect-stream.ts';
import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { ChatStream, Usage } from '../llm/types.ts';
import type { BackgroundTasks } from '../shared/background.ts';
import { AppError } from '../shared/errors.ts';
import { pseudonymFor } from '../shared/pseudonym.ts';
import type { MessagesRepo } from './messages-repo.ts';
import { buildChatPrompt, CHAT_HISTORY_SIZE } from './prompt.ts';
import { bestEffort, EventOutput } from './upstream-turn.ts';

/** A stream failure as the client's error event: a contract error code (the ledger keeps the detailed one). */
function clientFacing(failure: { code: string; message: string }): { code: ErrorCode; message: string } {
  const code: ErrorCode = failure.code === 'upstream_timeout' ? 'upstream_timeout' : 'upstream_error';
  return { code, message: `The coach's answer broke off: ${failure.message}` };
}

/** What the client receives, in order: deltas, then `usage` (after the ledger commit) or `error`. */
export type { ChatEvent };
export type UsageEvent = ChatUsageEvent;

/** A finished turn as stored for an idempotent replay. */
export interface CompletedChat {
  content: string;
  usage: UsageEvent;
}

/** Called as a turn ends: `completed` before the usage event reaches the client, `failed` otherwise. */
export interface ChatHooks {
  completed(result: CompletedChat): Promise<void>;
  failed(): Promise<void>;
}

const NO_HOOKS: ChatHooks = { completed: async () => {}, failed: async () => {} };

export interface ChatRun {
  requestId: string;
  events: ReadableStream<ChatEvent>;
  /** The client went away: stop the upstream; the cost is still settled. */
  abort(): void;
}

/** One chat turn in flight. */
interface Turn {
  attempt: Attempt;
  /** The write of the generation id, awaited before the settlement. */
  attached: Promise<void>;
  stream: ChatStream;
  abort: AbortController;
  startedAt: number;
  output: EventOutput;
  hooks: ChatHooks;
}

export interface ChatServiceDeps {
  config: Pick<Config, 'openRouter' | 'limits' | 'jwtSecret'>;
  client: OpenRouterClient;
  ledger: Ledger;
  limits: DailyLimits;
  messages: MessagesRepo;
  background: BackgroundTasks;
  /** The climber's anonymised context and logbook patterns for the prompt. */
  climber: (userId: string) => Promise<{ climbingContext: string; patternsSummary: string | undefined }>;
  /** How long to poll `/generation` for a stream that never delivered usage. */
  generationWaitMs?: number;
}

/** The streaming chat: limit, prompt, ledger row, upstream stream, settlement. No HTTP in here. */
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
    const { config, limits, ledger, messages } = this.deps;
    const model = config.openRouter.model;
    // Independent reads and writes go together: on a Postgres server they overlap.
    const [verdict, history, climber] = await Promise.all([
      limits.take(userId, 'chat', config.limits.dailyChat, config.limits.dailyBudgetUsd),
      messages.recent(userId, CHAT_HISTORY_SIZE - 1),
      this.deps.climber(userId),
    ]);
    if (!verdict.allowed) throw limitError(verdict.reason, config.limits.dailyChat);
    const [, attempt] = await Promise.all([
      messages.add(userId, 'user', message, requestId), // stored before the upstream call
      ledger.open({ requestId, userId, endpoint: 'chat', model }),
    ]);
    const prompt = buildChatPrompt({ history: [...history, { role: 'user', content: message }], ...climber });
    const abort = new AbortController();
    const startedAt = performance.now();
    let stream: ChatStream;
    try {
      stream = await this.deps.client.streamChat({
        model,
        messages: prompt,
        user: pseudonymFor(userId, config.jwtSecret),
        signal: abort.signal,
      });
    } catch (error) {
      await ledger.settleRefusal(
        attempt,
        upstreamErrorCode(error),
        Math.round(performance.now() - startedAt),
      );
      await limits.giveBack(userId, 'chat');
      throw toClientError(error);
    }

    let controller!: ReadableStreamDefaultController<ChatEvent>;
    const events = new ReadableStream<ChatEvent>({
      start: (c) => {
        controller = c; // runs synchronously, inside the constructor
      },
      cancel: () => abort.abort(),
    });
    const output = new EventOutput(controller);
    const turn = { attempt, attached: Promise.resolve(), stream, abort, startedAt, output, hooks };
    this.deps.background.run(this.pump(turn));
    return { requestId, events, abort: () => abort.abort() };
  }

  /** Reads the upstream to its end, forwards deltas, and settles the ledger row whatever happens. */
  private async pump(turn: Turn): Promise<void> {
    try {
      const read = await collectStream(turn.stream, turn.startedAt, {
        onText: (content) => turn.output.send({ type: 'delta', content }),
        // Not awaited: the first token need not wait for this write; the settlement waits for it.
        onGeneration: (id) => {
          turn.attached = this.deps.ledger.attachGeneration(turn.attempt.rowId, id).catch(() => {});
        },
      });
      await turn.attached;
      const known = {
        servedModel: read.servedModel,
        generationId: read.generationId,
        finishReason: read.finishReason,
        latencyMs: Math.round(performance.now() - turn.startedAt),
        ttftMs: read.ttftMs,
      };
      if (!turn.abort.signal.aborted && !read.failure) await this.finishAnswered(turn, read, known);
      else await this.finishUnanswered(turn, read, known);
    } finally {
      turn.output.close();
    }
  }

  /** The answer is complete: settle, store it, then tell the client what it cost. */
  private async finishAnswered(turn: Turn, read: CollectedStream, known: Partial<Settlement>): Promise<void> {
    const { attempt } = turn;
    const billing = await this.billing(read.usage, read.generationId);
    // Never "ok" without a cost: an unknown cost stays pending until the reconciler finds it.
    const settled = billing
      ? await this.deps.ledger.settle(attempt, {
          status: 'ok',
          ...known,
          ...billing,
          finishReason: read.finishReason ?? billing.finishReason,
        })
      : await this.deps.ledger.annotate(attempt, known).then(() => ({ costUsd: undefined }));
    await bestEffort('store the answer', () =>
      this.deps.messages.add(attempt.userId, 'assistant', read.text, attempt.requestId),
    );
    const usageEvent: UsageEvent = {
      type: 'usage',
      prompt_tokens: billing?.promptTokens ?? read.usage?.promptTokens ?? null,
      completion_tokens: billing?.completionTokens ?? read.usage?.completionTokens ?? null,
      total_tokens: billing?.totalTokens ?? read.usage?.totalTokens ?? null,
      cost_usd: settled.costUsd ?? null,
      model: read.servedModel ?? attempt.model,
      finish_reason: read.finishReason ?? billing?.finishReason ?? null,
    };
    await bestEffort('store the idempotent result', () =>
      turn.hooks.completed({ content: read.text, usage: usageEvent }),
    );
    turn.output.send(usageEvent);
  }

  /** Cut, failed or abandoned by the client: the client hears at once, the cost is settled after. */
  private async finishUnanswered(
    turn: Turn,
    read: CollectedStream,
    known: Partial<Settlement>,
  ): Promise<void> {
    const aborted = turn.abort.signal.aborted;
    const errorCode = aborted ? CLIENT_DISCONNECTED : (read.failure?.code ?? 'upstream_error');
    await bestEffort('release the idempotency key', () => turn.hooks.failed());
    if (read.failure && !aborted) turn.output.send({ type: 'error', error: clientFacing(read.failure) });
    turn.output.close();
    const billing = await this.billing(read.usage, read.generationId);
    if (!billing && read.generationId) {
      // Not reported yet: leave the row pending for the reconciler, with what we know.
      await this.deps.ledger.annotate(turn.attempt, {
        ...known,
        errorCode,
        finishReason: aborted ? 'cancelled' : known.finishReason,
      });
      return;
    }
    await this.deps.ledger.settle(turn.attempt, {
      status: aborted ? 'aborted' : 'error',
      ...known,
      errorCode,
      ...(billing ?? { costSource: 'none' }),
      finishReason: aborted ? 'cancelled' : (read.finishReason ?? billing?.finishReason),
    });
  }

  private billing(usage: Usage | undefined, generationId: string | undefined) {
    return resolveBilling(this.deps.client, usage, generationId, {
      maxWaitMs: this.deps.generationWaitMs,
      signal: this.deps.background.signal,
    });
  }
}

function limitError(reason: 'daily_limit' | 'budget', limit: number): AppError {
  return reason === 'budget'
    ? new AppError('budget_exceeded', "Today's coaching budget is spent; it resets at 00:00 UTC.")
    : new AppError(
        'daily_limit_reached',
        `You have used all ${limit} chat messages for today; they reset at 00:00 UTC.`,
      );
}
