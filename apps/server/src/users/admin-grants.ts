import type { Db } from '../db/types.ts';

/** Who may read everyone's usage: users granted it by the operator (`crux admin grant`). */
export class AdminGrants {
  constructor(private readonly db: Db) {}

  /** Grants admin rights; false when the user already had them. */
  async grant(userId: string): Promise<boolean> {
    const rows = await this.db.query<{ user_id: string }>(
      'insert into admin_grants (user_id) values ($1) on conflict do nothing returning user_id',
      [userId],
    );
    return rows.length > 0;
  }

  /** Takes admin rights away; false when the user had none. */
  async revoke(userId: string): Promise<boolean> {
    const rows = await this.db.query<{ user_id: string }>(
      'delete from admin_grants where user_id = $1 returning user_id',
      [userId],
    );
    return rows.length > 0;
  }

  async isAdmin(userId: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from admin_grants where user_id = $1', [userId]);
    return rows.length > 0;
  }
}
