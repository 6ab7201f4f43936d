import { EventSourceParserStream } from 'eventsource-parser/stream';
import { parseJsonExact } from './exact-json.ts';
import type { StreamPart } from './types.ts';
import { toUsage, wireChunk } from './wire.ts';

/**
 * Turns an OpenRouter SSE body into stream parts. Keep-alive comments (`: OPENROUTER PROCESSING`)
 * are skipped by the SSE parser and only reset the idle timer. The iteration ends after
 * `[DONE]`; a stream that stops without it yields a `stream_cut` error part. When `signal`
 * (the caller's abort) fires, the iteration just ends.
 */
export async function* readStreamParts(
  body: ReadableStream<Uint8Array>,
  options: { onActivity: () => void; signal: AbortSignal | undefined; timedOut: () => boolean },
): AsyncGenerator<StreamPart> {
  const events = body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream({ onComment: options.onActivity }));
  let servedModel: string | undefined;
  try {
    for await (const event of events) {
      options.onActivity();
      if (event.data === '[DONE]') return;
      const chunk = wireChunk.safeParse(safeJson(event.data));
      if (!chunk.success) continue; // an unreadable chunk carries nothing we can bill or show
      const { error, choices, usage, model } = chunk.data;
      if (model && model !== servedModel) {
        servedModel = model;
        yield { type: 'served-model', model };
      }
      for (const choice of choices ?? []) {
        if (choice.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
      }
      if (usage) yield { type: 'usage', usage: toUsage(usage) };
      if (error) {
        yield {
          type: 'error',
          code: upstreamCode(error.code),
          message: error.message ?? 'The upstream failed mid-stream',
        };
        return;
      }
    }
  } catch {
    if (options.signal?.aborted) return;
    if (options.timedOut()) {
      yield { type: 'error', code: 'upstream_timeout', message: 'The upstream went quiet for too long' };
      return;
    }
  }
  if (options.signal?.aborted) return;
  yield { type: 'error', code: 'stream_cut', message: 'The upstream stream ended before it finished' };
}

function safeJson(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

function upstreamCode(code: number | string | undefined): string {
  return code === undefined ? 'upstream_error' : `upstream_${String(code)}`;
}
