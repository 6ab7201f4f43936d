import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Big from 'big.js';
import { type BilledGeneration, type BillingLog, estimateTokens } from './billing.ts';
import type { Scenario } from './scenario.ts';
import { errorFields, usageOf } from './wire-shapes.ts';

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
  const finishReason = record.finishReason;
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
  const withUsage = !scenario.omitUsage;

  for (const [index, text] of chunks.entries()) {
    if (scenario.failAfterChunks === index) {
      run.finish(sentTokens, 'error', true);
      const { choices, error } = errorFields(scenario);
      res.end(chunk(choices, { error }));
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
      run.finish(record.completionTokens, finishReason, true);
      record.cancelled = true;
      return;
    }
    sentTokens += estimateTokens(text);
    const last = index === chunks.length - 1;
    const choice = {
      index: 0,
      delta: { role: 'assistant', content: text },
      finish_reason: last ? finishReason : null,
    };
    if (last) run.finish(record.completionTokens, finishReason, false);
    // One real shape: the last text, the finish reason and the usage in a single chunk.
    const usage = last && withUsage && scenario.usageInFinalChunk ? { usage: usageOf(record, scenario) } : {};
    res.write(chunk([choice], usage));
    if (!last && keepAlives > 0 && index % 4 === 3) res.write(KEEP_ALIVE);
  }
  run.finish(record.completionTokens, finishReason, false);
  if (withUsage && !scenario.usageInFinalChunk) res.write(chunk([], { usage: usageOf(record, scenario) }));
  res.end('data: [DONE]\n\n');
}
