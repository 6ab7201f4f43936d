import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/types.ts';

/** What presenting a refresh token found. */
export type Rotation =
  | { kind: 'rotated'; userId: string; refreshToken: string }
  /** Unknown or expired. */
  | { kind: 'invalid' }
  /** A token already rotated away (or revoked), presented again: someone holds a copy. Its family is revoked. */
  | { kind: 'reused'; userId: string };

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Refresh tokens: 256 random bits, handed out once and stored only as their SHA-256. Each refresh
 * replaces the token with a new one of the same family (everything descended from one sign-in);
 * presenting a replaced token again revokes the whole family, so a stolen copy dies with the real one.
 */
export class RefreshTokens {
  constructor(
    private readonly db: Db,
    private readonly lifetimeSeconds: number,
  ) {}

  /** A new family for a sign-in. */
  issue(userId: string): Promise<string> {
    return this.insert(this.db, userId, randomUUID());
  }

  /** Exchanges a token for a new one of its family, atomically: of two concurrent uses, one loses as a reuse. */
  rotate(token: string): Promise<Rotation> {
    return this.db.transaction(async (tx) => {
      const [found] = await tx.query<{
        id: string;
        user_id: string;
        family_id: string;
        revoked: boolean;
        expired: boolean;
      }>(
        `select id, user_id, family_id, revoked_at is not null as revoked, expires_at <= now() as expired
         from refresh_tokens where token_hash = $1 for update`,
        [hash(token)],
      );
      if (!found || found.expired) return { kind: 'invalid' };
      if (found.revoked) {
        // Rotated away or signed out: either way whoever presents it now must not keep the family.
        await this.revokeWhere(tx, 'family_id = $1', found.family_id);
        return { kind: 'reused', userId: found.user_id };
      }
      await tx.query('update refresh_tokens set revoked_at = now() where id = $1', [found.id]);
      return {
        kind: 'rotated',
        userId: found.user_id,
        refreshToken: await this.insert(tx, found.user_id, found.family_id),
      };
    });
  }

  /** Revokes the family of this token (a sign-out); false when the token is unknown. */
  async revokeFamilyOf(token: string): Promise<boolean> {
    const rows = await this.db.query(
      `update refresh_tokens set revoked_at = coalesce(revoked_at, now())
       where family_id = (select family_id from refresh_tokens where token_hash = $1) returning id`,
      [hash(token)],
    );
    return rows.length > 0;
  }

  /** Revokes every refresh token of a user (a password change, an account deletion). */
  async revokeAll(userId: string): Promise<void> {
    await this.revokeWhere(this.db, 'user_id = $1', userId);
  }

  private async revokeWhere(db: Queryable, where: string, value: string): Promise<void> {
    await db.query(`update refresh_tokens set revoked_at = now() where ${where} and revoked_at is null`, [
      value,
    ]);
  }

  private async insert(db: Queryable, userId: string, familyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await db.query(
      `insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [randomUUID(), userId, familyId, hash(token), this.lifetimeSeconds],
    );
    return token;
  }
}
