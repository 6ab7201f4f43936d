import {
  type AuthConfig,
  loginRequestSchema,
  passwordChangeSchema,
  refreshRequestSchema,
  signupRequestSchema,
} from '@crux/contracts';
import { Hono, type MiddlewareHandler } from 'hono';
import type { AuthService } from '../../auth/auth-service.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody } from '../body.ts';

export interface AuthRoutesDeps {
  auth: AuthService;
  /** What `GET /v1/auth/config` tells the web app. */
  authConfig: AuthConfig;
  /** The auth middleware, for the routes that need a signed-in user. */
  requireUser: MiddlewareHandler<AppEnv>;
}

export function authRoutes(deps: AuthRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.post('/signup', async (c) => {
    const { email, password } = await readBody(c, signupRequestSchema);
    return c.json(await deps.auth.signup(email, password, c.var.clientAddress), 201);
  });

  app.post('/login', async (c) => {
    const { email, password } = await readBody(c, loginRequestSchema);
    return c.json(await deps.auth.login(email, password, c.var.clientAddress));
  });

  app.post('/refresh', async (c) => {
    const { refresh_token } = await readBody(c, refreshRequestSchema);
    return c.json(await deps.auth.refresh(refresh_token));
  });

  app.post('/logout', async (c) => {
    const { refresh_token } = await readBody(c, refreshRequestSchema);
    await deps.auth.logout(refresh_token);
    return c.body(null, 204);
  });

  app.put('/password', deps.requireUser, async (c) => {
    const body = await readBody(c, passwordChangeSchema);
    return c.json(await deps.auth.changePassword(c.var.user.id, body.current_password, body.new_password));
  });

  app.get('/config', (c) => c.json(deps.authConfig));

  return app;
}
