import { UpstreamError } from './errors.ts';
import { parseJsonExact } from './exact-json.ts';
import { NodeTransport } from './node-transport.ts';
import { readStreamParts } from './stream-parts.ts';
import { readText, type Transport, type TransportResponse } from './transport.ts';
import type { CatalogModel, ChatRequest, ChatStream, Completion, GenerationStats } from './types.ts';
import { toCatalog, toGenerationStats, toUsage, wireChunk, wireError } from './wire.ts';

export interface OpenRouterOptions {
  baseUrl: string;
  apiKey: string | undefined;
  /** Longest wait for the response headers. */
  connectTimeoutMs?: number;
  /** Longest silence inside a stream (keep-alive comments count as activity). */
  idleTimeoutMs?: number;
  /** Longest wait for a whole non-streamed completion (reasoning models can think for minutes). */
  completionTimeoutMs?: number;
  /** Attribution headers OpenRouter shows on its dashboard. */
  appName?: string;
  appUrl?: string;
  /** How HTTP is sent: default `node:http` with a kept-alive agent; the Edge Function passes a `FetchTransport`. */
  transport?: Transport;
}

export interface GenerationWait {
  /** Total time to keep polling while the upstream answers 404. */
  maxWaitMs?: number;
  firstDelayMs?: number;
  signal?: AbortSignal;
}

/** A small OpenRouter client: streaming and plain completions, generation stats, the catalog. */
export class OpenRouterClient {
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly completionTimeoutMs: number;
  private readonly transport: Transport;

  constructor(private readonly options: OpenRouterOptions) {
    this.transport = options.transport ?? new NodeTransport();
    this.connectTimeoutMs = options.connectTimeoutMs ?? 60_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.completionTimeoutMs = options.completionTimeoutMs ?? 300_000;
  }

  /** Starts a streamed completion. Throws UpstreamError when refused before the first byte. */
  async streamChat(request: ChatRequest): Promise<ChatStream> {
    // One signal for both the caller's abort and the timer (no AbortSignal.any per open stream).
    const timer = new IdleTimer(this.connectTimeoutMs, request.signal);
    const response = await this.post('/chat/completions', this.body(request, true), timer.signal, timer);
    timer.restart(this.idleTimeoutMs);
    const parts = readStreamParts(response, {
      onActivity: () => timer.restart(this.idleTimeoutMs),
      signal: request.signal,
      timedOut: () => timer.fired,
      onEnd: () => timer.stop(),
    });
    return { generationId: response.header('x-generation-id'), parts };
  }

  /** A non-streamed completion (used for JSON answers). */
  async complete(request: ChatRequest): Promise<Completion> {
    const timer = new IdleTimer(this.completionTimeoutMs, request.signal);
    try {
      const response = await this.post('/chat/completions', this.body(request, false), timer.signal, timer);
      const text = await readText(response);
      const chunk = wireChunk.safeParse(parseOrUndefined(text));
      if (!chunk.success)
        throw new UpstreamError('unexpected', 'The upstream answer was not a chat completion');
      return {
        generationId: response.header('x-generation-id') ?? chunk.data.id ?? undefined,
        servedModel: chunk.data.model ?? undefined,
        content: chunk.data.choices?.[0]?.message?.content ?? '',
        usage: chunk.data.usage ? toUsage(chunk.data.usage) : undefined,
        finishReason: chunk.data.choices?.[0]?.finish_reason ?? undefined,
      };
    } catch (error) {
      throw toUpstreamError(error, timer);
    } finally {
      timer.stop();
    }
  }

  /** Generation stats, or undefined while the upstream still answers 404. */
  async getGeneration(id: string, signal?: AbortSignal): Promise<GenerationStats | undefined> {
    // Bounded even when the caller's signal is not (the background settlement's shutdown signal).
    const bounded = AbortSignal.timeout(10_000);
    const { response, text } = await this.get(
      `/generation?id=${encodeURIComponent(id)}`,
      signal ? AbortSignal.any([signal, bounded]) : bounded,
    );
    if (response.status === 404) return undefined;
    if (!ok(response)) throw errorFrom(response, text);
    return toGenerationStats(parseOrUndefined(text));
  }

