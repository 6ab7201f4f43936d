import { createMiddleware } from 'hono/factory';
import { AppError } from '../shared/errors.ts';
import type { AdminGrants } from '../users/admin-grants.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Admin routes: the caller needs a grant (`crux admin grant`) or, as a Supabase user, the
 * `app_metadata.crux_admin` claim only the project's service role can set. Never an e-mail address.
 */
export function requireAdmin(grants: AdminGrants) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.var.user;
    if (!user.adminClaim && !(await grants.isAdmin(user.id)))
      throw new AppError(
        'forbidden',
        "Only operators granted admin rights (crux admin grant) can see everyone's usage.",
      );
    await next();
  });
}
