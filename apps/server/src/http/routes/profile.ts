import { profileUpdateSchema } from '@crux/contracts';
import { Hono } from 'hono';
import type { ProfilesRepo } from '../../users/profiles-repo.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody } from '../body.ts';

export function profileRoutes(deps: { profiles: ProfilesRepo }) {
  const app = new Hono<AppEnv>();

  app.get('/profile', async (c) => c.json(await deps.profiles.get(c.var.user.id)));

  app.put('/profile', async (c) => {
    const changes = await readBody(c, profileUpdateSchema);
    return c.json(await deps.profiles.update(c.var.user.id, changes));
  });

  return app;
}
