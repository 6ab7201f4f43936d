import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { streamText } from 'ai';
import Big from 'big.js';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatReply } from './replies.ts';
import { SCENARIO_HEADER, type Scenario } from './scenario.ts';
import { OpenRouterSimulator } from './server.ts';

/**
 * The simulator against real clients: the official `openai` SDK and the AI SDK with the
 * OpenRouter provider. What each reports (text, usage, cost) must equal the simulator's bill.
 */
const SHAPES: Array<[string, Scenario]> = [
  ['the documented shape', {}],
  ['text, finish_reason and usage in one final chunk', { usageInFinalChunk: true }],
  ['null usage details', { nullDetails: true }],
  ['an exponent-form cost', { exponentCost: true, cost: '0.00000015' }],
  ['usage without cost', { omitCost: true }],
];

const MODEL = 'google/gemini-2.5-pro';
const QUESTION = 'How do I flag on overhangs?';
const header = (scenario: Scenario) => ({ [SCENARIO_HEADER]: JSON.stringify(scenario) });

/** A client's float cost equals the exact bill when its shortest decimal form is the bill. */
const sameAmount = (reported: number, billed: string) => new Big(String(reported)).eq(billed);

const openRouterMetadata = z.object({
  openrouter: z.object({ usage: z.object({ cost: z.number().optional() }) }),
});

describe('real clients streaming from the simulator', () => {
  const simulator = new OpenRouterSimulator({ apiKey: 'sk-or-v1-simulated' });
  let baseURL = '';
  beforeAll(async () => {
    baseURL = await simulator.start();
  });
  afterAll(() => simulator.stop());

  const lastBill = () => simulator.billing.list().at(-1)!;

  it.each(SHAPES)('openai SDK: %s', async (_name, scenario) => {
    const client = new OpenAI({ baseURL, apiKey: 'sk-or-v1-simulated', maxRetries: 0 });
    const stream = await client.chat.completions.create(
      {
        model: MODEL,
        messages: [
          { role: 'system', content: 'You are a coach.' },
          { role: 'user', content: [{ type: 'text', text: QUESTION }] },
        ],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 1000,
      },
      { headers: header(scenario) },
    );
    let text = '';
    let finish: string | null | undefined;
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    const bill = lastBill();
    expect(text).toBe(chatReply(QUESTION));
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({
      prompt_tokens: bill.promptTokens,
      completion_tokens: bill.completionTokens,
      total_tokens: bill.promptTokens + bill.completionTokens,
    });
    if (scenario.omitCost) expect(usage?.cost).toBeUndefined();
    else expect(sameAmount(usage!.cost!, bill.totalCost)).toBe(true);
  });

  it.each(SHAPES.filter(([, scenario]) => !scenario.nullDetails))(
    'AI SDK with the OpenRouter provider: %s',
    async (_name, scenario) => {
      const openrouter = createOpenRouter({ baseURL, apiKey: 'sk-or-v1-simulated', compatibility: 'strict' });
      const result = streamText({
        model: openrouter(MODEL),
        system: 'You are a coach.',
        prompt: QUESTION,
        maxOutputTokens: 1000,
        headers: header(scenario),
      });
      const text = await result.text;
      const usage = await result.usage;
      const metadata = openRouterMetadata.parse(await result.providerMetadata);
      const bill = lastBill();
      expect(text).toBe(chatReply(QUESTION));
      expect(await result.finishReason).toBe('stop');
      expect(usage).toMatchObject({
        inputTokens: bill.promptTokens,
        outputTokens: bill.completionTokens,
        totalTokens: bill.promptTokens + bill.completionTokens,
      });
      const cost = metadata.openrouter.usage.cost;
      if (scenario.omitCost) expect(cost).toBeUndefined();
      else expect(sameAmount(cost!, bill.totalCost)).toBe(true);
    },
  );

  it('AI SDK with the OpenRouter provider 3.1.0: null usage details are rejected by the provider (a client bug Crux avoids)', async () => {
    const openrouter = createOpenRouter({ baseURL, apiKey: 'sk-or-v1-simulated' });
    const errors: unknown[] = [];
    const result = streamText({
      model: openrouter(MODEL),
      prompt: QUESTION,
      headers: header({ nullDetails: true }),
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    expect(await result.text).toBe(chatReply(QUESTION)); // the text came before the usage chunk
    expect(await result.finishReason).toBe('error');
    expect(String(errors[0])).toMatch(/Type validation failed/);
  });

  it.each([
    ['an error choice', { failAfterChunks: 2 }],
    ['choices: [] and error metadata', { failAfterChunks: 2, errorShape: 'no_choices' }],
  ] as Array<[string, Scenario]>)('both clients see a mid-stream failure as %s', async (_name, scenario) => {
    const openrouter = createOpenRouter({ baseURL, apiKey: 'sk-or-v1-simulated' });
    const parts: string[] = [];
    const result = streamText({
      model: openrouter(MODEL),
      prompt: QUESTION,
      headers: header(scenario),
      onError: () => {},
    });
    for await (const part of result.fullStream) parts.push(part.type);
    expect(parts).toContain('text-delta');
    expect(parts).toContain('error');
    expect(await result.finishReason).toBe('error');
    expect(lastBill().finishReason).toBe('error');

    const client = new OpenAI({ baseURL, apiKey: 'sk-or-v1-simulated', maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: [{ role: 'user', content: QUESTION }], stream: true },
      { headers: header(scenario) },
    );
    const read = async () => {
      for await (const _chunk of stream) {
        // read to the end
      }
    };
    await expect(read()).rejects.toThrow(/Simulated provider failure/);
  });
});
