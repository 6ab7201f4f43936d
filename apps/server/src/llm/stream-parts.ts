import { EventSourceParserStream } from 'eventsource-parser/stream';
import { parseJsonExact } from './exact-json.ts';
import type { StreamPart } from './types.ts';
import { toUsage, type WireChunk, wireChunk } from './wire.ts';

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
  const seen: { model?: string; id?: string } = {};
  try {
    for await (const event of events) {
      options.onActivity();
      if (event.data === '[DONE]') return;
      const chunk = wireChunk.safeParse(safeJson(event.data));
      if (!chunk.success) continue; // not JSON, or not an object: nothing to bill or show
      const parts = chunkParts(chunk.data, seen);
      yield* parts;
      if (parts.at(-1)?.type === 'error') return;
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
