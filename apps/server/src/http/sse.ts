import type { Context } from 'hono';
import type { ChatEvent, ChatRun } from '../chat/chat-service.ts';
import type { ChatEventSink } from '../chat/upstream-turn.ts';
import type { AppEnv } from './app-env.ts';
import { sseData } from './sse-data.ts';
import { directSseSlot, NodeSseSink, SSE_CONTENT_TYPE } from './sse-node.ts';

const SSE_HEADERS = {
  'content-type': SSE_CONTENT_TYPE,
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/**
 * A `text/event-stream` response of a chat run: each event as one `data:` line of JSON, then
 * `data: [DONE]`; the client going away aborts the run (its cost is still settled). On the Node
 * server the events are written straight to its response (sse-node.ts); elsewhere (Deno, Hono's
 * `app.request`) they are a web stream. Either way the run pushes into a sink.
 */
export function sseResponse(c: Context<AppEnv>, run: ChatRun): Response {
  const requestId = c.get('requestId');
  const slot = directSseSlot(c.env);
  if (slot) {
    slot.sink = new NodeSseSink(slot.outgoing, requestId, () => run.abort());
    run.attach(slot.sink);
    // Headers only: the server writes them, with every middleware's, then the events.
    return c.body(null, 200, SSE_HEADERS);
  }
  let sink!: WebSseSink;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        sink = new WebSseSink(controller, requestId); // runs inside the constructor
      },
      pull() {
        sink.pulled();
      },
      cancel() {
        sink.cancelled();
        run.abort();
      },
    },
    { highWaterMark: WEB_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
  run.attach(sink);
  return c.body(body, 200, SSE_HEADERS);
}

/** What the web stream holds for a reader that is behind, before the run waits for it. */
const WEB_BUFFER_BYTES = 64 * 1024;
const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');

/** The events as a web stream's bytes; `send` waits (a promise) while the reader is behind. */
class WebSseSink implements ChatEventSink {
  private done = false;
  private behind: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly requestId: string,
  ) {}

  send(event: ChatEvent): Promise<void> | undefined {
    if (this.done) return undefined;
    this.controller.enqueue(encoder.encode(`data: ${sseData(event, this.requestId)}\n\n`));
    if ((this.controller.desiredSize ?? 1) > 0) return undefined;
    this.behind ??= new Promise<void>((resolve) => {
      this.release = resolve;
    });
    return this.behind;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.controller.enqueue(DONE);
    this.controller.close();
  }

  /** The reader took enough: the run may send again. */
  pulled(): void {
    const release = this.release;
    this.behind = undefined;
    this.release = undefined;
    release?.();
  }

  cancelled(): void {
    this.done = true;
    this.pulled();
  }
}
