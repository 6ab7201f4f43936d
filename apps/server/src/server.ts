import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { composeApp } from './compose.ts';
import type { Config } from './config/env.ts';
import { checkModelAgainstCatalog } from './config/startup-check.ts';
import { openDb } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import type { Db } from './db/types.ts';
import type { AppEnv } from './http/app-env.ts';
import type { Ledger } from './ledger/ledger.ts';
import type { Reconciler } from './ledger/reconcile.ts';
import { OpenRouterClient } from './llm/openrouter-client.ts';
import type { CatalogModel } from './llm/types.ts';
import type { BackgroundTasks } from './shared/background.ts';
import { DEFAULT_WEB_DIR, isSiteRequest, staticSite } from './web/static-site.ts';

export interface ServerOptions {
  /** How often pending rows are swept and the spool is drained. */
  sweepIntervalMs?: number;
  /** A pending row this old is considered orphaned by a crash. */
  reconcileAfterMs?: number;
  /** How long a cut stream's cost is polled from `/generation` before the reconciler takes over. */
  generationWaitMs?: number;
  /** Skip the catalog lookup (the caller did it). */
  skipCatalogCheck?: boolean;
  log?: (line: string) => void;
  /** The built web app served at `/` (default `apps/web/dist`); `false` serves the API alone. */
  webDir?: string | false;
}

export interface CruxServer {
  url: string;
  /** The HTTP app (its `routes` list what the server mounts). */
  app: Hono<AppEnv>;
  db: Db;
  ledger: Ledger;
  reconciler: Reconciler;
  background: BackgroundTasks;
  close(): Promise<void>;
}

/** Builds every dependency, migrates, reconciles leftovers, and listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<CruxServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const client = new OpenRouterClient({
    baseUrl: config.openRouter.baseUrl,
    apiKey: config.openRouter.apiKey,
  });
  let catalog: CatalogModel | undefined;
  if (!options.skipCatalogCheck)
    catalog = await checkModelAgainstCatalog(client, config.openRouter.model, log);

  const db = await openDb(config);
  const applied = await migrate(db);
  if (applied.length) log(`[crux] applied migrations: ${applied.join(', ')}`);

  const { app, ledger, reconciler, background } = composeApp(config, db, client, {
    catalog,
    generationWaitMs: options.generationWaitMs,
    log,
  });

  const reconcileAfterMs = options.reconcileAfterMs ?? 10 * 60_000;
  const sweep = async () => {
    const report = await reconciler.run(reconcileAfterMs).catch((error: unknown) => {
      log(`[crux] reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (report && (report.settled || report.replayedFromSpool || report.closedWithoutGeneration)) {
      log(`[crux] reconciled: ${JSON.stringify(report)}`);
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 60_000);
  timer.unref();

  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const site = webDir === false ? undefined : staticSite(webDir);
  const fetch: typeof app.fetch = (request, env, context) =>
    site && isSiteRequest(request) ? site.fetch(request, env, context) : app.fetch(request, env, context);

  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(timer);
      void db.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${config.port} on ${config.host} is already in use: set PORT to a free one`)
          : error,
      );
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    app,
    db,
    ledger,
    reconciler,
    background,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await background.close();
      await db.close();
    },
  };
}
