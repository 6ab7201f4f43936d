import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterSimulator } from '../simulator/server.ts';
import { UpstreamError } from './errors.ts';
import { OpenRouterClient } from './openrouter-client.ts';
import type { StreamPart } from './types.ts';

const request = { model: 'google/gemini-2.5-pro', messages: [{ role: 'user' as const, content: 'hi' }] };

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const all: StreamPart[] = [];
  for await (const part of parts) all.push(part);
  return all;
}

describe('OpenRouterClient timeouts and errors (against the simulator)', () => {
  const simulator = new OpenRouterSimulator({ apiKey: 'sk-or-v1-test' });
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await simulator.start();
  });
  afterAll(() => simulator.stop());

  const client = (options: { connectTimeoutMs?: number; idleTimeoutMs?: number; apiKey?: string } = {}) =>
    new OpenRouterClient({ baseUrl, apiKey: options.apiKey ?? 'sk-or-v1-test', ...options });

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

  it('reports a refused connection as a retryable network error', async () => {
    const error = await new OpenRouterClient({ baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: undefined })
      .complete(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });
});
