import { randomUUID } from 'node:crypto';
import type { Db } from '../db/types.ts';

export interface User {
  id: string;
  /** Null for an account without an e-mail (a Supabase phone sign-in). */
  email: string | null;
}

/** What the auth path needs to know about a token's user. */
export type AccountState = 'active' | 'deleted' | 'other_issuer';

interface UserRow extends User {
  password_hash: string | null;
}

const UNIQUE_VIOLATION = '23505';

/** How long the auth path trusts what it learnt about a user (a deletion elsewhere shows within this). */
const KNOWN_USER_TTL_MS = 30_000;

export class UsersRepo {
  /** Users seen active lately, by id, with when that stops being trusted: one query per user per 30 s. */
  private readonly known = new Map<string, { issuer: string; until: number }>();

  constructor(private readonly db: Db) {}

  /** Creates a user, or returns null when the e-mail is taken. */
  async create(email: string, passwordHash: string | null): Promise<User | null> {
    const id = randomUUID();
    try {
      await this.db.transaction(async (tx) => {
        await tx.query("insert into users (id, email, password_hash, issuer) values ($1, $2, $3, 'crux')", [
          id,
          email,
          passwordHash,
        ]);
        await tx.query('insert into profiles (user_id) values ($1)', [id]);
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
    return { id, email };
  }

  /** A Crux account (not an external identity, not deleted) by its e-mail, for login. */
  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<UserRow>(
      `select id, email, password_hash
       from users where lower(email) = lower($1) and issuer = 'crux' and deleted_at is null`,
      [email],
    );
    return row;
  }

  async findById(id: string): Promise<User | undefined> {
    const [row] = await this.db.query<User>(
      'select id, email from users where id = $1 and deleted_at is null',
      [id],
    );
    return row;
  }

  /** The stored password hash of an active Crux account. */
  async passwordHash(id: string): Promise<string | null> {
    const [row] = await this.db.query<{ password_hash: string | null }>(
      'select password_hash from users where id = $1 and deleted_at is null',
      [id],
    );
    return row?.password_hash ?? null;
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.query('update users set password_hash = $2 where id = $1', [id, passwordHash]);
  }

  /** E-mail by user id, for reports (ids without a user are left out). */
  async emailsByIds(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<{ id: string; email: string | null; deleted: boolean }>(
      'select id::text as id, email, deleted_at is not null as deleted from users where id = any($1::uuid[])',
      [ids],
    );
    return new Map(
      rows.map((row) => [row.id, row.deleted ? '(deleted account)' : (row.email ?? '(no e-mail)')]),
    );
  }

  /**
   * Checks a token's user, creating the row of an external identity on first use (a Supabase Auth
   * user who never signed up here is valid, and their rows need a parent). Accounts are keyed by
   * (issuer, sub): an external identity whose e-mail is a Crux account's address gets its own
   * account, never the Crux one (`onEmailClash` reports it). Remembered for 30 s per process.
   */
  async resolve(
    claims: { userId: string; email: string | undefined; issuer: string },
    onEmailClash: (userId: string) => void = () => {},
  ): Promise<AccountState> {
    const { userId: id, email, issuer } = claims;
    const known = this.known.get(id);
    if (known && known.until > Date.now()) return known.issuer === issuer ? 'active' : 'other_issuer';
    let row = await this.state(id);
    if (!row) {
      // A Crux account's address stays its own: a clashing external identity keeps it, a Crux token
      // without a row (issued by `crux user create` before a reset, say) gets none.
      const [created] = await this.db.query<{ clash: boolean }>(
        `insert into users (id, email, issuer)
         values ($1, case when $3 = 'crux' and exists (select 1 from users where issuer = 'crux'
                     and lower(email) = lower($2)) then null else $2 end, $3)
         on conflict do nothing
         returning exists (select 1 from users where issuer = 'crux' and lower(email) = lower($2)) as clash`,
        [id, email ?? null, issuer],
      );
      await this.db.query(
        'insert into profiles (user_id) select id from users where id = $1 on conflict do nothing',
        [id],
      );
      if (created?.clash) onEmailClash(id);
      row = await this.state(id);
    } else if (row.issuer === null) {
      await this.db.query('update users set issuer = $2 where id = $1 and issuer is null', [id, issuer]);
      row = { issuer, deleted: row.deleted };
    }
    if (!row || row.deleted) return 'deleted';
    if (row.issuer !== issuer) return 'other_issuer';
    this.known.set(id, { issuer, until: Date.now() + KNOWN_USER_TTL_MS });
    return 'active';
  }

  private async state(id: string): Promise<{ issuer: string | null; deleted: boolean } | undefined> {
    const [row] = await this.db.query<{ issuer: string | null; deleted: boolean }>(
      'select issuer, deleted_at is not null as deleted from users where id = $1',
      [id],
    );
    return row;
  }

  /** Forgets what the auth path knew about a user (after a deletion or a revocation). */
  invalidate(id: string): void {
    this.known.delete(id);
  }
}
