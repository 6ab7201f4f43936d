import { isTransientDbError } from '../db/connection-errors.ts';
import type { Queryable } from '../db/types.ts';
import type { TurnRecord } from './turn-record.ts';

/** A turn record as kept in a spool: what to write, when it was spooled, how often it failed. */
export interface SpooledTurn extends TurnRecord {
  spooledAt: string;
  /** Failed tries so far (absent: none). */
  attempts?: number | undefined;
  /** The last failure's message. */
  lastError?: string | undefined;
}

/** A spooled turn moved aside: the database refuses it for good. Kept, never dropped. */
export interface QuarantinedTurn extends SpooledTurn {
  quarantinedAt: string;
  /** Why it was moved aside (the database's refusal). */
  reason: string;
}

/** What one drain did. */
export interface DrainResult {
  /** Entries written to the database, now gone from the spool. */
  applied: number;
  /** Entries moved aside during this drain. */
  quarantined: QuarantinedTurn[];
}

/**
 * After this many failed tries of the same first entry, the drain tries the entry behind it: if
 * that one lands, the first is refused for itself (a poison entry), not because the database is away.
 */
export const POISON_AFTER_ATTEMPTS = 5;

export type Apply<E> = (entry: E) => Promise<void>;

/**
 * Writes one spooled turn. A spool kept in the database passes its own transaction, so the entry
 * leaves the spool in the transaction that writes it; otherwise the writer opens its own.
 */
export type SpoolApply = (entry: SpooledTurn, tx?: Queryable) => Promise<void>;

/** What a drain decided for each entry it touched, in order; the spool stores it. */
export interface DrainPlan<E> {
  applied: E[];
  quarantined: Array<{ entry: E; attempts: number; reason: string }>;
  /** The entry the drain stopped at (it and everything after it stay), with its new attempt count. */
  stopped?: { entry: E; attempts: number; error: string } | undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Applies entries in order. A refusal that cannot pass (a constraint, a bad record: see
 * `isTransientDbError`) moves the entry aside at once. A transient failure stops the drain (the
 * database is likely away), unless the same entry has failed `poisonAfter` times: then the next
 * entry is tried, and if it lands the first one is moved aside too, so it no longer blocks the rest.
 */
export async function planDrain<E extends { attempts?: number | undefined }>(
  entries: readonly E[],
  apply: Apply<E>,
  poisonAfter = POISON_AFTER_ATTEMPTS,
): Promise<DrainPlan<E>> {
  const plan: DrainPlan<E> = { applied: [], quarantined: [] };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as E;
    let error: unknown;
    try {
      await apply(entry);
      plan.applied.push(entry);
      continue;
    } catch (caught) {
      error = caught;
    }
    const attempts = (entry.attempts ?? 0) + 1;
    if (!isTransientDbError(error)) {
      plan.quarantined.push({ entry, attempts, reason: messageOf(error) });
      continue;
    }
    const next = entries[i + 1];
    if (attempts >= poisonAfter && next !== undefined) {
      try {
        await apply(next);
      } catch {
        plan.stopped = { entry, attempts, error: messageOf(error) };
        return plan; // the one behind it fails too: the database is away
      }
      plan.quarantined.push({
        entry,
        attempts,
        reason: `failed ${attempts} times while the entries behind it were written: ${messageOf(error)}`,
      });
      plan.applied.push(next);
      i++;
      continue;
    }
    plan.stopped = { entry, attempts, error: messageOf(error) };
    return plan;
  }
  return plan;
}
