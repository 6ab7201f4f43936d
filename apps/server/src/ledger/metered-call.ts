import { upstreamErrorCode } from '../llm/client-facing-error.ts';
import { type CollectedStream, collectStream } from '../llm/collect-stream.ts';
import type { OpenRouterClient } from '../llm/openrouter-client.ts';
import { worstCaseCost } from '../llm/pricing.ts';
import type { CatalogModel, ChatMessage, ChatStream } from '../llm/types.ts';
import type { BackgroundTasks } from '../shared/background.ts';
import { pseudonymFor } from '../shared/pseudonym.ts';
import { resolveBilling } from './billing.ts';
import type { Attempt, Ledger } from './ledger.ts';
import { CLIENT_DISCONNECTED } from './reconcile.ts';
import type { Billing, Endpoint, FinalStatus, Settlement } from './settlement.ts';
import type { TurnCompanions } from './turn-record.ts';

export interface MeteredCallsDeps {
  client: OpenRouterClient;
  ledger: Ledger;
  background: BackgroundTasks;
  /** The configured model (`OPENROUTER_MODEL`). */
  model: string;
  /** Keys the opaque `user` pseudonym sent upstream. */
  pseudonymKey: string;
  /** Completion token cap sent as `max_tokens`, and the output side of the worst case. */
  maxTokens: number;
  /** The model's catalog entry: its prices make each call's worst-case cost. */
  catalog: CatalogModel | undefined;
  /** Every catalog price of the model is 0: a cost nobody reports is 0. */
  freeModel?: boolean | undefined;
  /** How long to poll `/generation` for a cost the stream did not carry. */
  generationWaitMs?: number | undefined;
}

export interface CallRequest {
  requestId: string;
  userId: string;
  endpoint: Endpoint;
  messages: ChatMessage[];
  responseFormat?: 'json_object';
}

/** How the caller judged an answer that arrived whole. */
export type Verdict = { status: 'ok' } | { status: 'invalid_output'; errorCode: string };

/** One settled (or still pending) attempt. */
export interface CallResult {
  status: FinalStatus;
  /** What was billed, when known: undefined leaves the row pending for the reconciler. */
  billing: Billing | undefined;
  /** The exact cost as stored or spooled; undefined while unknown. */
  costUsd: string | undefined;
  finishReason: string | undefined;
}

/** An attempt whose cost is known (or known to be unknown), not yet written. */
export interface ResolvedCall extends CallResult {
  settlement: Settlement;
  /** The cost is unknown: the row stays pending, annotated, for the reconciler. */
  pending: boolean;
}

/** A written attempt: `committed` false when it went to the spool. */
export interface CommittedCall extends CallResult {
  committed: boolean;
}

/**
 * The metered call: the one path from a prompt to a billed ledger row. `open` writes the
 * `pending` row, then calls the upstream (refusals are settled here and rethrown); the
 * returned call streams, attaches the generation id the moment it is known, and settles
 * with the billed cost whatever happens (answer, mid-stream error, cut, client abort).
 */
export class MeteredCalls {
  /** Each user's pseudonym, computed once (an HMAC) while the map holds it. */
  private readonly pseudonyms = new Map<string, string>();

  constructor(private readonly deps: MeteredCallsDeps) {}

  /**
   * Reserves the worst-case cost and opens the row (AppError `budget_exceeded` or
   * `model_price_unknown` when it does not fit: no call, no row), then calls the upstream.
   * Throws the UpstreamError of a call refused before any token (its row settled as `error`).
   */
  async open(request: CallRequest): Promise<MeteredCall> {
    const { ledger, model, maxTokens } = this.deps;
    const attempt = await ledger.open(
      { requestId: request.requestId, userId: request.userId, endpoint: request.endpoint, model },
      { worstCaseUsd: worstCaseCost(this.deps.catalog, request.messages, maxTokens) },
    );
    return this.start(attempt, request);
  }

  /**
   * Calls the upstream for an attempt whose pending row (and reservation) is already written,
   * e.g. by the chat's one round trip. A refusal settles the row as `error` and is rethrown.
   */
  async start(
    attempt: Attempt,
    request: Pick<CallRequest, 'messages' | 'responseFormat'>,
  ): Promise<MeteredCall> {
    const { client, ledger, model, maxTokens } = this.deps;
    const abort = new AbortController();
    const startedAt = performance.now();
    try {
      const stream = await client.streamChat({
        model,
        messages: request.messages,
        user: this.pseudonymOf(attempt.userId),
        signal: abort.signal,
        ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
        maxTokens,
      });
      return new MeteredCall(this.deps, attempt, stream, abort, startedAt);
    } catch (error) {
      const latencyMs = Math.round(performance.now() - startedAt);
      await ledger.settleRefusal(attempt, upstreamErrorCode(error), latencyMs);
      throw error;
    }
  }

  private pseudonymOf(userId: string): string {
    let pseudonym = this.pseudonyms.get(userId);
    if (pseudonym === undefined) {
      if (this.pseudonyms.size >= MAX_PSEUDONYMS) this.pseudonyms.clear();
      pseudonym = pseudonymFor(userId, this.deps.pseudonymKey);
      this.pseudonyms.set(userId, pseudonym);
    }
    return pseudonym;
  }
}

