import { AppError } from '../shared/errors.ts';
import type { AuthThrottle } from '../throttle/auth-throttle.ts';
import type { User, UsersRepo } from '../users/users-repo.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import type { TokenService } from './tokens.ts';

export interface Session {
  /** A short-lived access token. */
  token: string;
  /** Exchanged at `POST /v1/auth/refresh` for a new pair; single use. */
  refresh_token: string;
  /** Seconds the access token lives. */
  expires_in: number;
  user: User & { email: string };
}

const invalidRefresh = () =>
  new AppError('unauthorized', 'The refresh token is invalid, expired or revoked; log in again.');

/**
 * Sign-up, login, refresh, sign-out and password change for Crux's own accounts. Sign-up and login
 * are throttled by the client's address before any password is hashed (see AuthThrottle): wrong
 * passwords count per account and address, and per address.
 */
export class AuthService {
  constructor(
    private readonly users: UsersRepo,
    private readonly tokens: TokenService,
    private readonly throttle: AuthThrottle,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async signup(email: string, password: string, clientAddress: string): Promise<Session> {
    await this.throttle.signup(clientAddress);
    const user = await this.users.create(email, await hashPassword(password));
    if (!user)
      throw new AppError('email_taken', 'An account with this e-mail already exists; log in instead.');
    return this.session({ id: user.id, email }, await this.refreshTokens.issue(user.id));
  }

  async login(email: string, password: string, clientAddress: string): Promise<Session> {
    const attempt = await this.throttle.login(email, clientAddress);
    const found = await this.users.findByEmail(email);
    const valid = found?.password_hash
      ? await verifyPassword(password, found.password_hash)
      : await verifyAgainstDummy(password);
    if (!found?.email || !valid)
      throw new AppError('invalid_credentials', 'The e-mail or password is wrong.');
    await attempt.succeeded();
    return this.session({ id: found.id, email: found.email }, await this.refreshTokens.issue(found.id));
  }

  /** A new pair for a refresh token, which is spent; a spent one presented again revokes its family. */
  async refresh(refreshToken: string): Promise<Session> {
    const rotation = await this.refreshTokens.rotate(refreshToken);
    if (rotation.kind !== 'rotated') throw invalidRefresh();
    const user = await this.users.findById(rotation.userId);
    if (!user?.email) throw invalidRefresh();
    return this.session({ id: user.id, email: user.email }, rotation.refreshToken);
  }

  /** Signs out: the refresh token's family is revoked. An unknown token is not an error (signing out twice is fine). */
  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revokeFamilyOf(refreshToken);
  }

  /** Changes the password and revokes every refresh token of the account; returns a fresh session. */
  async changePassword(userId: string, current: string, next: string): Promise<Session> {
    const stored = await this.users.passwordHash(userId);
    const user = await this.users.findById(userId);
    if (!stored || !user?.email)
      throw new AppError(
        'forbidden',
        'This account signs in elsewhere (Supabase Auth); change the password there.',
      );
    if (!(await verifyPassword(current, stored)))
      throw new AppError('invalid_credentials', 'The current password is wrong.');
    await this.users.setPassword(userId, await hashPassword(next));
    await this.refreshTokens.revokeAll(userId);
    return this.session({ id: userId, email: user.email }, await this.refreshTokens.issue(userId));
  }

  private async session(user: User & { email: string }, refreshToken: string): Promise<Session> {
    return {
      token: await this.tokens.sign(user.id, user.email),
      refresh_token: refreshToken,
      expires_in: this.tokens.lifetimeSeconds,
      user,
    };
  }
}
