import { Hono } from 'hono';
import type { AccountService } from '../../users/account-service.ts';
import type { AppEnv } from '../app-env.ts';

/** The account owner's rights: a copy of all their data, and deletion. */
export function accountRoutes(deps: { account: AccountService }) {
  const app = new Hono<AppEnv>();

  app.get('/account/export', async (c) => {
    c.header('content-disposition', 'attachment; filename="crux-account.json"');
    return c.json(await deps.account.export(c.var.user.id));
  });

  app.delete('/account', async (c) => {
    await deps.account.delete(c.var.user.id);
    return c.body(null, 204);
  });

  return app;
}
