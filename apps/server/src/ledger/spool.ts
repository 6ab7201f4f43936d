import { mkdirSync } from 'node:fs';
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Settlement } from './settlement.ts';

export interface SpooledSettlement {
  rowId: string;
  settlement: Settlement;
  spooledAt: string;
}

/**
 * A durable, append-only file of settlements that could not reach the database.
 * Each line is fsynced before `append` resolves; `drain` applies and removes them.
 */
export class SettlementSpool {
  readonly path: string;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    const dir = join(dataDir, 'spool');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'settlements.jsonl');
  }

  append(rowId: string, settlement: Settlement): Promise<void> {
    return this.exclusive(async () => {
      const line = `${JSON.stringify({ rowId, settlement, spooledAt: new Date().toISOString() } satisfies SpooledSettlement)}\n`;
      const file = await open(this.path, 'a');
      try {
        await file.appendFile(line);
        await file.sync();
      } finally {
        await file.close();
      }
    });
  }

  /** Applies every spooled settlement; the ones that still fail stay for the next drain. Returns how many were applied. */
  drain(apply: (entry: SpooledSettlement) => Promise<void>): Promise<number> {
    return this.exclusive(async () => {
      const entries = await this.read();
      if (entries.length === 0) return 0;
      const left: SpooledSettlement[] = [];
      for (const entry of entries) {
        try {
          await apply(entry);
        } catch {
          left.push(entry);
        }
      }
      const temporary = `${this.path}.tmp`;
      await writeFile(temporary, left.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      await rename(temporary, this.path);
      return entries.length - left.length;
    });
  }

  async size(): Promise<number> {
    return (await this.read()).length;
  }

  private async read(): Promise<SpooledSettlement[]> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.trim())
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as SpooledSettlement];
        } catch {
          return []; // a torn last line from a crash mid-write
        }
      });
  }

  /** One spool operation at a time within this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => {});
    return run;
  }
}
