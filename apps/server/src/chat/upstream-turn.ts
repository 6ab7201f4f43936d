import type { ChatEvent } from './chat-service.ts';

/**
 * Where a turn's events go: the client's response, written as they come (http/sse.ts). No HTTP
 * in the chat code: the same events reach a Node response or a web stream.
 */
export interface ChatEventSink {
  /**
   * Writes one event; once the client is gone, drops it. Returns a promise when the client is not
   * keeping up: the caller sends nothing more until it settles (at once if the client leaves).
   */
  send(event: ChatEvent): Promise<void> | undefined;
  /** No more events: ends the response. */
  end(): void;
}

/**
 * A turn's events on their way to the client's sink. The turn starts before the HTTP layer has
 * attached the sink; what comes before (nothing, in practice) waits here.
 */
export class EventOutput {
  private sink: ChatEventSink | undefined;
  private early: ChatEvent[] | undefined;
  private ended = false;

  /** Starts the flow to the client: the events so far, then each as it comes. Once per turn. */
  attach(sink: ChatEventSink): void {
    if (this.sink) throw new Error('a chat turn streams to one client');
    this.sink = sink;
    for (const event of this.early ?? []) void sink.send(event);
    this.early = undefined;
    if (this.ended) sink.end();
  }

  send(event: ChatEvent): Promise<void> | undefined {
    if (this.ended) return undefined;
    if (this.sink) return this.sink.send(event);
    this.early ??= [];
    this.early.push(event);
    return undefined;
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink?.end();
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
