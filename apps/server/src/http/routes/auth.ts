import { loginRequestSchema, signupRequestSchema } from '@crux/contracts';
import { Hono } from 'hono';
import type { AuthService } from '../../auth/auth-service.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody } from '../body.ts';

export function authRoutes(deps: { auth: AuthService }) {
  const app = new Hono<AppEnv>();

  app.post('/signup', async (c) => {
    const { email, password } = await readBody(c, signupRequestSchema);
    return c.json(await deps.auth.signup(email, password, c.var.clientAddress), 201);
  });

  app.post('/login', async (c) => {
    const { email, password } = await readBody(c, loginRequestSchema);
    return c.json(await deps.auth.login(email, password, c.var.clientAddress));
  });

  return app;
}
