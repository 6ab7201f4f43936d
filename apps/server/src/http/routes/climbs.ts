import {
  CLIMB_TYPES,
  climbPatchSchema,
  exportQuerySchema,
  FAILURE_REASONS,
  GRADE_SCALES,
  listClimbsQuerySchema,
  newClimbSchema,
  OUTCOMES,
  STYLES,
} from '@crux/contracts';
import { Hono } from 'hono';
import type { ClimbsRepo } from '../../climbs/climbs-repo.ts';
import type { ClimbsService } from '../../climbs/climbs-service.ts';
import { gradeVocabulary } from '../../climbs/grades.ts';
import type { LogbookTransfer } from '../../climbs/logbook-transfer.ts';
import { checkIdempotencyKey } from '../../idempotency/idempotency-store.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../app-env.ts';
import { readBody, readQuery } from '../body.ts';

export function climbsRoutes(deps: {
  climbs: ClimbsService;
  climbsRepo: ClimbsRepo;
  transfer: LogbookTransfer;
}) {
  const app = new Hono<AppEnv>();

  app.get('/vocabulary', (c) =>
    c.json({
      climb_type: CLIMB_TYPES,
      grade_scale: GRADE_SCALES,
      grades: gradeVocabulary(),
      outcome: OUTCOMES,
      style: STYLES,
      failure_reasons: FAILURE_REASONS,
      awkwardness: { min: 1, max: 5 },
    }),
  );

  app.post('/climbs', async (c) => {
    const input = await readBody(c, newClimbSchema);
    const key = checkIdempotencyKey(c.req.header('idempotency-key'));
    return c.json(await deps.climbs.create(c.var.user.id, input, key), 201);
  });

  app.get('/climbs', async (c) => {
    const query = readQuery(c, listClimbsQuerySchema);
    return c.json(await deps.climbsRepo.page(c.var.user.id, query));
  });

  // Before `/climbs/:id`, which would take `export` and `import` for ids.
  app.get('/climbs/export', async (c) => {
    const { format } = readQuery(c, exportQuerySchema);
    c.header('content-disposition', `attachment; filename="crux-logbook.${format}"`);
    if (format === 'json') return c.json(await deps.transfer.exportJson(c.var.user.id));
    return c.body(await deps.transfer.exportCsv(c.var.user.id), 200, {
      'content-type': 'text/csv; charset=utf-8',
    });
  });

  app.post('/climbs/import', async (c) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/csv')
      throw new AppError(
        'validation_failed',
        'Send the CSV itself as the body, with Content-Type: text/csv.',
      );
    return c.json(await deps.transfer.importCsv(c.var.user.id, await c.req.text()));
  });

  app.get('/climbs/:id', async (c) => c.json(await deps.climbs.get(c.var.user.id, c.req.param('id'))));

  app.patch('/climbs/:id', async (c) => {
    const patch = await readBody(c, climbPatchSchema);
    return c.json(await deps.climbs.update(c.var.user.id, c.req.param('id'), patch));
  });

  app.delete('/climbs/:id', async (c) => {
    await deps.climbs.delete(c.var.user.id, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
