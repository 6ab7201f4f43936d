import { createParser } from 'eventsource-parser';
import { parseJsonExact } from './exact-json.ts';
import type { StreamPart } from './types.ts';
import { toUsage, type WireChunk, wireChunk } from './wire.ts';

/**
 * Turns an OpenRouter SSE body into stream parts. Keep-alive comments (`: OPENROUTER PROCESSING`)
 * are skipped by the SSE parser and only reset the idle timer. The iteration ends after
 * `[DONE]`; a stream that stops without it yields a `stream_cut` error part. When `signal`
 * (the caller's abort) fires, the iteration just ends.
 *
 * The body is read with one reader, one TextDecoder and the SSE parser fed by hand: no
 * TransformStreams or pipes, which cost every open stream dozens of objects and promises.
 */
export async function* readStreamParts(
  body: ReadableStream<Uint8Array>,
  options: { onActivity: () => void; signal: AbortSignal | undefined; timedOut: () => boolean },
): AsyncGenerator<StreamPart> {
  const reader = body.getReader();
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
  let ended = false;
  try {
    for (;;) {
      const read = await reader.read();
      if (read.done) {
        ended = true;
        break;
      }
      parser.feed(decoder.decode(read.value, { stream: true }));
      if (overflow) break;
      for (const data of events.splice(0)) {
        options.onActivity();
        if (data === '[DONE]') return;
        const chunk = wireChunk.safeParse(safeJson(data));
        if (!chunk.success) continue; // not JSON, or not an object: nothing to bill or show
        const parts = chunkParts(chunk.data, seen);
        yield* parts;
        if (parts.at(-1)?.type === 'error') return;
      }
    }
  } catch {
    if (options.signal?.aborted) return;
    if (options.timedOut()) {
      yield { type: 'error', code: 'upstream_timeout', message: 'The upstream went quiet for too long' };
      return;
    }
  } finally {
    // Stopped before the body's end (by [DONE], an error part, a failure or the consumer): let it go.
    if (!ended) reader.cancel().catch(() => {});
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
