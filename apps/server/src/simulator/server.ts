import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sendCredits, sendKey } from './account.ts';
import { BillingLog, estimateTokens, priceOf } from './billing.ts';
import { AUTO_ROUTED_TO, findModel, SIMULATED_MODELS } from './catalog.ts';
import { GenerationRun, streamCompletion } from './generation.ts';
import { readJson, sendError, sendJson } from './http.ts';
import { chatReply, jsonContent } from './replies.ts';
import { type ChatBody, lastUserMessage, maxTokensOf, promptText, requestSchema } from './request.ts';
import { SCENARIO_HEADER, type Scenario, scenarioSchema } from './scenario.ts';
import { costJson, usageOf } from './wire-shapes.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Applied to every request under its queued scenario. */
  defaults?: Scenario;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (otherwise 401, as OpenRouter answers). */
  apiKey?: string;
  /** Credits bought on the simulated account, in USD (`GET /credits`); default 100. */
  totalCredits?: string;
  /** The key's own spending limit (`GET /key`); default none. */
  keyLimit?: string;
}

/**
 * An OpenRouter-compatible server for development, demos and tests (the "Crux simulator").
 * It bills every generation into a log (`GET /__billing`) and can be told to fail.
 */
export class OpenRouterSimulator {
  readonly billing = new BillingLog();
  /** Every chat request body received, in order: what the upstream actually saw. */
  readonly received: ChatBody[] = [];
  private readonly queue: Scenario[] = [];
  private readonly server: Server;
  private readonly pending = new Set<Promise<unknown>>();
  /** Credits bought on the simulated account (USD); what `GET /credits` reports with the billed total. */
  totalCredits: string;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.totalCredits = options.totalCredits ?? '100';
    this.server = createServer((req, res) => {
      const handled = this.route(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: 'Simulator failure' } });
        else res.destroy();
      });
      this.pending.add(handled);
      void handled.finally(() => this.pending.delete(handled));
    });
  }

  /** Starts listening; returns the base URL, e.g. `http://127.0.0.1:PORT/api/v1`. Rejects (EADDRINUSE) when the port is taken. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.baseUrl;
  }

  get baseUrl(): string {
    const address = this.server.address() as AddressInfo;
    return `http://${address.address}:${address.port}/api/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues scenarios; each request takes the next one. */
  enqueue(...scenarios: Scenario[]): void {
    this.queue.push(...scenarios);
  }

  reset(): void {
    this.queue.length = 0;
    this.received.length = 0;
    this.billing.clear();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/^\/api\/v1/, '');
    if (req.method === 'GET' && path === '/models')
      return sendJson(res, 200, { data: SIMULATED_MODELS.map(toWireModel) });
    if (req.method === 'GET' && path === '/__billing') {
      return sendJson(res, 200, {
        simulator: true,
        total_cost: this.billing.total(),
        generations: this.billing.list(),
      });
    }
    if (req.method === 'GET' && path === '/__requests')
      return sendJson(res, 200, { simulator: true, requests: this.received });
    if (req.method === 'POST' && path === '/__scenarios') return this.acceptScenarios(req, res);
    if (req.method === 'DELETE' && path === '/__scenarios') {
      this.queue.length = 0;
      return sendJson(res, 200, { simulator: true, queued: 0 });
    }
    if (!this.authorized(req)) return sendError(res, 401, 'No auth credentials found (Crux simulator)');
    if (req.method === 'GET' && path === '/key')
      return sendKey(res, this.billing, this.options.keyLimit ?? null);
    if (req.method === 'GET' && path === '/credits') return sendCredits(res, this.billing, this.totalCredits);
    if (req.method === 'GET' && path === '/generation')
      return this.generation(url.searchParams.get('id'), res);
    if (req.method === 'POST' && path === '/chat/completions') return this.completion(req, res);
    return sendError(res, 404, `Not found: ${req.method} ${path} (Crux simulator)`);
  }

  private authorized(req: IncomingMessage): boolean {
    return !this.options.apiKey || req.headers.authorization === `Bearer ${this.options.apiKey}`;
  }

  private async acceptScenarios(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = z.strictObject({ scenarios: z.array(scenarioSchema) }).safeParse(await readJson(req));
    if (!parsed.success) return sendError(res, 400, `Bad scenarios: ${parsed.error.message}`);
    this.enqueue(...parsed.data.scenarios);
    return sendJson(res, 200, { simulator: true, queued: this.queue.length });
  }

  private generation(id: string | null, res: ServerResponse): void {
    const generation = id ? this.billing.get(id) : undefined;
    if (!generation || Date.now() < generation.availableAt) {
      sendError(res, 404, `Generation ${id} not found`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        data: {
          id: generation.id,
          model: generation.model,
          provider_name: 'Crux Simulator',
          upstream_id: `sim-upstream-${generation.id.slice(8)}`,
          total_cost: costJson(generation.totalCost, generation.exponentCost),
          cache_discount: null,
          is_byok: false,
          tokens_prompt: generation.promptTokens,
          tokens_completion: generation.completionTokens,
          native_tokens_prompt: generation.promptTokens,
          native_tokens_completion: generation.completionTokens,
          native_tokens_reasoning: 0,
          native_tokens_cached: 0,
          cancelled: generation.cancelled,
          streamed: generation.streamed,
          finish_reason: generation.finishReason,
          native_finish_reason: generation.finishReason,
          usage: costJson(generation.totalCost, generation.exponentCost),
          latency: 0,
          generation_time: 0,
          created_at: new Date(generation.createdAt).toISOString(),
        },
      }),
    );
  }

  private async completion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = requestSchema.safeParse(await readJson(req));
    if (!parsed.success) return sendError(res, 400, 'Invalid request body: model and messages are required');
    const body = parsed.data;
    this.received.push(body);
    const catalogModel = findModel(body.model);
    if (!catalogModel) return sendError(res, 400, `${body.model} is not a valid model ID`);
    const fromHeader = scenarioFromHeader(req.headers[SCENARIO_HEADER]);
    if (fromHeader === 'invalid')
      return sendError(res, 400, `Bad ${SCENARIO_HEADER} header (Crux simulator)`);
    const scenario: Scenario = { ...this.options.defaults, ...(fromHeader ?? this.queue.shift()) };
    if (scenario.latencyMs) await sleep(scenario.latencyMs);
    if (scenario.status) {
      const headers: Record<string, string> =
        scenario.retryAfterSeconds !== undefined ? { 'retry-after': String(scenario.retryAfterSeconds) } : {};
      return sendError(
        res,
        scenario.status,
        scenario.message ?? `Simulated upstream error ${scenario.status}`,
        headers,
      );
    }
    const servedModel = body.model === 'openrouter/auto' ? AUTO_ROUTED_TO : body.model;
    const { content, finishReason } = answerFor(body, scenario);
    const promptTokens = estimateTokens(promptText(body));
    const generation = new GenerationRun(this.billing, scenario, {
      id: `gen-sim-${randomUUID()}`,
      model: servedModel,
      requestedModel: body.model,
      streamed: body.stream === true,
      promptTokens,
      completionTokens: estimateTokens(content),
      totalCost: scenario.cost ?? priceOf(findModel(servedModel), promptTokens, estimateTokens(content)),
      cancelled: false,
      finishReason,
      createdAt: Date.now(),
      availableAt: Number.POSITIVE_INFINITY,
      exponentCost: scenario.exponentCost ?? false,
    });
    if (body.stream) return streamCompletion(res, generation, content, scenario);
    generation.finish(generation.record.completionTokens, finishReason, false);
    const usage = scenario.omitUsage ? undefined : usageOf(generation.record, scenario);
    res.writeHead(200, { 'content-type': 'application/json', 'x-generation-id': generation.record.id });
    res.end(
      JSON.stringify({
        id: generation.record.id,
        provider: 'Crux Simulator',
        model: servedModel,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
        ...(usage ? { usage } : {}),
      }),
    );
  }
}

