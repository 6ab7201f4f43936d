import { AppError } from '../shared/errors.ts';
import type { User, UsersRepo } from '../users/users-repo.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import type { TokenService } from './tokens.ts';

export interface Session {
  token: string;
  user: User;
}

/** Sign-up and login. A run of wrong passwords locks the account for a while (see UsersRepo.recordLogin). */
export class AuthService {
  constructor(
    private readonly users: UsersRepo,
    private readonly tokens: TokenService,
  ) {}

  async signup(email: string, password: string): Promise<Session> {
    const user = await this.users.create(email, await hashPassword(password));
    if (!user)
      throw new AppError('email_taken', 'An account with this e-mail already exists; log in instead.');
    return { token: await this.tokens.sign(user.id, user.email), user };
  }

  async login(email: string, password: string): Promise<Session> {
    const found = await this.users.findByEmail(email);
    if (found?.locked_for_seconds) {
      throw new AppError('too_many_attempts', 'Too many wrong passwords for this account; try again later.', {
        'retry-after': String(found.locked_for_seconds),
      });
    }
    const valid = found?.password_hash
      ? await verifyPassword(password, found.password_hash)
      : await verifyAgainstDummy(password);
    if (found) await this.users.recordLogin(found.id, valid);
    if (!found || !valid) throw new AppError('invalid_credentials', 'The e-mail or password is wrong.');
    const user = { id: found.id, email: found.email };
    return { token: await this.tokens.sign(user.id, user.email), user };
  }
}
