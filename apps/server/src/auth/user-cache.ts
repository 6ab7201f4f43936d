import { decodeJwt } from 'jose';
import type { TokenClaims } from './tokens.ts';

export interface UserCacheOptions {
  /** Entries kept at most, per kind; the oldest leave first. */
  maxEntries?: number;
  /** How long an entry lives (at most 30 s: a revoked token or deleted user is forgotten by then). */
  ttlMs?: number;
  now?: () => number;
}

interface TokenEntry {
  claims: TokenClaims;
  /** The entry's end: its TTL, or the token's own expiry when sooner (ms since the epoch). */
  until: number;
}

const MAX_TTL_MS = 30_000;

/**
 * What a request's authentication learned, kept briefly so the next request of the same user
 * skips it: verified tokens (no fresh signature check) and users known to have a row (no
 * upsert). Bounded; an entry lives at most 30 s, and `invalidate(userId)` drops a user's
 * entries at once (account deletion, token revocation).
 */
export class UserCache {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly tokensByUser = new Map<string, Set<string>>();
  private readonly users = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: UserCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = Math.min(options.ttlMs ?? MAX_TTL_MS, MAX_TTL_MS);
    this.now = options.now ?? Date.now;
  }

  /** The claims of a token verified within the TTL and not expired since, else undefined. */
  verifiedToken(token: string): TokenClaims | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (this.now() < entry.until) return entry.claims;
    this.forgetToken(token, entry.claims.userId);
    return undefined;
  }

  rememberToken(token: string, claims: TokenClaims): void {
    const exp = decodeJwt(token).exp;
    const until = Math.min(
      this.now() + this.ttlMs,
      exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000,
    );
    if (this.tokens.size >= this.maxEntries) {
      const [oldest, entry] = this.tokens.entries().next().value ?? [];
      if (oldest !== undefined && entry) this.forgetToken(oldest, entry.claims.userId);
    }
    this.tokens.set(token, { claims, until });
    const own = this.tokensByUser.get(claims.userId) ?? new Set<string>();
    own.add(token);
    this.tokensByUser.set(claims.userId, own);
  }

  /** The user's row was seen or written within the TTL. */
  isKnownUser(userId: string): boolean {
    const until = this.users.get(userId);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.users.delete(userId);
    return false;
  }

  rememberUser(userId: string): void {
    if (this.users.size >= this.maxEntries) {
      const oldest = this.users.keys().next().value;
      if (oldest !== undefined) this.users.delete(oldest);
    }
    this.users.delete(userId);
    this.users.set(userId, this.now() + this.ttlMs);
  }

  /** Forgets everything about the user: the next request verifies its token and checks the row again. */
  invalidate(userId: string): void {
    this.users.delete(userId);
    for (const token of this.tokensByUser.get(userId) ?? []) this.tokens.delete(token);
    this.tokensByUser.delete(userId);
  }

  private forgetToken(token: string, userId: string): void {
    this.tokens.delete(token);
    const own = this.tokensByUser.get(userId);
    own?.delete(token);
    if (own?.size === 0) this.tokensByUser.delete(userId);
  }
}
