import { envParts } from '../config/env.ts';
import { AdminGrants } from '../users/admin-grants.ts';
import { type User, UsersRepo } from '../users/users-repo.ts';
import { CliError } from './errors.ts';
import { withDb } from './operator-commands.ts';
import { settings } from './settings.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `crux admin grant|revoke EMAIL|ID`: who may read everyone's usage (`GET /v1/admin/usage`).
 * A Supabase user who never called Crux has no row yet: grant once they have.
 */
export function runAdmin(action: 'grant' | 'revoke', who: string): Promise<number> {
  const { database } = settings({ database: envParts.database });
  return withDb(database, async (db) => {
    const users = new UsersRepo(db);
    const user: User | undefined = UUID.test(who)
      ? await users.findById(who.toLowerCase())
      : await users.findByEmail(who);
    if (!user)
      throw new CliError(`no user ${who}: they sign up (or call Crux once with a Supabase token) first.`, 1);
    const grants = new AdminGrants(db);
    const label = `${user.email} (${user.id})`;
    if (action === 'grant') {
      const changed = await grants.grant(user.id);
      console.log(changed ? `${label} is now an admin.` : `${label} was already an admin.`);
    } else {
      const changed = await grants.revoke(user.id);
      console.log(changed ? `${label} is no longer an admin.` : `${label} was not an admin.`);
    }
    return 0;
  });
}
