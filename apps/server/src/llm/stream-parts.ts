import { createParser } from 'eventsource-parser';
import { parseJsonExact } from './exact-json.ts';
import type { TransportResponse } from './transport.ts';
import type { StreamPart } from './types.ts';
import { readWireChunk, toUsage, type WireChunk } from './wire.ts';

export interface StreamReadOptions {
  /** Any byte of the stream arrived (a keep-alive comment too): the idle timer starts again. */
  onActivity: () => void;
  /** The caller's abort: when it fires, the iteration just ends. */
  signal: AbortSignal | undefined;
  /** Whether the idle timer aborted the exchange. */
  timedOut: () => boolean;
  /** Runs once when the iteration ends, however it ends. */
  onEnd?: () => void;
}

/**
 * Turns an OpenRouter SSE body into stream parts. Keep-alive comments (`: OPENROUTER PROCESSING`)
 * are skipped by the SSE parser and only reset the idle timer. The iteration ends after
 * `[DONE]`; a stream that stops without it yields a `stream_cut` error part.
 *
 * One generator reads the body piece by piece with one TextDecoder and the SSE parser fed by hand:
 * no web streams, pipes or nested generators, which cost every chunk promises and objects.
 */
export async function* readStreamParts(
  body: Pick<TransportResponse, 'read' | 'release'>,
  options: StreamReadOptions,
): AsyncGenerator<StreamPart> {
  const decoder = new TextDecoder();
  const events: string[] = [];
  let overflow = false;
  const parser = createParser({
    onEvent: (event) => events.push(event.data),
    onComment: options.onActivity,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
  });
  const seen: { model?: string; id?: string } = {};
  // Whether the content is over by the protocol ([DONE] or an error chunk), so the connection may stay.
  let finished = false;
  try {
    for (let piece = await body.read(); piece; piece = await body.read()) {
      parser.feed(decoder.decode(piece, { stream: true }));
      if (overflow) break;
      for (const data of events) {
        options.onActivity();
        if (data === '[DONE]') {
          finished = true;
          return;
        }
        const chunk = readWireChunk(safeJson(data));
        if (!chunk) continue; // not JSON, or not an object: nothing to bill or show
        const parts = chunkParts(chunk, seen);
        for (const part of parts) yield part;
        if (parts.at(-1)?.type === 'error') {
          finished = true;
          return;
        }
      }
      events.length = 0;
    }
  } catch {
    if (options.signal?.aborted) return;
    if (options.timedOut()) {
      yield { type: 'error', code: 'upstream_timeout', message: 'The upstream went quiet for too long' };
      return;
    }
  } finally {
    // Stopped before the body's end ([DONE], an error part, a failure or the consumer): let it go.
    body.release(finished);
    options.onEnd?.();
  }
  if (options.signal?.aborted) return;
  yield { type: 'error', code: 'stream_cut', message: 'The upstream stream ended before it finished' };
}

/**
 * Every part one chunk carries, in order: ids, text, finish reason, usage, then an error.
 * A final chunk may carry all of them together; a mid-stream error comes as a top-level
 * `error` (with or without choices) or as a choice whose `finish_reason` is `error`.
 */
export function chunkParts(chunk: WireChunk, seen: { model?: string; id?: string }): StreamPart[] {
  const parts: StreamPart[] = [];
  if (chunk.id && chunk.id !== seen.id) {
    seen.id = chunk.id;
    parts.push({ type: 'generation', id: chunk.id });
  }
  if (chunk.model && chunk.model !== seen.model) {
    seen.model = chunk.model;
    parts.push({ type: 'served-model', model: chunk.model });
  }
  let finish: string | undefined;
  for (const choice of chunk.choices ?? []) {
    if (choice.delta?.content) parts.push({ type: 'text-delta', text: choice.delta.content });
    finish = choice.finish_reason ?? finish;
  }
  const failed = chunk.error != null || finish === 'error';
  if (finish || failed) parts.push({ type: 'finish', reason: failed ? 'error' : (finish as string) });
  if (chunk.usage) parts.push({ type: 'usage', usage: toUsage(chunk.usage) });
  if (failed) {
    parts.push({
      type: 'error',
      code: upstreamCode(chunk.error?.code ?? undefined),
      message: chunk.error?.message ?? 'The upstream failed mid-stream',
    });
  }
  return parts;
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
