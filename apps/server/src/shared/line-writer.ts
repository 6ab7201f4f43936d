import { write, writeSync } from 'node:fs';

/** Lines queued at most; beyond this a burst drops lines (and says how many) rather than grow. */
const MAX_QUEUED = 10_000;

/**
 * A log that never blocks a request: `line` only queues the text; the queue is written to the
 * file descriptor in one asynchronous write per batch (libuv's thread pool, so even a slow pipe
 * or disk never stalls the event loop), one write at a time, in order.
 */
export class LineWriter {
  private queued: string[] = [];
  private writing = false;
  private dropped = 0;

  constructor(private readonly fd = 1) {}

  readonly line = (text: string): void => {
    if (this.queued.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.queued.push(text);
    if (!this.writing) {
      this.writing = true;
      setImmediate(() => this.flush());
    }
  };

  /** Writes whatever is queued synchronously (at shutdown). */
  flushSync(): void {
    const text = this.take();
    if (text) writeSync(this.fd, text);
  }

  private flush(): void {
    const text = this.take();
    if (!text) {
      this.writing = false;
      return;
    }
    write(this.fd, text, () => this.flush());
  }

  private take(): string {
    if (this.dropped > 0) {
      this.queued.push(`[crux] log: ${this.dropped} line(s) dropped under load`);
      this.dropped = 0;
    }
    if (this.queued.length === 0) return '';
    const text = `${this.queued.join('\n')}\n`;
    this.queued = [];
    return text;
  }
}
