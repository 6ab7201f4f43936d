import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FetchResponse } from './fetch-transport.ts';
import { readStreamParts } from './stream-parts.ts';
import type { StreamPart } from './types.ts';

/** Replays a recorded stream in small, uneven pieces, as the network delivers it. */
function replay(name: string, pieceSize = 7): ReadableStream<Uint8Array> {
  const bytes = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + pieceSize));
      offset += pieceSize;
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of readStreamParts(new FetchResponse(new Response(body)), {
    onActivity: () => {},
    signal: undefined,
    timedOut: () => false,
  })) {
    parts.push(part);
  }
  return parts;
}

const texts = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : []));

describe('readStreamParts', () => {
  it('skips keep-alives, reads deltas and takes usage from the final chunk', async () => {
    const parts = await collect(replay('openrouter-stream.chunks.txt'));
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { text: string }).text)).toEqual([
      'Hello',
      ' climber',
    ]);
    const usage = parts.find((p) => p.type === 'usage');
    // cost is exact; upstream_inference_cost is never added to it
    expect(usage).toEqual({
      type: 'usage',
      usage: {
        promptTokens: 10,
        completionTokens: 2,
        totalTokens: 12,
        cachedTokens: 3,
        reasoningTokens: 0,
        cost: '0.0000004',
      },
    });
    expect(parts.some((p) => p.type === 'error')).toBe(false);
  });

  it('surfaces a mid-stream error chunk as an error part', async () => {
    const parts = await collect(replay('openrouter-midstream-error.chunks.txt'));
    expect(parts.slice(-2)).toEqual([
      { type: 'finish', reason: 'error' },
      { type: 'error', code: 'upstream_502', message: 'Provider disconnected' },
    ]);
  });

  it('reads text, finish reason and usage from one final chunk, with null details and an exponent cost', async () => {
    const parts = await collect(replay('openrouter-final-chunk-usage.chunks.txt', 5));
    expect(texts(parts)).toEqual(['Keep your', ' hips close.']);
    expect(parts.slice(-2)).toEqual([
      { type: 'finish', reason: 'length' },
      {
        type: 'usage',
        usage: {
          promptTokens: 21,
          completionTokens: 4,
          totalTokens: 25,
          cachedTokens: undefined, // null is unknown, never 0
          reasoningTokens: undefined,
          cost: '0.00000015',
        },
      },
    ]);
    expect(parts).toContainEqual({ type: 'generation', id: 'gen-3' });
  });

  it('keeps a usage chunk without cost (the cost is then looked up)', async () => {
    const parts = await collect(replay('openrouter-usage-without-cost.chunks.txt'));
    expect(texts(parts)).toEqual(['Hi']);
    expect(parts.find((p) => p.type === 'usage')).toMatchObject({
      usage: { promptTokens: 8, completionTokens: 1, cost: undefined },
    });
    expect(parts.filter((p) => p.type === 'generation')).toEqual([{ type: 'generation', id: 'gen-4' }]);
  });

  it('ends on an error with choices: [] and a string code, after delivering the text before it', async () => {
    const parts = await collect(replay('openrouter-error-no-choices.chunks.txt'));
    expect(texts(parts)).toEqual(['Part']);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      code: 'upstream_server_error',
      message: 'Upstream provider overloaded',
    });
  });

  it('treats a choice finishing with "error" as a failure even without a top-level error', async () => {
    const text =
      'data: {"id":"g","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"error"}]}\n\n';
    const parts = await collect(new Response(text).body!);
    expect(texts(parts)).toEqual(['Hi']);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error' });
  });

  it('never drops a chunk over an odd field: text survives a malformed usage', async () => {
    const text =
      'data: {"id":"g","choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"many","cost":"abc"}}\n\ndata: [DONE]\n\n';
    const parts = await collect(new Response(text).body!);
    expect(texts(parts)).toEqual(['Hi']);
    expect(parts.find((p) => p.type === 'usage')).toMatchObject({
      usage: { promptTokens: undefined, cost: undefined },
    });
  });

  it('reports a stream that ends before [DONE] as cut', async () => {
    const text = 'data: {"id":"g","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n';
    const parts = await collect(new Response(text).body!);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'stream_cut' });
  });

  it('lets the upstream body go when the reader stops early ([DONE], or the consumer breaks off)', async () => {
    const cancelled: string[] = [];
    const endless = (name: string) =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(
            new TextEncoder().encode(
              'data: {"id":"g","choices":[{"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n',
            ),
          );
        },
        cancel: () => {
          cancelled.push(name);
        },
      });
    await collect(endless('done'));
    const options = { onActivity: () => {}, signal: undefined, timedOut: () => false };
    for await (const _part of readStreamParts(new FetchResponse(new Response(endless('consumer'))), options))
      break;
    expect(cancelled).toEqual(['done', 'consumer']);
  });
});
