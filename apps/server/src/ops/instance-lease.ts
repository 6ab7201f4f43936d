import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/types.ts';

export interface LeaseTiming {
  /** How often the lease is renewed (default 10 s). */
  heartbeatMs: number;
  /** How long a lease lasts without renewal (default 30 s): then its instance counts as dead. */
  ttlMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { heartbeatMs: 10_000, ttlMs: 30_000 };

/**
 * A new instance id: short (Postgres keeps 63 bytes of application_name), unique per process,
 * and opaque (no host name: ledger rows carry it).
 */
export function newInstanceId(): string {
  return `crux-${randomBytes(6).toString('hex')}`;
}

/**
 * This server's lease in `instance_leases`, renewed by `renew` (the server's heartbeat). The
 * pending ledger rows this instance opens carry its id (`api_usage.instance_id`, the
 * connection's application_name); once the lease has expired, any live instance settles them.
 */
export class InstanceLease {
  constructor(
    private readonly db: Db,
    readonly instanceId: string,
    readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING,
  ) {}

  /** Takes or renews the lease for another `ttlMs`. */
  async renew(): Promise<void> {
    await this.db.query(
      `insert into instance_leases (instance_id, host, pid, expires_at)
       values ($1, $2, $3, now() + make_interval(secs => $4::float8 / 1000))
       on conflict (instance_id) do update set heartbeat_at = now(), expires_at = excluded.expires_at`,
      [this.instanceId, hostname().slice(0, 255), process.pid, this.timing.ttlMs],
    );
  }

  /**
   * The embedded database belongs to one process (the data directory is locked), so every other
   * lease in it is a previous run's: expire them so their rows are settled now.
   */
  async expireOthers(): Promise<void> {
    await this.db.query(
      'update instance_leases set expires_at = now() where instance_id <> $1 and expires_at > now()',
      [this.instanceId],
    );
  }

  /** Ends the lease at shutdown: rows this instance leaves pending go to the others at once. */
  async release(): Promise<void> {
    await this.db.query('update instance_leases set expires_at = now() where instance_id = $1', [
      this.instanceId,
    ]);
  }

  /** Forgets leases expired long ago (their rows are settled by then). */
  async prune(olderThanMs = 7 * 24 * 3_600_000): Promise<void> {
    await this.db.query(
      `delete from instance_leases l where expires_at < now() - make_interval(secs => $1::float8 / 1000)
         and not exists (select 1 from api_usage u where u.status = 'pending' and u.instance_id = l.instance_id)`,
      [olderThanMs],
    );
  }
}
