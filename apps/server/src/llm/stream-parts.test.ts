import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
  for await (const part of readStreamParts(body, {
    onActivity: () => {},
    signal: undefined,
    timedOut: () => false,
  })) {
    parts.push(part);
  }
  return parts;
}

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
    expect(parts.at(-1)).toEqual({ type: 'error', code: 'upstream_502', message: 'Provider disconnected' });
  });

  it('reports a stream that ends before [DONE] as cut', async () => {
    const text = 'data: {"id":"g","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n';
    const parts = await collect(new Response(text).body!);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'stream_cut' });
  });
});
