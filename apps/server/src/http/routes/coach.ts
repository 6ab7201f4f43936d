import { Hono } from 'hono';
import { z } from 'zod';
import type { ClimberContext } from '../../coach/climber-context.ts';
import type { RecommendationService } from '../../coach/recommendation-service.ts';
import { checkIdempotencyKey } from '../../idempotency/idempotency-store.ts';
import { AppError } from '../../shared/errors.ts';
import type { AnonymousQuota } from '../../throttle/anonymous-quota.ts';
import type { AppEnv } from '../app-env.ts';
import { readOptionalBody } from '../body.ts';

/** The recommendation request takes no options; an empty body or `{}` are both fine. */
const generateSchema = z.strictObject({});

export function coachRoutes(deps: {
  context: ClimberContext;
  recommendations: RecommendationService;
  anonymousQuota: AnonymousQuota;
}) {
  const app = new Hono<AppEnv>();

  app.get('/coach/patterns', async (c) => c.json(await deps.context.patterns(c.var.user.id)));

  app.post('/coach/recommendations', async (c) => {
    await readOptionalBody(c, generateSchema);
    const key = checkIdempotencyKey(c.req.header('idempotency-key'));
    const result = await deps.anonymousQuota.around(c.var.user, c.var.clientAddress, 'recommendations', () =>
      deps.recommendations.generate(c.var.user.id, key),
    );
    return c.json(result);
  });

  app.get('/coach/recommendations/latest', async (c) => {
    const recommendation = await deps.recommendations.latest(c.var.user.id);
    if (!recommendation)
      throw new AppError('not_found', 'No recommendation yet: POST /v1/coach/recommendations to get one.');
    return c.json({ recommendation });
  });

  return app;
}
