import type { User } from '../users/users-repo.ts';

/** Hono's per-request variables for Crux routes. */
export interface AppEnv {
  Variables: {
    /** Set by the auth middleware. */
    user: Pick<User, 'id'> & {
      email: string | undefined;
      /** Admin by a token claim only Supabase's service role can set (`app_metadata.crux_admin`). */
      adminClaim: boolean;
      /** A Supabase anonymous sign-in (allowed by ALLOW_ANONYMOUS_USERS): limited by client address. */
      anonymous: boolean;
    };
    /** Set by the client-address middleware: the key throttles count the client under. */
    clientAddress: string;
    /** Set by the request-id middleware: the client's X-Request-Id when safe, otherwise a new UUID. */
    requestId: string;
  };
}
