/**
 * Work that must finish even after its HTTP request is gone (settling a ledger row).
 * `close` signals every task to wrap up and waits for them.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();
  private readonly controller = new AbortController();

  /**
   * @param keepAlive tells the runtime to stay up for a task after its response is sent
   *   (Supabase Edge Functions: `EdgeRuntime.waitUntil`). Node needs nothing.
   */
  constructor(private readonly keepAlive: (task: Promise<unknown>) => void = () => {}) {}

  /** Aborted at shutdown: long waits (generation polling) should give up and leave work to the reconciler. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  run(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) => console.error('[crux] background task failed:', error));
    this.running.add(tracked);
    this.keepAlive(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  /** Resolves when nothing is running (tests and benchmarks use it to wait for settlements). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Gives running tasks `graceMs` to finish, then signals them to wrap up (a settlement still
   * polling `/generation` leaves its row pending for the reconciler) and waits for them.
   */
  async close(graceMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
    this.controller.abort();
    await this.idle();
  }
}
