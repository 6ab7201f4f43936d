import type { ChatEvent } from './chat-service.ts';

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
