import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { METHOD_NAME_ALL } from 'hono/router';
import type { TokenService } from '../auth/tokens.ts';
import { UserCache } from '../auth/user-cache.ts';
import { AppError } from '../shared/errors.ts';
import type { UsersRepo } from '../users/users-repo.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Requires `Authorization: Bearer <JWT>`; sets `c.var.user`. Any bad token is a 401; an anonymous
 * sign-in is a 403 unless `allowAnonymous` (then limited per client address: AnonymousQuota). A
 * token verified within the last 30 s (`cache`) is not verified again.
 */
export function requireUser(
  tokens: TokenService,
  users: UsersRepo,
  options: { allowAnonymous: boolean; cache?: UserCache | undefined },
) {
  const cache = options.cache ?? new UserCache();
  return createMiddleware<AppEnv>(async (c, next) => {
    // No handler for this method and path (only middleware matched): the answer is 404, token or not.
    if (!matchedRoutes(c).some((route) => route.method !== METHOD_NAME_ALL)) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new AppError('unauthorized', 'Send an access token: Authorization: Bearer <token>.');
    const token = match[1];
    let claims = cache.verifiedToken(token);
    if (!claims) {
      claims = (await tokens.verify(token)) ?? undefined;
      if (claims) cache.rememberToken(token, claims);
    }
    if (!claims) throw new AppError('unauthorized', 'The access token is invalid or expired; log in again.');
    if (claims.anonymous && !options.allowAnonymous)
      throw new AppError('forbidden', 'Anonymous sign-ins cannot use Crux; sign in with an account.');
    await users.ensure(claims.userId, claims.email);
    c.set('user', {
      id: claims.userId,
      email: claims.email,
      adminClaim: claims.admin,
      anonymous: claims.anonymous,
    });
    await next();
  });
}
