import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ChatEvent } from '../chat/chat-service.ts';
import type { ChatEventSink } from '../chat/upstream-turn.ts';
import { sseData } from './sse-data.ts';

export const SSE_CONTENT_TYPE = 'text/event-stream';
const DONE = 'data: [DONE]\n\n';
/** Text queued in one tick beyond this is written at once (so a burst never piles up unchecked). */
const FLUSH_AT = 16 * 1024;

/**
 * The slot the Node server's fetch (node-streams.ts) puts in each request's `env`: a route that
 * streams registers its sink here instead of returning a body, and the server opens it once
 * every middleware has finished with the response.
 */
export const DIRECT_SSE = Symbol('crux.directSse');

export interface DirectSseSlot {
  readonly outgoing: ServerResponse;
  sink: NodeSseSink | undefined;
}

export function directSseSlot(env: unknown): DirectSseSlot | undefined {
  if (typeof env !== 'object' || env === null || !(DIRECT_SSE in env)) return undefined;
  return (env as { [DIRECT_SSE]: DirectSseSlot })[DIRECT_SSE];
}

/**
 * SSE written straight to Node's response. The events of one tick are joined and written once
 * on the next tick (one chunk, one socket write), up to FLUSH_AT; the head waits for that tick
 * too, so it leaves with the events already there (an answer that came whole: one write). `res.cork()` is not used: on
 * Node 24 an `end()` while corked sends the buffered chunks after the terminator, and an
 * `uncork()` writes each buffered piece with its own syscall. When the socket's buffer is
 * full `send` returns a promise that settles on 'drain', so a slow client holds the upstream
 * read rather than a growing buffer. The client leaving (the response closed before it ended)
 * calls `onClientGone` once. Until `open` (the head is not written yet) events wait as text.
 */
export class NodeSseSink implements ChatEventSink {
  private opened = false;
  private queued = '';
  private scheduled = false;
  private ended = false;
  private gone = false;
  private drained: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly requestId: string,
    private readonly onClientGone: () => void,
  ) {
    res.once('close', () => {
      const left = !this.gone && !this.ended && !res.writableFinished;
      this.goneNow();
      if (left) onClientGone();
    });
    // A write racing the client's reset must not become an unhandled 'error' event.
    res.on('error', () => {});
  }

  /** Writes the head (status 200 and the final headers), then what waited. */
  open(headers: OutgoingHttpHeaders): void {
    if (this.opened || this.gone) return;
    this.opened = true;
    this.res.writeHead(200, headers);
    if (this.ended) this.finish();
    else this.schedule();
  }

  /** The response will not stream after all (replaced by another): the turn is abandoned. */
  cancel(): void {
    if (this.gone || this.opened) return;
    this.goneNow();
    if (!this.ended) this.onClientGone();
  }

  send(event: ChatEvent): Promise<void> | undefined {
    if (this.ended || this.gone) return undefined;
    this.queued += `data: ${sseData(event, this.requestId)}\n\n`;
    if (!this.opened) return undefined;
    if (this.queued.length >= FLUSH_AT) this.flush();
    else this.schedule();
    if (!this.res.writableNeedDrain) return undefined;
    this.drained ??= new Promise<void>((resolve) => {
      this.release = resolve;
      this.res.once('drain', this.onDrain);
    });
    return this.drained;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.opened && !this.gone) this.finish();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.flush);
  }

  /** Writes what is queued (the head alone when nothing is, so the client knows the stream is on). */
  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.gone || this.ended || this.res.destroyed) return;
    if (!this.queued) {
      if (!this.res.headersSent) this.res.flushHeaders();
      return;
    }
    const text = this.queued;
    this.queued = '';
    this.res.write(text);
  };

  private finish(): void {
    const text = this.queued + DONE;
    this.queued = '';
    if (!this.res.destroyed) this.res.end(text);
  }

  private readonly onDrain = (): void => {
    const release = this.release;
    this.drained = undefined;
    this.release = undefined;
    release?.();
  };

  private goneNow(): void {
    this.gone = true;
    this.queued = '';
    this.res.off('drain', this.onDrain);
    this.onDrain();
  }
}
