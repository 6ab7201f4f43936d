import { mkdirSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DrainResult,
  planDrain,
  type QuarantinedTurn,
  type SpoolApply,
  type SpooledTurn,
} from './spool-drain.ts';
import type { TurnRecord } from './turn-record.ts';

export type { DrainResult, QuarantinedTurn, SpoolApply, SpooledTurn } from './spool-drain.ts';

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
   * fails for a fault that may pass (the database is likely still away): it and everything after
   * it stay, in order, for the next drain. One the database refuses for good is moved aside
   * (quarantined, see `planDrain`) and the drain goes on.
   */
  drain(apply: SpoolApply): Promise<DrainResult>;
  /** How many records wait. */
  size(): Promise<number>;
  /** The records moved aside, oldest first: kept for an operator, never applied again by a drain. */
  quarantined(): Promise<QuarantinedTurn[]>;
  /** Where the records are kept, for an operator (a path, a table). */
  readonly location: string;
}

/**
 * A durable, append-only file of turns that could not reach the database (`<dataDir>/spool`).
 * Each line is fsynced before `append` resolves. A drain reads a snapshot and applies it without
 * holding up appends; what was appended meanwhile is kept after the entries left over. Entries
 * moved aside go to `quarantined.jsonl` beside it (fsynced before they leave the spool).
 * One instance per data directory.
 */
export class FileSpool implements TurnSpool {
  readonly path: string;
  readonly quarantinePath: string;
  private lock: Promise<unknown> = Promise.resolve();
  private draining: Promise<DrainResult> | undefined;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'spool');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'settlements.jsonl');
    this.quarantinePath = join(dir, 'quarantined.jsonl');
  }

  get location(): string {
    return this.path;
  }

  append(record: TurnRecord): Promise<void> {
    return this.exclusive(async () => {
      // Led by a newline too: a line torn by a crash mid-write never swallows the next one.
      const line = `\n${JSON.stringify({ ...record, spooledAt: new Date().toISOString() } satisfies SpooledTurn)}\n`;
      await appendSynced(this.path, line);
    });
  }

  drain(apply: SpoolApply): Promise<DrainResult> {
    // One drain at a time: a second caller shares the running one.
    this.draining ??= this.drainOnce(apply).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  async size(): Promise<number> {
    return parse<SpooledTurn>(await this.readText()).length;
  }

  async quarantined(): Promise<QuarantinedTurn[]> {
    return parse<QuarantinedTurn>(await readFile(this.quarantinePath, 'utf8').catch(() => ''));
  }

  private async drainOnce(apply: SpoolApply): Promise<DrainResult> {
    const snapshot = await this.exclusive(() => this.readText());
    const entries = parse<SpooledTurn>(snapshot);
    if (entries.length === 0) return { applied: 0, quarantined: [] };
    const plan = await planDrain(entries, (entry) => apply(entry));
    const now = new Date().toISOString();
    const quarantined = plan.quarantined.map(
      ({ entry, attempts, reason }): QuarantinedTurn => ({ ...entry, attempts, quarantinedAt: now, reason }),
    );
    // Moved aside durably before they leave the spool: a crash in between keeps them in both.
    if (quarantined.length > 0)
      await appendSynced(this.quarantinePath, quarantined.map((q) => `${JSON.stringify(q)}\n`).join(''));
    const gone = new Set<SpooledTurn>([...plan.applied, ...plan.quarantined.map((q) => q.entry)]);
    const { stopped } = plan;
    await this.exclusive(async () => {
      // Appended while the snapshot was being applied: kept after the entries left over.
      const appended = (await this.readText()).slice(snapshot.length);
      const left = entries
        .filter((entry) => !gone.has(entry))
        .map((entry) =>
          entry === stopped?.entry
            ? { ...entry, attempts: stopped.attempts, lastError: stopped.error }
            : entry,
        )
        .map((entry) => `${JSON.stringify(entry)}\n`);
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
    return { applied: plan.applied.length, quarantined };
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

/** Appends `text` to a file and fsyncs it before resolving. */
async function appendSynced(path: string, text: string): Promise<void> {
  const file = await open(path, 'a');
  try {
    await file.appendFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

function parse<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return []; // a torn last line from a crash mid-write
      }
    });
}
