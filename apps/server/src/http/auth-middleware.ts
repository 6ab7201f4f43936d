import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { METHOD_NAME_ALL } from 'hono/router';
import { TokenCache } from '../auth/token-cache.ts';
import type { TokenService } from '../auth/tokens.ts';
import { AppError } from '../shared/errors.ts';
import type { UsersRepo } from '../users/users-repo.ts';
import type { AppEnv } from './app-env.ts';

export interface RequireUserOptions {
  allowAnonymous: boolean;
  /** Where an e-mail clash between a Supabase user and a Crux account is reported. */
  log?: ((line: string) => void) | undefined;
  /** Tokens verified within the last 30 s are not verified again. */
  cache?: TokenCache | undefined;
}

/**
 * Requires `Authorization: Bearer <JWT>`; sets `c.var.user`. Any bad token is a 401, and so is the
 * token of a deleted account or one presented for an account of another issuer; an anonymous
 * sign-in is a 403 unless `allowAnonymous` (then limited per client address: AnonymousQuota).
 */
export function requireUser(tokens: TokenService, users: UsersRepo, options: RequireUserOptions) {
  const log = options.log ?? (() => {});
  const cache = options.cache ?? new TokenCache();
  const onEmailClash = (userId: string) =>
    log(
      `[crux] user ${userId} signed in through Supabase Auth with the e-mail of an existing Crux account; kept as a separate account`,
    );
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
    const state = await users.resolve(claims, onEmailClash);
    if (state === 'deleted') throw new AppError('unauthorized', 'This account has been deleted.');
    if (state === 'other_issuer')
      throw new AppError('unauthorized', 'This token is from another sign-in provider than the account.');
    c.set('user', {
      id: claims.userId,
      email: claims.email,
      adminClaim: claims.admin,
      anonymous: claims.anonymous,
    });
    await next();
  });
}
