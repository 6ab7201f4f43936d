import type { ChatStream, FinishReason, StreamPart, Usage } from './types.ts';

/** Everything one streamed completion delivered. */
export interface CollectedStream {
  /** Every piece of text, whatever else its chunk carried. */
  text: string;
  usage: Usage | undefined;
  servedModel: string | undefined;
  /** From the `X-Generation-Id` header or, failing that, the chunks' `id`. */
  generationId: string | undefined;
  finishReason: FinishReason | undefined;
  /** An error chunk or a cut stream; undefined when the stream ended with [DONE]. */
  failure: { code: string; message: string } | undefined;
  /** From `startedAt` to the first text. */
  ttftMs: number | undefined;
}

export interface CollectHandlers {
  /** A promise when the text's reader is not keeping up: the next part is read once it settles. */
  onText?: (text: string) => Promise<void> | undefined;
  /** The generation id, once, as soon as it is known. */
  onGeneration?: (id: string) => void;
}

/**
 * Reads a stream to its end, handing each piece of text to `onText` as it arrives, and pausing
 * while `onText`'s promise is pending (a slow client holds the upstream, not a growing buffer).
 */
export async function collectStream(
  stream: ChatStream,
  startedAt: number,
  handlers: CollectHandlers = {},
): Promise<CollectedStream> {
  const read: CollectedStream = {
    text: '',
    usage: undefined,
    servedModel: undefined,
    generationId: stream.generationId,
    finishReason: undefined,
    failure: undefined,
    ttftMs: undefined,
  };
  if (read.generationId) handlers.onGeneration?.(read.generationId);
  for await (const part of stream.parts) {
    const wait = apply(read, part, startedAt, handlers);
    if (wait) await wait;
  }
  return read;
}

function apply(
  read: CollectedStream,
  part: StreamPart,
  startedAt: number,
  handlers: CollectHandlers,
): Promise<void> | undefined {
  switch (part.type) {
    case 'text-delta':
      read.ttftMs ??= Math.round(performance.now() - startedAt);
      read.text += part.text;
      return handlers.onText?.(part.text);
    case 'usage':
      read.usage = part.usage;
      return undefined;
    case 'served-model':
      read.servedModel = part.model;
      return undefined;
    case 'generation':
      if (read.generationId) return undefined;
      read.generationId = part.id;
      handlers.onGeneration?.(part.id);
      return undefined;
    case 'finish':
      read.finishReason = part.reason;
      return undefined;
    case 'error':
      read.failure = { code: part.code, message: part.message };
      read.finishReason ??= 'error';
      return undefined;
  }
}
