import { randomUUID } from 'node:crypto';
import { UserCache } from '../auth/user-cache.ts';
import type { Db } from '../db/types.ts';

export interface User {
  id: string;
  email: string;
}

interface UserRow extends User {
  password_hash: string | null;
}

const UNIQUE_VIOLATION = '23505';

const placeholder = (id: string) => `${id}@users.invalid`;

export class UsersRepo {
  /** Ids known to have a row (for 30 s at most), so `ensure` mostly costs no query. */
  constructor(
    private readonly db: Db,
    private readonly known: UserCache = new UserCache(),
  ) {}

  /** Creates a user, or returns null when the e-mail is taken. */
  async create(email: string, passwordHash: string | null): Promise<User | null> {
    const id = randomUUID();
    try {
      await this.db.transaction(async (tx) => {
        await tx.query('insert into users (id, email, password_hash) values ($1, $2, $3)', [
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
    this.known.rememberUser(id);
    return { id, email };
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<UserRow>(
      'select id, email, password_hash from users where lower(email) = lower($1)',
      [email],
    );
    return row;
  }

  async findById(id: string): Promise<User | undefined> {
    const [row] = await this.db.query<User>('select id, email from users where id = $1', [id]);
    return row;
  }

  /** E-mail by user id, for reports (ids without a user are left out). */
  async emailsByIds(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<{ id: string; email: string }>(
      'select id::text as id, email from users where id = any($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.email]));
  }

  /**
   * Makes sure a token's user has a row: a token issued by Supabase Auth for a user who never
   * signed up here is valid, and that user's rows need a parent.
   */
  async ensure(id: string, email: string | undefined): Promise<void> {
    if (this.known.isKnownUser(id)) return;
    const [present] = await this.db.query('select 1 from profiles where user_id = $1', [id]);
    if (present) {
      this.known.rememberUser(id); // the profile's user_id references the user row
      return;
    }
    // The e-mail may belong to a local account already: then keep a placeholder address.
    await this.db.query('insert into users (id, email) values ($1, $2) on conflict do nothing', [
      id,
      email ?? placeholder(id),
    ]);
    await this.db.query('insert into users (id, email) values ($1, $2) on conflict do nothing', [
      id,
      placeholder(id),
    ]);
    await this.db.query('insert into profiles (user_id) values ($1) on conflict do nothing', [id]);
    this.known.rememberUser(id);
  }
}
