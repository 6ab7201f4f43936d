import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Big from 'big.js';
import { type BilledGeneration, type BillingLog, estimateTokens } from './billing.ts';
import type { Scenario } from './scenario.ts';

const KEEP_ALIVE = ': OPENROUTER PROCESSING\n\n';

/** A generation in progress: billed once, when it finishes, is cut or fails. */
export class GenerationRun {
  private settled = false;

  constructor(
    private readonly billing: BillingLog,
    private readonly scenario: Scenario,
    readonly record: BilledGeneration,
  ) {}

  finish(completionTokens: number, finishReason: string, interrupted: boolean): void {
    if (this.settled) return;
    this.settled = true;
    const full = this.record.completionTokens;
    // A fixed scenario cost is billed as is; otherwise bill what was generated.
    const cost = this.scenario.cost ?? scaleCost(this.record.totalCost, completionTokens, full);
    const delay = (this.scenario.generationDelayMs ?? 0) * (interrupted ? 3 : 1);
    Object.assign(this.record, {
      completionTokens,
      finishReason,
      totalCost: cost,
      availableAt: Date.now() + delay,
    });
    this.billing.record(this.record);
  }
}

/** The share of the full cost for a generation cut short, to 12 decimal places (still exact text). */
function scaleCost(fullCost: string, completionTokens: number, fullTokens: number): string {
  if (completionTokens >= fullTokens) return fullCost;
  return new Big(new Big(fullCost).times(completionTokens).div(fullTokens).toFixed(12)).toFixed();
}

/**
 * The provider thinking before its first token: OpenRouter has already sent the headers and
 * keeps the connection alive with a comment every 100 ms (unless keep-alives are off).
 */
async function processing(res: ServerResponse, ms: number, keepAlive: boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await sleep(Math.min(100, until - Date.now()));
    if (keepAlive && !res.destroyed) res.write(KEEP_ALIVE);
  }
}

export async function streamCompletion(
  res: ServerResponse,
  run: GenerationRun,
  content: string,
  scenario: Scenario,
): Promise<void> {
  const record = run.record;
  const pieces = content.match(/\S+\s*/g) ?? [content];
  const chunks: string[] = [];
  for (let i = 0; i < pieces.length; i += 3) chunks.push(pieces.slice(i, i + 3).join(''));
  const keepAlives = scenario.keepAlives ?? 1;
  let sentTokens = 0;
  let clientGone = false;
  res.once('close', () => {
    if (!res.writableFinished) clientGone = true;
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-generation-id': record.id,
  });
  res.write(KEEP_ALIVE.repeat(keepAlives));
  await processing(res, scenario.processingMs ?? 0, keepAlives > 0);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: record.id, provider: 'Crux Simulator', model: record.model, object: 'chat.completion.chunk', created: Math.floor(record.createdAt / 1000), choices, ...extra })}\n\n`;

  for (const [index, text] of chunks.entries()) {
    if (scenario.failAfterChunks === index) {
      run.finish(sentTokens, 'error', true);
      res.end(
        chunk([{ index: 0, delta: { content: '' }, finish_reason: 'error' }], {
          error: { code: 502, message: 'Simulated provider failure mid-stream' },
        }),
      );
      return;
    }
    if (scenario.cutAfterChunks === index) {
      run.finish(sentTokens, 'error', true);
      // Let what was written reach the client first, then drop the connection mid-stream.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      await sleep(20);
      res.destroy();
      return;
    }
    if (scenario.chunkDelayMs) await sleep(scenario.chunkDelayMs);
    if (clientGone) {
      // Like most providers, the generation runs to its end and is billed in full.
      run.finish(record.completionTokens, 'stop', true);
      record.cancelled = true;
      return;
    }
    sentTokens += estimateTokens(text);
    const last = index === chunks.length - 1;
    res.write(
      chunk([{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: last ? 'stop' : null }]),
    );
    if (!last && keepAlives > 0 && index % 4 === 3) res.write(KEEP_ALIVE);
  }
  run.finish(record.completionTokens, 'stop', false);
  if (!scenario.omitUsage) res.write(chunk([], { usage: usageOf(record) }));
  res.end('data: [DONE]\n\n');
}

export function usageOf(record: BilledGeneration) {
  return {
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    total_tokens: record.promptTokens + record.completionTokens,
    cost: JSON.rawJSON(record.totalCost),
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
    cost_details: { upstream_inference_cost: null },
  };
}
