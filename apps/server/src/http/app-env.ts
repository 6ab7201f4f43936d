import type { User } from '../users/users-repo.ts';

/** Hono's per-request variables for Crux routes. */
export interface AppEnv {
  Variables: {
    /** Set by the auth middleware. */
    user: Pick<User, 'id'> & { email: string | undefined };
  };
}