  /** Polls `GET /generation` with exponential backoff until the stats appear or `maxWaitMs` passes. */
  async waitForGeneration(id: string, wait: GenerationWait = {}): Promise<GenerationStats | undefined> {
    const deadline = Date.now() + (wait.maxWaitMs ?? 60_000);
    let delay = wait.firstDelayMs ?? 250;
    for (;;) {
      try {
        const stats = await this.getGeneration(id, wait.signal);
        if (stats) return stats;
      } catch (error) {
        if (!(error instanceof UpstreamError) || !error.retryable) throw error;
      }
      if (Date.now() + delay > deadline || wait.signal?.aborted) return undefined;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  /** The upstream's model catalog. */
  async listModels(timeoutMs = 5_000): Promise<CatalogModel[]> {
    const { response, text } = await this.get('/models', AbortSignal.timeout(timeoutMs));
    if (!ok(response)) throw errorFrom(response, text);
    const models = toCatalog(parseOrUndefined(text));
    if (!models) throw new UpstreamError('unexpected', 'The upstream /models answer was not a model list');
    return models;
  }

  private body(request: ChatRequest, stream: boolean): string {
    return JSON.stringify({
      model: request.model,
      messages: request.messages,
      stream,
      // Deprecated on OpenRouter (usage is always sent) but harmless, and needed by older compatible servers.
      usage: { include: true },
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      ...(request.user ? { user: request.user } : {}),
      ...(request.responseFormat ? { response_format: { type: request.responseFormat } } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    });
  }

  private headers(): Record<string, string> {
    return {
      ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      'http-referer': this.options.appUrl ?? 'https://github.com/crux-coach/crux',
      'x-title': this.options.appName ?? 'Crux',
    };
  }

  private async post(
    path: string,
    body: string,
    signal: AbortSignal,
    timer: IdleTimer,
  ): Promise<TransportResponse> {
    try {
      const response = await this.transport.request({
        method: 'POST',
        url: `${this.options.baseUrl}${path}`,
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body,
        signal,
      });
      if (!ok(response)) throw errorFrom(response, await readText(response).catch(() => ''));
      return response;
    } catch (error) {
      timer.stop();
      throw toUpstreamError(error, timer);
    }
  }

  /** A GET whose whole body is read (so its connection is free again). */
  private async get(
    path: string,
    signal: AbortSignal,
  ): Promise<{ response: TransportResponse; text: string }> {
    try {
      const response = await this.transport.request({
        method: 'GET',
        url: `${this.options.baseUrl}${path}`,
        headers: this.headers(),
        signal,
      });
      return { response, text: await readText(response) };
    } catch (error) {
      throw toUpstreamError(error, undefined);
    }
  }
}

/** Aborts its signal after `ms` of silence; `restart` pushes the deadline back. */
class IdleTimer {
  private readonly controller = new AbortController();
  private handle: NodeJS.Timeout | undefined;
  private readonly follow: (() => void) | undefined;
  fired = false;

  /** `caller`: its abort aborts this signal too, with its reason. */
  constructor(
    ms: number,
    private readonly caller?: AbortSignal,
  ) {
    this.restart(ms);
    if (!caller) return;
    if (caller.aborted) this.controller.abort(caller.reason);
    else {
      this.follow = () => this.controller.abort(caller.reason);
      caller.addEventListener('abort', this.follow, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private ms = 0;

  /** Pushes the deadline `ms` away; the same span again re-arms the same timer (every chunk does). */
  restart(ms: number): void {
    if (this.handle && ms === this.ms) {
      this.handle.refresh();
      return;
    }
    clearTimeout(this.handle);
    this.ms = ms;
    this.handle = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new UpstreamError('timeout', 'The upstream did not answer in time'));
    }, ms);
    this.handle.unref();
  }

  /** The call is over: no more timeouts; the caller's abort no longer reaches this signal. */
  stop(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
    if (this.follow) this.caller?.removeEventListener('abort', this.follow);
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

function ok(response: TransportResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function errorFrom(response: TransportResponse, text: string): UpstreamError {
  const body = wireError.safeParse(parseOrUndefined(text));
  const message =
    body.success && body.data.error.message ? body.data.error.message : `HTTP ${response.status}`;
  return UpstreamError.fromStatus(response.status, message, response.header('retry-after') ?? null);
}

function toUpstreamError(error: unknown, timer: IdleTimer | undefined): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (timer?.fired || (error instanceof Error && error.name === 'TimeoutError')) {
    return new UpstreamError('timeout', 'The upstream did not answer in time');
  }
  if (error instanceof Error && error.name === 'AbortError')
    return new UpstreamError('network', 'The request was aborted');
  return new UpstreamError('network', 'The upstream could not be reached');
}
