import { AppError } from '../shared/errors.ts';
import type { AuthThrottle } from '../throttle/auth-throttle.ts';
import type { User, UsersRepo } from '../users/users-repo.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import type { TokenService } from './tokens.ts';

export interface Session {
  token: string;
  user: User;
}

/**
 * Sign-up and login, each throttled by the client's address before any password is hashed
 * (see AuthThrottle): wrong passwords count per account and address, and per address.
 */
export class AuthService {
  constructor(
    private readonly users: UsersRepo,
    private readonly tokens: TokenService,
    private readonly throttle: AuthThrottle,
  ) {}

  async signup(email: string, password: string, clientAddress: string): Promise<Session> {
    await this.throttle.signup(clientAddress);
    const user = await this.users.create(email, await hashPassword(password));
    if (!user)
      throw new AppError('email_taken', 'An account with this e-mail already exists; log in instead.');
    return { token: await this.tokens.sign(user.id, user.email), user };
  }

  async login(email: string, password: string, clientAddress: string): Promise<Session> {
    const attempt = await this.throttle.login(email, clientAddress);
    const found = await this.users.findByEmail(email);
    const valid = found?.password_hash
      ? await verifyPassword(password, found.password_hash)
      : await verifyAgainstDummy(password);
    if (!found || !valid) throw new AppError('invalid_credentials', 'The e-mail or password is wrong.');
    await attempt.succeeded();
    const user = { id: found.id, email: found.email };
    return { token: await this.tokens.sign(user.id, user.email), user };
  }
}
