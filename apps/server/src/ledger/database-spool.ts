import { isTransientDbError } from '../db/connection-errors.ts';
import type { Db } from '../db/types.ts';
import type { TurnSpool } from './spool.ts';
import type { DrainResult, QuarantinedTurn, SpoolApply, SpooledTurn } from './spool-drain.ts';
import { planDrain } from './spool-drain.ts';
import type { TurnRecord } from './turn-record.ts';

export interface DatabaseSpoolOptions {
  /** How long `append` keeps trying the insert while the database is away (default 10 s). */
  appendWithinMs?: number | undefined;
  /** Entries read per round of a drain (default 100). */
  batch?: number | undefined;
}

interface Row {
  seq: string;
  record: TurnRecord;
  spooled_at: string;
  attempts: number;
  last_error: string | null;
  quarantined_at?: string | null;
}

type Entry = SpooledTurn & { seq: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The spool in the database's `turn_spool` table, for a runtime whose disk does not outlive it
 * (Supabase Edge Functions): a turn spooled by a worker that then ended is written by the next
 * drain anywhere (the spool retry, the sweep, `POST /v1/ops/reconcile`, `crux reconcile`).
 *
 * It helps when the turn's own transaction failed (a serialization failure, a lock or statement
 * timeout, a pooler dropping the transaction, a refused record) while the database still takes a
 * plain insert. When the database is away the insert fails too: `append` retries it with backoff
 * for `appendWithinMs`, holding the record in memory, and throws after that, so the client is
 * told the answer was not kept (its ledger row stays pending for the reconciler).
 *
 * Each entry leaves the table in the transaction that writes it, so N drainers write it once.
 */
export class DatabaseSpool implements TurnSpool {
  readonly location = 'the turn_spool table';
  private readonly appendWithinMs: number;
  private readonly batch: number;
  private draining: Promise<DrainResult> | undefined;

  constructor(
    private readonly db: Db,
    options: DatabaseSpoolOptions = {},
  ) {
    this.appendWithinMs = options.appendWithinMs ?? 10_000;
    this.batch = options.batch ?? 100;
  }

  async append(record: TurnRecord): Promise<void> {
    const giveUpAt = Date.now() + this.appendWithinMs;
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
      try {
        await this.db.query('insert into turn_spool (row_id, record) values ($1, $2::jsonb)', [
          record.rowId,
          JSON.stringify(record),
        ]);
        return;
      } catch (error) {
        if (!isTransientDbError(error) || Date.now() + delayMs > giveUpAt) throw error;
      }
      await sleep(delayMs);
    }
  }

  drain(apply: SpoolApply): Promise<DrainResult> {
    // One drain at a time in this process: a second caller shares the running one.
    this.draining ??= this.drainAll(apply).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  async size(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `select count(*)::int as n from turn_spool where status = 'queued'`,
    );
    return row?.n ?? 0;
  }

  async quarantined(): Promise<QuarantinedTurn[]> {
    const rows = await this.db.query<Row>(
      `select seq::text as seq, record, spooled_at::text as spooled_at, attempts, last_error,
              quarantined_at::text as quarantined_at
       from turn_spool where status = 'quarantined' order by seq`,
    );
    return rows.map((row) => ({
      ...toEntry(row),
      quarantinedAt: row.quarantined_at ?? '',
      reason: row.last_error ?? '',
    }));
  }

  async requeue(): Promise<number> {
    const rows = await this.db.query<{ seq: string }>(
      `update turn_spool set status = 'queued', attempts = 0, last_error = null, quarantined_at = null
       where status = 'quarantined' returning seq::text as seq`,
    );
    return rows.length;
  }

  private async drainAll(apply: SpoolApply): Promise<DrainResult> {
    const result: DrainResult = { applied: 0, quarantined: [] };
    for (;;) {
      const rows = await this.db.query<Row>(
        `select seq::text as seq, record, spooled_at::text as spooled_at, attempts, last_error
         from turn_spool where status = 'queued' order by seq limit $1`,
        [this.batch],
      );
      const landed = new Set<string>();
      const plan = await planDrain(rows.map(toEntry), (entry) =>
        this.db.transaction(async (tx) => {
          const [taken] = await tx.query(
            `delete from turn_spool where seq = $1 and status = 'queued' returning seq`,
            [entry.seq],
          );
          if (!taken) return; // another drainer wrote it
          await apply(withoutSeq(entry), tx);
          landed.add(entry.seq);
        }),
      );
      result.applied += landed.size;
      const before = result.quarantined.length;
      for (const { entry, attempts, reason } of plan.quarantined) {
        const [moved] = await this.db
          .query<{ quarantined_at: string }>(
            `update turn_spool set status = 'quarantined', quarantined_at = now(), last_error = $2, attempts = $3
             where seq = $1 and status = 'queued' returning quarantined_at::text as quarantined_at`,
            [entry.seq, reason, attempts],
          )
          .catch(() => []); // still queued: tried again by the next drain
        if (moved)
          result.quarantined.push({
            ...withoutSeq(entry),
            attempts,
            quarantinedAt: moved.quarantined_at,
            reason,
          });
      }
      const { stopped } = plan;
      if (stopped) {
        await this.db
          .query('update turn_spool set attempts = $2, last_error = $3 where seq = $1', [
            stopped.entry.seq,
            stopped.attempts,
            stopped.error,
          ])
          .catch(() => {});
        return result;
      }
      // A full batch read again only when this round moved something (never spins on a stuck entry).
      if (rows.length < this.batch || (landed.size === 0 && result.quarantined.length === before))
        return result;
    }
  }
}

function toEntry(row: Row): Entry {
  return {
    ...row.record,
    seq: row.seq,
    spooledAt: row.spooled_at,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
  };
}

function withoutSeq({ seq: _seq, ...entry }: Entry): SpooledTurn {
  return entry;
}
