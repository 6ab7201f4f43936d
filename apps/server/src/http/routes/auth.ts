import { Hono } from 'hono';
import { hashPassword, verifyPassword } from '../../auth/password.ts';
import type { TokenService } from '../../auth/tokens.ts';
import { credentialsSchema } from '../../contracts/auth.ts';
import { AppError } from '../../shared/errors.ts';
import type { UsersRepo } from '../../users/users-repo.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody } from '../body.ts';

export function authRoutes(deps: { users: UsersRepo; tokens: TokenService }) {
  const app = new Hono<AppEnv>();

  app.post('/signup', async (c) => {
    const { email, password } = await readBody(c, credentialsSchema);
    const user = await deps.users.create(email, await hashPassword(password));
    if (!user)
      throw new AppError('email_taken', 'An account with this e-mail already exists; log in instead.');
    return c.json({ token: await deps.tokens.sign(user.id, user.email), user }, 201);
  });

  app.post('/login', async (c) => {
    const { email, password } = await readBody(c, credentialsSchema);
    const found = await deps.users.findByEmail(email);
    const valid = found?.password_hash ? await verifyPassword(password, found.password_hash) : false;
    if (!found || !valid) throw new AppError('invalid_credentials', 'The e-mail or password is wrong.');
    const user = { id: found.id, email: found.email };
    return c.json({ token: await deps.tokens.sign(user.id, user.email), user });
  });

  return app;
}
