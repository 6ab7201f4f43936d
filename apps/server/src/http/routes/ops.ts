import { buildOpenApiDocument } from '@crux/contracts/openapi';
import { Hono } from 'hono';
import type { Db } from '../../db/types.ts';
import type { CatalogModel } from '../../llm/types.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { Readiness } from '../../ops/readiness.ts';
import { renderApiReference } from '../api-reference.ts';
import type { AppEnv } from '../app-env.ts';

export function opsRoutes(deps: {
  db: Db;
  model: string;
  metrics: Metrics;
  /** The configured model's catalog entry, when the catalog answered at startup. */
  catalogEntry: () => CatalogModel | undefined;
  readiness: Readiness;
}) {
  const app = new Hono<AppEnv>();

  app.get('/healthz', async (c) => {
    const dbOk = await deps.db.query('select 1').then(
      () => true,
      () => false,
    );
    return c.json(
      { status: dbOk ? 'ok' : 'degraded', db: deps.db.kind, model: deps.model },
      dbOk ? 200 : 503,
    );
  });

  // Readiness, not liveness: the database answers and the upstream accepts the key.
  app.get('/readyz', async (c) => {
    const report = await deps.readiness.check();
    return c.json(
      { status: report.ready ? 'ready' : 'not_ready', ...report.checks },
      report.ready ? 200 : 503,
    );
  });

  app.get('/metrics', async (c) => {
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.text());
  });

  app.get('/v1/model', (c) => {
    const entry = deps.catalogEntry();
    return c.json({
      model: deps.model,
      name: entry?.name ?? null,
      context_length: entry?.contextLength ?? null,
      pricing: entry?.pricing ?? null,
      pricing_source: entry ? 'catalog' : 'unknown',
    });
  });

  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get('/v1/openapi.json', (c) => {
    openApiDocument ??= buildOpenApiDocument();
    return c.json(openApiDocument);
  });
  app.get('/v1/docs', (c) => {
    openApiDocument ??= buildOpenApiDocument();
    return c.html(renderApiReference(openApiDocument));
  });

  return app;
}
