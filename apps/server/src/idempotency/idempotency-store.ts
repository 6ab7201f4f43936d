import { createHash } from 'node:crypto';
import type { Db } from '../db/types.ts';
import type { Endpoint } from '../ledger/settlement.ts';
import { AppError } from '../shared/errors.ts';

export type Claim<Result> = { kind: 'new' } | { kind: 'replay'; result: Result };

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
 * Stored results of LLM requests by (user, endpoint, key). `claim` is atomic: of N concurrent
 * requests with one key, one runs and the others get a replay or a 409.
 */
export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  async claim<Result>(
    userId: string,
    endpoint: Endpoint,
    key: string,
    requestId: string,
    fingerprint: string,
  ): Promise<Claim<Result>> {
    const inserted = await this.db.query(
      `insert into idempotency_keys (user_id, endpoint, key, request_id, fingerprint) values ($1, $2, $3, $4, $5)
       on conflict (user_id, endpoint, key) do update
         set request_id = excluded.request_id, fingerprint = excluded.fingerprint, result = null, created_at = now()
         where idempotency_keys.created_at < now() - ${WINDOW}
       returning request_id`,
      [userId, endpoint, key, requestId, fingerprint],
    );
    if (inserted.length > 0) return { kind: 'new' };
    const [existing] = await this.db.query<{ result: Result | null; fingerprint: string }>(
      'select result, fingerprint from idempotency_keys where user_id = $1 and endpoint = $2 and key = $3',
      [userId, endpoint, key],
    );
    if (!existing) return this.claim(userId, endpoint, key, requestId, fingerprint); // released meanwhile
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

  /**
   * Runs `work` once per key: a repeat gets the stored result without running it again.
   * A failed run forgets the key so the client can retry.
   */
  async once<Result>(
    scope: { userId: string; endpoint: Endpoint; key: string; requestId: string; fingerprint: string },
    work: () => Promise<Result>,
  ): Promise<Result> {
    const { userId, endpoint, key } = scope;
    const claim = await this.claim<Result>(userId, endpoint, key, scope.requestId, scope.fingerprint);
    if (claim.kind === 'replay') return claim.result;
    try {
      const result = await work();
      await this.complete(userId, endpoint, key, result);
      return result;
    } catch (error) {
      await this.release(userId, endpoint, key);
      throw error;
    }
  }

  async complete(userId: string, endpoint: Endpoint, key: string, result: unknown): Promise<void> {
    await this.db.query(
      'update idempotency_keys set result = $4::jsonb where user_id = $1 and endpoint = $2 and key = $3',
      [userId, endpoint, key, JSON.stringify(result)],
    );
  }

  /** Forgets a key whose request failed, so the client can retry it. */
  async release(userId: string, endpoint: Endpoint, key: string): Promise<void> {
    await this.db.query(
      'delete from idempotency_keys where user_id = $1 and endpoint = $2 and key = $3 and result is null',
      [userId, endpoint, key],
    );
  }
}
