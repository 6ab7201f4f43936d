import type { ChatStream, Usage } from '../llm/types.ts';
import type { ChatEvent } from './chat-service.ts';

/** What one upstream stream delivered. */
export interface UpstreamRead {
  text: string;
  usage: Usage | undefined;
  servedModel: string | undefined;
  failure: { code: string; message: string } | undefined;
  ttftMs: number | undefined;
}

/** Reads every stream part, forwarding text deltas to the client as they arrive. */
export async function readUpstream(
  stream: ChatStream,
  output: EventOutput,
  startedAt: number,
): Promise<UpstreamRead> {
  const read: UpstreamRead = {
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
      output.send({ type: 'delta', content: part.text });
    } else if (part.type === 'usage') read.usage = part.usage;
    else if (part.type === 'served-model') read.servedModel = part.model;
    else read.failure = { code: part.code, message: part.message };
  }
  return read;
}

/** Writes events to the client stream while it is open; once the client is gone, drops them. */
export class EventOutput {
  constructor(private readonly controller: ReadableStreamDefaultController<ChatEvent>) {}

  send(event: ChatEvent): void {
    try {
      this.controller.enqueue(event);
    } catch {
      // the client stream was cancelled
    }
  }

  close(): void {
    try {
      this.controller.close();
    } catch {
      // already closed or cancelled
    }
  }
}

/** Runs a secondary write whose failure must not stop the turn (the ledger is already settled or spooled). */
export async function bestEffort(what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(`[crux] could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
