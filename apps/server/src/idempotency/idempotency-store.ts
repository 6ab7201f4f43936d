import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/types.ts';
import type { Endpoint } from '../ledger/settlement.ts';
import { AppError } from '../shared/errors.ts';

export type Claim<Result> = { kind: 'new' } | { kind: 'replay'; result: Result };

/** What a key is scoped to besides its user: the billed endpoints, and logging a climb. */
export type IdempotentOperation = Endpoint | 'climbs';

export interface IdempotencyScope {
  userId: string;
  endpoint: IdempotentOperation;
  key: string;
  requestId: string;
  fingerprint: string;
}

/** A finished request's result, to store under its key. */
export interface IdempotentCompletion {
  userId: string;
  endpoint: IdempotentOperation;
  key: string;
  /** The request that claimed the key: a key claimed again since (after 24 h) is left alone. */
  requestId: string;
  result: unknown;
}

/** A key is remembered this long (SPEC: same user, 24 h). */
const WINDOW = `interval '24 hours'`;

/** `Idempotency-Key` validation: 1-200 visible ASCII characters. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new AppError(
      'validation_failed',
      'Idempotency-Key must be 1-200 visible ASCII characters (a UUID is ideal).',
    );
  }
  return key;
}

export const fingerprintOf = (request: unknown): string =>
  createHash('sha256').update(JSON.stringify(request)).digest('hex');

/**
 * Stored results of requests by (user, endpoint, key). `claim` is atomic: of N concurrent
 * requests with one key, one runs and the others get a replay or a 409.
 */
export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  claim<Result>(
    userId: string,
    endpoint: IdempotentOperation,
    key: string,
    requestId: string,
    fingerprint: string,
  ): Promise<Claim<Result>> {
    return claimIn<Result>(this.db, { userId, endpoint, key, requestId, fingerprint });
  }

  async complete(completion: IdempotentCompletion): Promise<void> {
    await completeIn(this.db, completion);
  }

  /**
   * Runs `work` once per key inside one transaction with the claim and the stored result: a
   * failed `work` leaves no trace, and a concurrent request with the same key waits for this
   * one and then gets its result (never a 409 for a request still running).
   */
  onceInTransaction<Result>(
    scope: IdempotencyScope,
    work: (tx: Queryable) => Promise<Result>,
  ): Promise<{ result: Result; replayed: boolean }> {
    return this.db.transaction(async (tx) => {
      const claim = await claimIn<Result>(tx, scope);
      if (claim.kind === 'replay') return { result: claim.result, replayed: true };
      const result = await work(tx);
      await completeIn(tx, { ...scope, result });
      return { result, replayed: false };
    });
  }

  /** Forgets a key whose request failed, so the client can retry it. */
  async release(userId: string, endpoint: IdempotentOperation, key: string): Promise<void> {
    await this.db.query(
      'delete from idempotency_keys where user_id = $1 and endpoint = $2 and key = $3 and result is null',
      [userId, endpoint, key],
    );
  }
}

/**
 * Claims a key atomically: of N concurrent claims, one is `new` and the others wait on its row,
 * then replay its result or get a 409.
 */
async function claimIn<Result>(db: Queryable, scope: IdempotencyScope): Promise<Claim<Result>> {
  const { userId, endpoint, key, requestId, fingerprint } = scope;
  const inserted = await db.query(
    `insert into idempotency_keys (user_id, endpoint, key, request_id, fingerprint) values ($1, $2, $3, $4, $5)
     on conflict (user_id, endpoint, key) do update
       set request_id = excluded.request_id, fingerprint = excluded.fingerprint, result = null, created_at = now()
       where idempotency_keys.created_at < now() - ${WINDOW}
     returning request_id`,
    [userId, endpoint, key, requestId, fingerprint],
  );
  if (inserted.length > 0) return { kind: 'new' };
  const [existing] = await db.query<{ result: Result | null; fingerprint: string }>(
    'select result, fingerprint from idempotency_keys where user_id = $1 and endpoint = $2 and key = $3',
    [userId, endpoint, key],
  );
  if (!existing) return claimIn(db, scope); // released meanwhile
  if (existing.fingerprint !== fingerprint) {
    throw new AppError(
      'idempotency_conflict',
      'This Idempotency-Key was already used for a different request.',
    );
  }
  if (existing.result === null) {
    throw new AppError(
      'idempotency_conflict',
      'A request with this Idempotency-Key is still running; retry when it ends.',
    );
  }
  return { kind: 'replay', result: existing.result };
}

/** Stores the result under its key, unless the key was claimed again since by another request. */
export async function completeIn(db: Queryable, completion: IdempotentCompletion): Promise<void> {
  const { userId, endpoint, key, requestId, result } = completion;
  await db.query(
    `update idempotency_keys set result = $5::jsonb
     where user_id = $1 and endpoint = $2 and key = $3 and request_id = $4`,
    [userId, endpoint, key, requestId, JSON.stringify(result)],
  );
}