/** The reply text, cut at `max_tokens` (then `finish_reason: "length"`) like a real model. */
function answerFor(body: ChatBody, scenario: Scenario): { content: string; finishReason: string } {
  const wantsJson =
    body.response_format?.type === 'json_object' || body.response_format?.type === 'json_schema';
  const content =
    scenario.content ??
    (wantsJson ? jsonContent(scenario.output ?? 'valid') : chatReply(lastUserMessage(body)));
  const maxTokens = maxTokensOf(body);
  if (maxTokens !== undefined && estimateTokens(content) > maxTokens)
    return { content: content.slice(0, maxTokens * 4), finishReason: 'length' };
  return { content, finishReason: scenario.finishReason ?? 'stop' };
}

function scenarioFromHeader(value: string | string[] | undefined): Scenario | 'invalid' | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = scenarioSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** A catalog entry as OpenRouter writes one: strings, numbers, nulls and objects mixed. */
function toWireModel(model: (typeof SIMULATED_MODELS)[number]) {
  return {
    id: model.id,
    canonical_slug: model.id,
    hugging_face_id: null,
    name: model.name,
    created: 1_750_000_000,
    description: 'A model served by the Crux simulator (no real model, no cost).',
    context_length: model.contextLength,
    architecture: {
      modality: 'text->text',
      input_modalities: ['text'],
      output_modalities: ['text'],
      tokenizer: 'Other',
      instruct_type: null,
    },
    pricing: { ...model.pricing, input_cache_read: '0', discount: 0 },
    top_provider: {
      context_length: model.contextLength,
      max_completion_tokens: model.maxCompletionTokens ?? null,
      is_moderated: false,
    },
    per_request_limits: null,
    supported_parameters: ['max_tokens', 'temperature', 'response_format', 'stream', 'tools', 'user'],
    default_parameters: { temperature: null, top_p: null, frequency_penalty: null },
  };
}
