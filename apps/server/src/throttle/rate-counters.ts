import { createHash } from 'node:crypto';
import type { Db } from '../db/types.ts';

export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One counted thing: a limit's name, what it counts (an address, an e-mail and address), its window. */
export interface RateKey {
  name: string;
  /** Hashed before it is stored; '*' for a limit over everyone. */
  subject: string;
  windowSeconds: number;
}

/** Counts one more hit in the current window unless the limit is reached; nothing comes back when refused. */
const TAKE = `insert into rate_limit_counters as r (scope, window_start, hits) values ($1, $2::timestamptz, 1)
  on conflict (scope, window_start) do update set hits = r.hits + 1 where r.hits < $3
  returning hits`;

const GIVE_BACK = `update rate_limit_counters set hits = hits - 1
  where scope = $1 and window_start = $2::timestamptz and hits > 0`;

const RESET = 'update rate_limit_counters set hits = 0 where scope = $1 and window_start = $2::timestamptz';

/** Windows this old are deleted, at most once per `SWEEP_EVERY_MS` per process. */
const KEEP_MS = 2 * 86_400_000;
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Fixed-window counters in the database: `take` is one upsert that increments only while the
 * count is below the limit, so N concurrent requests on any number of instances never pass it.
 * Windows are aligned to the epoch (an hour starts on the hour, a day at 00:00 UTC).
 * @example await counters.take({ name: 'signup_address', subject: ip, windowSeconds: 3600 }, 10)
 */
export class RateCounters {
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: RateKey, limit: number): Promise<RateVerdict> {
    const now = this.now();
    await this.sweep(now);
    const { scope, start, end } = this.locate(key, now);
    const rows = limit > 0 ? await this.db.query(TAKE, [scope, start, limit]) : [];
    if (rows.length > 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)) };
  }

  /** The current window's count, without counting. */
  async count(key: RateKey): Promise<number> {
    const { scope, start } = this.locate(key, this.now());
    const [row] = await this.db.query<{ hits: number }>(
      'select hits from rate_limit_counters where scope = $1 and window_start = $2::timestamptz',
      [scope, start],
    );
    return row?.hits ?? 0;
  }

  /** Gives one hit back (the attempt turned out fine, or was refused by another limit). */
  async giveBack(key: RateKey): Promise<void> {
    const { scope, start } = this.locate(key, this.now());
    await this.db.query(GIVE_BACK, [scope, start]);
  }

  /** Starts the current window's count again from 0. */
  async reset(key: RateKey): Promise<void> {
    const { scope, start } = this.locate(key, this.now());
    await this.db.query(RESET, [scope, start]);
  }

  private locate(key: RateKey, now: number) {
    const windowMs = key.windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    const digest = createHash('sha256').update(key.subject).digest('base64url').slice(0, 22);
    return { scope: `${key.name}:${digest}`, start: new Date(start).toISOString(), end: start + windowMs };
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.db.query('delete from rate_limit_counters where window_start < $1::timestamptz', [
      new Date(now - KEEP_MS).toISOString(),
    ]);
  }
}
