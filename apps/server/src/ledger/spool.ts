import { mkdirSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { TurnRecord } from './turn-record.ts';

/** A turn record as kept in a spool: what to write, and when it was spooled. */
export interface SpooledTurn extends TurnRecord {
  spooledAt: string;
}

/**
 * Where a turn goes when the database refuses it: durable before `append` resolves, and drained
 * in the order appended. The Node server keeps it in a file (`FileSpool`); a runtime without a
 * durable disk can plug another storage.
 */
export interface TurnSpool {
  /** Resolves once the record is durable (a crash after this loses nothing). */
  append(record: TurnRecord): Promise<void>;
  /**
   * Applies spooled records in order and removes the applied ones. Stops at the first one that
   * fails (the database is likely still away): it and everything after it stay, in order, for
   * the next drain. Returns how many were applied.
   */
  drain(apply: (entry: SpooledTurn) => Promise<void>): Promise<number>;
  /** How many records wait. */
  size(): Promise<number>;
}

/**
 * A durable, append-only file of turns that could not reach the database (`<dataDir>/spool`).
 * Each line is fsynced before `append` resolves. A drain reads a snapshot and applies it without
 * holding up appends; what was appended meanwhile is kept after the entries left over.
 * One instance per data directory.
 */
export class FileSpool implements TurnSpool {
  readonly path: string;
  private lock: Promise<unknown> = Promise.resolve();
  private draining: Promise<number> | undefined;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'spool');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'settlements.jsonl');
  }

  append(record: TurnRecord): Promise<void> {
    return this.exclusive(async () => {
      // Led by a newline too: a line torn by a crash mid-write never swallows the next one.
      const line = `\n${JSON.stringify({ ...record, spooledAt: new Date().toISOString() } satisfies SpooledTurn)}\n`;
      const file = await open(this.path, 'a');
      try {
        await file.appendFile(line);
        await file.sync();
      } finally {
        await file.close();
      }
    });
  }

  drain(apply: (entry: SpooledTurn) => Promise<void>): Promise<number> {
    // One drain at a time: a second caller shares the running one.
    this.draining ??= this.drainOnce(apply).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  async size(): Promise<number> {
    return parse(await this.readText()).length;
  }

  private async drainOnce(apply: (entry: SpooledTurn) => Promise<void>): Promise<number> {
    const snapshot = await this.exclusive(() => this.readText());
    const entries = parse(snapshot);
    if (entries.length === 0) return 0;
    let applied = 0;
    for (const entry of entries) {
      try {
        await apply(entry);
      } catch {
        break;
      }
      applied++;
    }
    if (applied === 0) return 0;
    await this.exclusive(async () => {
      // Appended while the snapshot was being applied: kept after the entries left over.
      const appended = (await this.readText()).slice(snapshot.length);
      const left = entries.slice(applied).map((entry) => `${JSON.stringify(entry)}\n`);
      const temporary = `${this.path}.tmp`;
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(left.join('') + appended);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
    });
    return applied;
  }

  private readText(): Promise<string> {
    return readFile(this.path, 'utf8').catch(() => '');
  }

  /** One file operation at a time within this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => {});
    return run;
  }
}

function parse(text: string): SpooledTurn[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as SpooledTurn];
      } catch {
        return []; // a torn last line from a crash mid-write
      }
    });
}
