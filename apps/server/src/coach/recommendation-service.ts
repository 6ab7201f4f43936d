import { randomUUID } from 'node:crypto';
import Big from 'big.js';
import type { Config } from '../config/env.ts';
import {
  fingerprintOf,
  type IdempotencyStore,
  type IdempotentCompletion,
} from '../idempotency/idempotency-store.ts';
import { type DailyLimits, secondsUntilUtcMidnight } from '../ledger/limits.ts';
import type { MeteredCall, MeteredCalls } from '../ledger/metered-call.ts';
import { toClientError } from '../llm/client-facing-error.ts';
import { UpstreamError } from '../llm/errors.ts';
import type { ChatMessage } from '../llm/types.ts';
import { AppError, LimitError } from '../shared/errors.ts';
import type { ClimberContext } from './climber-context.ts';
import { parseRecommendation } from './recommendation-schema.ts';
import {
  type NewRecommendation,
  type RecommendationsRepo,
  type StoredRecommendation,
  storedFrom,
} from './recommendations-repo.ts';

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
  config: Pick<Config, 'openRouter' | 'limits'>;
  metered: MeteredCalls;
  limits: DailyLimits;
  context: ClimberContext;
  recommendations: RecommendationsRepo;
  idempotency: IdempotencyStore;
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

  /**
   * A new plan; with an `Idempotency-Key`, a repeat returns the stored result and bills nothing.
   * A new plan's result is stored with the plan and its settlement, in one transaction.
   */
  async generate(userId: string, idempotencyKey?: string): Promise<RecommendationResult> {
    const requestId = randomUUID();
    if (idempotencyKey === undefined) return this.generateNow(userId, requestId);
    const { idempotency } = this.deps;
    const scope = { userId, endpoint: 'recommendations' as const, key: idempotencyKey, requestId };
    const claim = await idempotency.claim<RecommendationResult>(
      userId,
      scope.endpoint,
      scope.key,
      requestId,
      fingerprintOf({}),
    );
    if (claim.kind === 'replay') return claim.result;
    try {
      const result = await this.generateNow(userId, requestId, scope);
      if (result.is_cached) await idempotency.complete({ ...scope, result });
      return result;
    } catch (error) {
      await idempotency.release(userId, scope.endpoint, scope.key);
      throw error;
    }
  }

  private async generateNow(
    userId: string,
    requestId: string,
    idempotent?: IdempotentScope,
  ): Promise<RecommendationResult> {
    const { config, limits } = this.deps;
    const verdict = await limits.take(userId, 'recommendations', config.limits.dailyRecommendations);
    if (!verdict.allowed) {
      throw new LimitError(
        'daily_limit_reached',
        'daily_recommendations',
        `You have used all ${config.limits.dailyRecommendations} recommendations for today; they reset at 00:00 UTC.`,
        secondsUntilUtcMidnight(),
      );
    }
    const messages = await this.deps.context.coachPrompt(userId);
    const tally = new UsageTally();
    let lastRefusal: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const outcome = await this.attempt({ userId, requestId, messages, tally, idempotent });
      if (outcome.result) return outcome.result;
      lastRefusal = outcome.refusal;
      if (outcome.refusal && !(outcome.refusal instanceof UpstreamError && outcome.refusal.retryable)) break;
    }
    if (tally.billedAttempts === 0) await limits.giveBack(userId, 'recommendations');
    // Refused by a money limit before any call: say so, rather than serve an old plan.
    if (lastRefusal instanceof AppError && tally.attempts === 0) throw lastRefusal;
    const previous = await this.deps.recommendations.latest(userId);
    if (previous) {
      return {
        recommendation: previous,
        usage: tally.toJSON(),
        is_cached: true,
        warning: `The coach could not write a valid plan this time (${tally.attempts} attempt(s)); this is your previous plan.`,
      };
    }
    if (lastRefusal && tally.billedAttempts === 0)
      throw lastRefusal instanceof AppError ? lastRefusal : toClientError(lastRefusal);
    throw new AppError(
      'coach_unavailable',
      `The coach could not write a valid plan after ${tally.attempts} attempt(s); try again later.`,
    );
  }

  /**
   * One metered upstream call, settled in the ledger whatever happens. A valid plan is stored
   * with the settlement (and the idempotent result) in one transaction, or spooled with it.
   */
  private async attempt(run: AttemptRun): Promise<{ result?: RecommendationResult; refusal?: unknown }> {
    const { userId, requestId, tally } = run;
    let call: MeteredCall;
    try {
      // Streamed, so the generation id is on the ledger row before the answer: a crash can still be reconciled.
      call = await this.deps.metered.open({
        requestId,
        userId,
        endpoint: 'recommendations',
        messages: run.messages,
        responseFormat: 'json_object',
      });
    } catch (error) {
      if (error instanceof UpstreamError) tally.attempts++; // refused upstream: an error row with no cost
      return { refusal: error };
    }
    tally.attempts++;
    const read = await call.read();
    const parsed = read.failure ? undefined : parseRecommendation(read.text);
    const resolved = await call.resolve(
      read,
      parsed?.ok === false ? { status: 'invalid_output', errorCode: parsed.errorCode } : { status: 'ok' },
    );
    const billing = resolved.billing;
    tally.billedAttempts++;
    tally.prompt += billing?.promptTokens ?? 0;
    tally.completion += billing?.completionTokens ?? 0;
    tally.total += billing?.totalTokens ?? 0;
    if (resolved.costUsd) tally.cost = tally.cost.plus(resolved.costUsd);
    if (!parsed?.ok) {
      await call.commit(resolved);
      return read.failure ? { refusal: new UpstreamError('bad_gateway', read.failure.message) } : {};
    }
    const plan: NewRecommendation = {
      id: randomUUID(),
      userId,
      requestId,
      model: this.deps.config.openRouter.model,
      content: parsed.content,
      createdAt: new Date().toISOString(),
    };
    const result: RecommendationResult = {
      recommendation: storedFrom(plan),
      usage: tally.toJSON(),
      is_cached: false,
    };
    await call.commit(resolved, {
      recommendation: plan,
      idempotent: run.idempotent && { ...run.idempotent, result },
    });
    return { result };
  }
}

/** The key a request claimed, for storing its result. */
type IdempotentScope = Omit<IdempotentCompletion, 'result'>;

interface AttemptRun {
  userId: string;
  requestId: string;
  messages: ChatMessage[];
  tally: UsageTally;
  idempotent: IdempotentScope | undefined;
}
