import type { ChatStream, Usage } from './types.ts';

/** Everything one streamed completion delivered. */
export interface CollectedStream {
  text: string;
  usage: Usage | undefined;
  servedModel: string | undefined;
  /** An error chunk or a cut stream; undefined when the stream ended with [DONE]. */
  failure: { code: string; message: string } | undefined;
  /** From `startedAt` to the first text. */
  ttftMs: number | undefined;
}

/** Reads a stream to its end, handing each piece of text to `onText` as it arrives. */
export async function collectStream(
  stream: ChatStream,
  startedAt: number,
  onText: (text: string) => void = () => {},
): Promise<CollectedStream> {
  const read: CollectedStream = {
    text: '',
    usage: undefined,
    servedModel: undefined,
    failure: undefined,
    ttftMs: undefined,
  };
  for await (const part of stream.parts) {
    if (part.type === 'text-delta') {
      read.ttftMs ??= Math.round(performance.now() - startedAt);
      read.text += part.text;
      onText(part.text);
    } else if (part.type === 'usage') read.usage = part.usage;
    else if (part.type === 'served-model') read.servedModel = part.model;
    else read.failure = { code: part.code, message: part.message };
  }
  return read;
}