/** Pseudonyms kept at most; beyond, the map starts over. */
const MAX_PSEUDONYMS = 10_000;

/** The longest a known generation id waits for the first text before it is written anyway. */
const ATTACH_AFTER_MS = 100;

/** An upstream call in flight, with its pending ledger row. */
export class MeteredCall {
  private attached: Promise<void> = Promise.resolve();
  private latencyMs: number | undefined;

  constructor(
    private readonly deps: MeteredCallsDeps,
    readonly attempt: Attempt,
    private readonly stream: ChatStream,
    private readonly controller: AbortController,
    private readonly startedAt: number,
  ) {}

  /** The client went away: stop the upstream; the cost is still settled. */
  abort(): void {
    this.controller.abort();
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Reads the stream to its end, handing on each piece of text (and waiting while `onText`'s
   * promise, a slow client, is pending). The generation id is written on
   * the pending row (for the reconciler, should this instance die mid-stream) once the first text
   * has been handed on, or ATTACH_AFTER_MS after the id came if no text came by then: the first
   * token never waits behind that write (on the embedded database a query is CPU on this thread).
   * An answer that ended whole, with its cost, before the id was written leaves it to the settlement.
   */
  async read(onText?: (text: string) => Promise<void> | undefined): Promise<CollectedStream> {
    let id: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let soon = false;
    const attach = () => {
      clearTimeout(timer);
      if (id === undefined) return;
      this.attached = this.deps.ledger.attachGeneration(this.attempt.rowId, id).catch(() => {});
      id = undefined;
    };
    const read = await collectStream(this.stream, this.startedAt, {
      onText: (text) => {
        const wait = onText?.(text);
        // Once the text is on its way to the client (promise jobs run before any timer).
        if (id !== undefined && !soon) {
          soon = true;
          clearTimeout(timer);
          timer = setTimeout(attach, 0);
        }
        return wait;
      },
      onGeneration: (generationId) => {
        id = generationId;
        timer = setTimeout(attach, ATTACH_AFTER_MS);
      },
    });
    // The answer came whole with its cost before the id was written: the settlement, which follows at
    // once, carries the id (a round trip less); otherwise it is written now, before anything waits.
    if (!read.failure && !this.aborted && read.usage?.cost !== undefined) clearTimeout(timer);
    else attach();
    this.latencyMs = Math.round(performance.now() - this.startedAt);
    return read;
  }

  /**
   * Settles the row: `resolve`, then `commit` with nothing beside it. Resolves once the
   * settlement is committed or durably spooled.
   */
  async settle(read: CollectedStream, verdict: Verdict = { status: 'ok' }): Promise<CallResult> {
    return this.commit(await this.resolve(read, verdict));
  }

  /**
   * What the attempt cost: from the usage object, else from `/generation` (with backoff). A cost
   * still unknown leaves the row `pending` with what is known, for the reconciler: never "ok"
   * without a cost. Writes nothing.
   */
  async resolve(read: CollectedStream, verdict: Verdict = { status: 'ok' }): Promise<ResolvedCall> {
    await this.attached;
    const aborted = this.aborted;
    const status: FinalStatus = aborted ? 'aborted' : read.failure ? 'error' : verdict.status;
    const known: Settlement = {
      status,
      costSource: 'none',
      servedModel: read.servedModel,
      generationId: read.generationId,
      latencyMs: this.latencyMs,
      ttftMs: read.ttftMs,
      errorCode: aborted
        ? CLIENT_DISCONNECTED
        : (read.failure?.code ?? (verdict.status === 'invalid_output' ? verdict.errorCode : undefined)),
      finishReason: aborted ? 'cancelled' : read.finishReason,
    };
    const billing = await resolveBilling(this.deps.client, read.usage, read.generationId, {
      maxWaitMs: this.deps.generationWaitMs,
      signal: this.deps.background.signal,
      free: this.deps.freeModel,
    });
    const finishReason = known.finishReason ?? billing?.finishReason;
    const pending =
      !billing && (Boolean(read.generationId) || status === 'ok' || status === 'invalid_output');
    const settlement: Settlement = { ...known, ...billing, finishReason };
    return {
      status,
      billing,
      costUsd: pending ? undefined : settlement.costUsd,
      finishReason,
      settlement,
      pending,
    };
  }

  /**
   * Writes the resolved attempt with what the turn stores beside it (`companions`) in one
   * transaction, or spools them as one durable entry when the database is away. Resolves only
   * once they are safe; throws only if the spool fails too.
   */
  async commit(resolved: ResolvedCall, companions: TurnCompanions = {}): Promise<CommittedCall> {
    const { settlement, pending, ...result } = resolved;
    const { ledger } = this.deps;
    const written = pending
      ? await ledger.annotate(this.attempt, settlement, companions)
      : await ledger.settle(this.attempt, settlement, companions);
    return { ...result, committed: written.committed };
  }
}
