import type { User } from '../users/users-repo.ts';

/** Hono's per-request variables for Crux routes. */
export interface AppEnv {
  Variables: {
    /** Set by the auth middleware. */
    user: Pick<User, 'id'> & { email: string | undefined };
    /** Set by the request-id middleware: the client's X-Request-Id when safe, otherwise a new UUID. */
    requestId: string;
  };
}
