import { decodeJwt } from 'jose';
import type { TokenClaims } from './tokens.ts';

export interface TokenCacheOptions {
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
 * Verified tokens, kept briefly so the next request with the same token skips the signature
 * check. Bounded; an entry lives at most 30 s (never past the token's expiry), and
 * `invalidate(userId)` drops a user's entries at once. (Whether the user still exists is the
 * users repository's check, which runs on every request: see UsersRepo.resolve.)
 */
export class TokenCache {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly tokensByUser = new Map<string, Set<string>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: TokenCacheOptions = {}) {
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

  /** Forgets the user's tokens: the next request verifies its token again. */
  invalidate(userId: string): void {
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
