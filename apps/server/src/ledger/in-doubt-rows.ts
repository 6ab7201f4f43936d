/**
 * Pending rows this instance may have written without knowing it: the statement opening the row
 * (and reserving its budget) lost its connection, so it may or may not have committed. The request
 * failed there and will never settle the row, and the instance's lease is alive, so no other
 * instance takes it either: its own sweep closes it at the next pass (no cost: the upstream was
 * never called) instead of leaving it to the long orphan wait. Held in memory: if the instance
 * dies, its lease expires and the others close its rows anyway.
 */
export class InDoubtRows {
  /** Each row's undo of what else its statement wrote (a chat turn's question and daily unit). */
  private readonly rows = new Map<string, (() => Promise<void>) | undefined>();

  /**
   * `rowId`'s opening statement failed with something other than a refusal; `undo`, run once the
   * row is found and closed, takes back what else the same statement wrote.
   */
  note(rowId: string, undo?: () => Promise<void>): void {
    this.rows.set(rowId, undo);
  }

  list(): string[] {
    return [...this.rows.keys()];
  }

  undoOf(rowId: string): (() => Promise<void>) | undefined {
    return this.rows.get(rowId);
  }

  /** Done with these (closed now, or never written). */
  forget(ids: string[]): void {
    for (const id of ids) this.rows.delete(id);
  }
}
