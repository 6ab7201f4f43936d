import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterSimulator } from '../simulator/server.ts';
import { UpstreamError } from './errors.ts';
import { FetchTransport } from './fetch-transport.ts';
import { NodeTransport } from './node-transport.ts';
import { OpenRouterClient } from './openrouter-client.ts';
import type { Transport } from './transport.ts';
import type { StreamPart } from './types.ts';

const request = { model: 'google/gemini-2.5-pro', messages: [{ role: 'user' as const, content: 'hi' }] };

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const all: StreamPart[] = [];
  for await (const part of parts) all.push(part);
  return all;
}

const texts = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : []));

/** Every case runs on both transports: node:http (the server's) and fetch (the Edge Function's). */
describe.each([
  ['node:http', () => new NodeTransport()],
  ['fetch', () => new FetchTransport()],
] as const)('OpenRouterClient over %s (against the simulator)', (_name, makeTransport: () => Transport) => {
  const simulator = new OpenRouterSimulator({ apiKey: 'sk-or-v1-test' });
  const transport = makeTransport();
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await simulator.start();
  });
  afterAll(() => simulator.stop());

  const client = (options: { connectTimeoutMs?: number; idleTimeoutMs?: number; apiKey?: string } = {}) =>
    new OpenRouterClient({ baseUrl, apiKey: options.apiKey ?? 'sk-or-v1-test', transport, ...options });

  it('streams a whole answer, then does it again on the same client', async () => {
    for (let i = 0; i < 3; i++) {
      const stream = await client().streamChat(request);
      expect(stream.generationId).toMatch(/^gen-/);
      const parts = await collect(stream.parts);
      expect(texts(parts).join('')).not.toBe('');
      expect(parts.find((p) => p.type === 'usage')).toMatchObject({ usage: { cost: expect.any(String) } });
      expect(parts.some((p) => p.type === 'error')).toBe(false);
    }
  });

  it('completes, reads generation stats and the catalog', async () => {
    const completion = await client().complete(request);
    expect(completion.content).not.toBe('');
    expect(completion.usage?.cost).toEqual(expect.any(String));
    const stats = await client().getGeneration(completion.generationId!);
    expect(stats).toMatchObject({ id: completion.generationId, totalCost: completion.usage?.cost });
    expect(await client().getGeneration('gen-unknown')).toBeUndefined();
    expect((await client().listModels()).length).toBeGreaterThan(0);
  });

  it('sends the key and gets a typed, non-retryable 401 without it', async () => {
    const error = await client({ apiKey: 'sk-or-v1-wrong' })
      .streamChat(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, retryable: false });
  });

  it.each([
    [402, 'out_of_credits', false],
    [408, 'timeout', true],
    [429, 'rate_limited', true],
    [502, 'bad_gateway', true],
    [503, 'unavailable', true],
  ] as const)('maps HTTP %i to %s (retryable: %s)', async (status, kind, retryable) => {
    simulator.enqueue({ status });
    const error = await client()
      .complete(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind, status, retryable });
  });

  it('refuses a stream before its first byte with the status, message and Retry-After', async () => {
    simulator.enqueue({ status: 429, retryAfterSeconds: 7, message: 'Slow down' });
    const limited = await client()
      .streamChat(request)
      .catch((e: unknown) => e);
    expect(limited).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterSeconds: 7,
      message: 'Slow down',
    });
    simulator.enqueue({ status: 502 });
    const down = await client()
      .streamChat(request)
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ kind: 'bad_gateway', status: 502, retryable: true });
  });

  it('ends on a mid-stream error part after the text before it', async () => {
    simulator.enqueue({ failAfterChunks: 2 });
    const parts = await collect((await client().streamChat(request)).parts);
    expect(texts(parts).length).toBe(2);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'upstream_502' });
  });

  it('reports a connection dropped mid-stream as cut', async () => {
    simulator.enqueue({ cutAfterChunks: 2 });
    const parts = await collect((await client().streamChat(request)).parts);
    expect(texts(parts).length).toBe(2);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'stream_cut' });
  });

  it('times out waiting for the headers', async () => {
    simulator.enqueue({ latencyMs: 600 });
    const error = await client({ connectTimeoutMs: 150 })
      .streamChat(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('stays alive through a long think thanks to keep-alive comments', async () => {
    simulator.enqueue({ processingMs: 700 });
    const stream = await client({ idleTimeoutMs: 300 }).streamChat(request);
    const parts = await collect(stream.parts);
    expect(parts.some((p) => p.type === 'usage')).toBe(true);
    expect(parts.some((p) => p.type === 'error')).toBe(false);
  });

  it('gives up on a stream that goes silent', async () => {
    simulator.enqueue({ processingMs: 700, keepAlives: 0 });
    const stream = await client({ idleTimeoutMs: 300 }).streamChat(request);
    const parts = await collect(stream.parts);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'upstream_timeout' });
  });

  it("ends quietly on the caller's abort mid-stream, and the upstream sees the client go", async () => {
    simulator.enqueue({ chunkDelayMs: 40 });
    const controller = new AbortController();
    const stream = await client().streamChat({ ...request, signal: controller.signal });
    const parts: StreamPart[] = [];
    for await (const part of stream.parts) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(texts(parts)).toHaveLength(1);
    expect(parts.some((p) => p.type === 'error')).toBe(false);
    await expect.poll(() => simulator.billing.get(stream.generationId!)?.cancelled).toBe(true);
  });

  it("rejects on the caller's abort before the headers", async () => {
    simulator.enqueue({ latencyMs: 400 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await client()
      .streamChat({ ...request, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', message: 'The request was aborted' });
  });

  it('cuts the upstream off when the consumer stops reading mid-stream', async () => {
    simulator.enqueue({ chunkDelayMs: 40 });
    const stream = await client().streamChat(request);
    for await (const part of stream.parts) if (part.type === 'text-delta') break;
    await expect.poll(() => simulator.billing.get(stream.generationId!)?.cancelled).toBe(true);
  });

  it('reports a refused connection as a retryable network error', async () => {
    const error = await new OpenRouterClient({
      baseUrl: 'http://127.0.0.1:9/api/v1',
      apiKey: undefined,
      transport,
    })
      .complete(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });
});
