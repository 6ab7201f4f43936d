import { mkdirSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { takeFileLock } from './file-lock.ts';
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
  /** Puts the records moved aside back in the spool, their failures forgotten; how many. */
  requeue(): Promise<number>;
  /** Where the records are kept, for an operator (a path, a table). */
  readonly location: string;
}

/**
 * A durable, append-only file of turns that could not reach the database (`<dataDir>/spool`).
 * Each line is fsynced before `append` resolves. A drain reads a snapshot and applies it without
 * holding up appends; what was appended meanwhile is kept after the entries left over. Entries
 * moved aside go to `quarantined.jsonl` beside it (fsynced before they leave the spool).
 *
 * A server and `crux reconcile` may open the same directory: every read-and-rewrite of the files
 * and every append holds a lock shared across processes (`file-lock.ts`), and one process at a
 * time drains (another finds the drain lock taken and leaves the work to it). Without them, an
 * append landing while another process renamed its rewrite into place was lost.
 */
export class FileSpool implements TurnSpool {
  readonly path: string;
  readonly quarantinePath: string;
  private readonly drainLockPath: string;
  private lock: Promise<unknown> = Promise.resolve();
  private draining: Promise<DrainResult> | undefined;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'spool');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'settlements.jsonl');
    this.quarantinePath = join(dir, 'quarantined.jsonl');
    this.drainLockPath = join(dir, 'drain');
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

  requeue(): Promise<number> {
    return this.exclusive(async () => {
      const turns = await this.quarantined();
      if (turns.length === 0) return 0;
      const lines = turns.map(
        ({ attempts, quarantinedAt, reason, lastError, ...turn }) => `${JSON.stringify(turn)}\n`,
      );
      // Back in the spool durably before the quarantine is emptied: a crash in between keeps them in both.
      await appendSynced(this.path, `\n${lines.join('')}`);
      await writeSynced(this.quarantinePath, '');
      return turns.length;
    });
  }

  private async drainOnce(apply: SpoolApply): Promise<DrainResult> {
    const release = await takeFileLock(this.drainLockPath, false);
    if (!release) return { applied: 0, quarantined: [] }; // another process is draining
    try {
      return await this.drainHeld(apply);
    } finally {
      await release();
    }
  }

  private async drainHeld(apply: SpoolApply): Promise<DrainResult> {
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
      await this.exclusive(() =>
        appendSynced(this.quarantinePath, quarantined.map((q) => `${JSON.stringify(q)}\n`).join('')),
      );
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
      await writeSynced(this.path, left.join('') + appended);
    });
    return { applied: plan.applied.length, quarantined };
  }

  private readText(): Promise<string> {
    return readFile(this.path, 'utf8').catch(() => '');
  }

  /** One file operation at a time: within this process, then across processes. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locked = async () => {
      const release = await takeFileLock(this.path, true);
      try {
        return await work();
      } finally {
        await release?.();
      }
    };
    const run = this.lock.then(locked, locked);
    this.lock = run.catch(() => {});
    return run;
  }
}

/** Appends `text` to a file and fsyncs it before resolving. */
function appendSynced(path: string, text: string): Promise<void> {
  return writeAndSync(path, 'a', text);
}

/** Replaces a file's content whole: a synced temporary file renamed over it. */
async function writeSynced(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeAndSync(temporary, 'w', text);
  await rename(temporary, path);
}

async function writeAndSync(path: string, flags: 'a' | 'w', text: string): Promise<void> {
  const file = await open(path, flags);
  try {
    await file.writeFile(text);
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
