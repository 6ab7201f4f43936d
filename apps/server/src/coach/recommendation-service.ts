import { randomUUID } from 'node:crypto';
import Big from 'big.js';
import type { Config } from '../config/env.ts';
import { fingerprintOf, type IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { resolveBilling } from '../ledger/billing.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { DailyLimits } from '../ledger/limits.ts';
import { toClientError, upstreamErrorCode } from '../llm/client-facing-error.ts';
import { collectStream } from '../llm/collect-stream.ts';
import { UpstreamError } from '../llm/errors.ts';
import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import type { ChatMessage, ChatStream } from '../llm/types.ts';
import type { BackgroundTasks } from '../shared/background.ts';
import { AppError } from '../shared/errors.ts';
import { pseudonymFor } from '../shared/pseudonym.ts';
import type { ClimberContext } from './climber-context.ts';
import { parseRecommendation, type RecommendationContent } from './recommendation-schema.ts';
import type { RecommendationsRepo, StoredRecommendation } from './recommendations-repo.ts';

export const MAX_ATTEMPTS = 3;

export interface RecommendationUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Exact sum of every attempt's billed cost. */
  cost_usd: string;
  attempts: number;
}

export interface RecommendationResult {
  recommendation: StoredRecommendation;
  usage: RecommendationUsage;
  is_cached: boolean;
  warning?: string;
}

export interface RecommendationServiceDeps {
  config: Pick<Config, 'openRouter' | 'limits' | 'jwtSecret'>;
  client: OpenRouterClient;
  ledger: Ledger;
  limits: DailyLimits;
  context: ClimberContext;
  recommendations: RecommendationsRepo;
  idempotency: IdempotencyStore;
  background: BackgroundTasks;
  generationWaitMs?: number | undefined;
}

/** Tallies what every attempt used; money is summed exactly. */
class UsageTally {
  prompt = 0;
  completion = 0;
  total = 0;
  cost = new Big(0);
  attempts = 0;
  billedAttempts = 0;

  toJSON(): RecommendationUsage {
    return {
      prompt_tokens: this.prompt,
      completion_tokens: this.completion,
      total_tokens: this.total,
      cost_usd: this.cost.toFixed(),
      attempts: this.attempts,
    };
  }
}

/**
 * Weekly recommendations: the model's JSON is validated and an invalid answer retried, up to
 * 3 attempts, each its own ledger row with its billed cost.
 */
export class RecommendationService {
  constructor(private readonly deps: RecommendationServiceDeps) {}

  latest(userId: string): Promise<StoredRecommendation | undefined> {
    return this.deps.recommendations.latest(userId);
  }

  /** A new plan; with an `Idempotency-Key`, a repeat returns the stored result and bills nothing. */
  generate(userId: string, idempotencyKey?: string): Promise<RecommendationResult> {
    const requestId = randomUUID();
    if (idempotencyKey === undefined) return this.generateNow(userId, requestId);
    return this.deps.idempotency.once(
      { userId, endpoint: 'recommendations', key: idempotencyKey, requestId, fingerprint: fingerprintOf({}) },
      () => this.generateNow(userId, requestId),
    );
  }

  private async generateNow(userId: string, requestId: string): Promise<RecommendationResult> {
    const { config, limits } = this.deps;
    const verdict = await limits.take(
      userId,
      'recommendations',
      config.limits.dailyRecommendations,
      config.limits.dailyBudgetUsd,
    );
    if (!verdict.allowed) {
      throw verdict.reason === 'budget'
        ? new AppError('budget_exceeded', "Today's coaching budget is spent; it resets at 00:00 UTC.")
        : new AppError(
            'daily_limit_reached',
            `You have used all ${config.limits.dailyRecommendations} recommendations for today; they reset at 00:00 UTC.`,
          );
    }
    const messages = await this.deps.context.coachPrompt(userId);
    const tally = new UsageTally();
    let lastRefusal: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const outcome = await this.attempt(userId, requestId, messages, tally);
      if (outcome.content) {
        const recommendation = await this.deps.recommendations.add(
          userId,
          requestId,
          config.openRouter.model,
          outcome.content,
        );
        return { recommendation, usage: tally.toJSON(), is_cached: false };
      }
      lastRefusal = outcome.refusal;
      if (outcome.refusal && !(outcome.refusal instanceof UpstreamError && outcome.refusal.retryable)) break;
    }
    if (tally.billedAttempts === 0) await limits.giveBack(userId, 'recommendations');
    const previous = await this.deps.recommendations.latest(userId);
    if (previous) {
      return {
        recommendation: previous,
        usage: tally.toJSON(),
        is_cached: true,
        warning: `The coach could not write a valid plan this time (${tally.attempts} attempt(s)); this is your previous plan.`,
      };
    }
    if (lastRefusal && tally.billedAttempts === 0) throw toClientError(lastRefusal);
    throw new AppError(
      'coach_unavailable',
      `The coach could not write a valid plan after ${tally.attempts} attempt(s); try again later.`,
    );
  }

  /** One upstream call, settled in the ledger whatever happens. */
  private async attempt(
    userId: string,
    requestId: string,
    messages: ChatMessage[],
    tally: UsageTally,
  ): Promise<{ content?: RecommendationContent; refusal?: unknown }> {
    const { client, ledger, config } = this.deps;
    const model = config.openRouter.model;
    const row = await ledger.open({ requestId, userId, endpoint: 'recommendations', model });
    tally.attempts++;
    const startedAt = performance.now();
    let stream: ChatStream;
    try {
      // Streamed, so the generation id is on the ledger row before the answer: a crash can still be reconciled.
      stream = await client.streamChat({
        model,
        messages,
        responseFormat: 'json_object',
        user: pseudonymFor(userId, config.jwtSecret),
      });
    } catch (error) {
      await ledger.settleRefusal(row, upstreamErrorCode(error), Math.round(performance.now() - startedAt));
      return { refusal: error };
    }
    let attached = Promise.resolve();
    const read = await collectStream(stream, startedAt, {
      onGeneration: (id) => {
        attached = ledger.attachGeneration(row.rowId, id).catch(() => {});
      },
    });
    await attached;
    const latencyMs = Math.round(performance.now() - startedAt);
    const billing = await resolveBilling(client, read.usage, read.generationId, {
      maxWaitMs: this.deps.generationWaitMs,
      signal: this.deps.background.signal,
    });
    const parsed = read.failure ? undefined : parseRecommendation(read.text);
    const errorCode = read.failure?.code ?? (parsed?.ok === false ? parsed.errorCode : undefined);
    if (!billing) {
      // The cost is not reported yet: the reconciler settles the row from /generation later.
      await ledger.annotate(row, {
        latencyMs,
        ttftMs: read.ttftMs,
        errorCode,
        servedModel: read.servedModel,
        finishReason: read.finishReason,
      });
    } else {
      await ledger.settle(row, {
        status: read.failure ? 'error' : parsed?.ok ? 'ok' : 'invalid_output',
        servedModel: read.servedModel,
        generationId: read.generationId,
        latencyMs,
        ttftMs: read.ttftMs,
        errorCode,
        ...billing,
        finishReason: read.finishReason ?? billing.finishReason,
      });
    }
    tally.billedAttempts++;
    tally.prompt += billing?.promptTokens ?? 0;
    tally.completion += billing?.completionTokens ?? 0;
    tally.total += billing?.totalTokens ?? 0;
    if (billing?.costUsd) tally.cost = tally.cost.plus(billing.costUsd);
    if (read.failure) return { refusal: new UpstreamError('bad_gateway', read.failure.message) };
    return parsed?.ok ? { content: parsed.content } : {};
  }
}
