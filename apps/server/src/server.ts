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
import { answerClientErrorsInJson } from './http/client-errors.ts';
import { withDirectSse } from './http/node-streams.ts';
import type { Ledger } from './ledger/ledger.ts';
import type { Reconciler } from './ledger/reconcile.ts';
import { OpenRouterClient } from './llm/openrouter-client.ts';
import type { CatalogModel } from './llm/types.ts';
import { describeCredit } from './ops/credit.ts';
import {
  DEFAULT_LEASE_TIMING,
  InstanceLease,
  type LeaseTiming,
  newInstanceId,
} from './ops/instance-lease.ts';
import type { OpsMonitor } from './ops/monitor.ts';
import { describeReadiness } from './ops/readiness.ts';
import { SettlementSweeper } from './ops/settlement-sweeper.ts';
import type { BackgroundTasks } from './shared/background.ts';
import { LineWriter } from './shared/line-writer.ts';
import { DEFAULT_WEB_DIR, isSiteRequest, staticSite } from './web/static-site.ts';

export interface ServerOptions {
  /** How often pending rows are swept and the spool is drained (default: every heartbeat, 10 s). */
  sweepIntervalMs?: number;
  /** After a turn is spooled (the database away), the spool is retried this often until empty (default 2 s). */
  spoolRetryMs?: number;
  /**
   * This instance's own pending rows, and rows with no known owner, are swept once this old
   * (default 60 s). Rows of an instance whose lease expired are swept at once.
   */
  reconcileAfterMs?: number;
  /** The instance lease's heartbeat and lifetime (default 10 s and 30 s). */
  lease?: Partial<LeaseTiming>;
  /** How long a cut stream's cost is polled from `/generation` before the reconciler takes over. */
  generationWaitMs?: number;
  /** How often the operator checks run (credit against CREDIT_WARN_USD, rows pending too long). */
  monitorIntervalMs?: number;
  /** A pending row older than this raises the `settlement_backlog` alert. */
  pendingAlertAfterMs?: number;
  /** How soon an unknown key id may refetch the Supabase JWKS (default 30 s). */
  jwksCooldownMs?: number;
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
  /** The operator checks the server runs every minute (credit, settlement backlog). */
  monitor: OpsMonitor;
  /** This instance's id: its lease, and the owner of the pending rows it opens. */
  instanceId: string;
  /** The lease heartbeat and the ledger sweep (`sweeper.sweep()` runs one now). */
  sweeper: SettlementSweeper;
  close(): Promise<void>;
}

/** Builds every dependency, migrates, reconciles leftovers, and listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<CruxServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Once serving, standard output goes through a queue: a log line never blocks a request.
  const stdout = new LineWriter(1);
  const requestLog = options.log ?? stdout.line;
  const client = new OpenRouterClient({
    baseUrl: config.openRouter.baseUrl,
    apiKey: config.openRouter.apiKey,
  });
  let catalog: CatalogModel | undefined;
  if (!options.skipCatalogCheck)
    catalog = await checkModelAgainstCatalog(client, config.openRouter.model, log);

  if (config.adminEmails.length > 0)
    log(
      '[crux] ADMIN_EMAILS no longer makes anyone admin (addresses are not verified): use `crux admin grant EMAIL|ID`.',
    );
  const instanceId = newInstanceId();
  const db = await openDb(config, instanceId);
  const applied = await migrate(db);
  if (applied.length) log(`[crux] applied migrations: ${applied.join(', ')}`);

  const { app, ledger, reconciler, background, readiness, credit, monitor } = composeApp(config, db, client, {
    catalog,
    generationWaitMs: options.generationWaitMs,
    jwksCooldownMs: options.jwksCooldownMs,
    pendingAlertAfterMs: options.pendingAlertAfterMs,
    spoolRetryMs: options.spoolRetryMs,
    log: requestLog,
  });

  // Say at start whether this instance can serve, and how much credit is left.
  log(describeReadiness(await readiness.check()));
  const creditNow = await credit.current();
  log(
    creditNow
      ? `[crux] ${describeCredit(creditNow)}`
      : `[crux] OpenRouter credit unknown (${credit.lastError})`,
  );
  const checkOps = () =>
    monitor.check().catch((error: unknown) => {
      log(`[crux] operator checks failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  await checkOps();
  const opsTimer = setInterval(() => void checkOps(), options.monitorIntervalMs ?? 60_000);
  opsTimer.unref();

  // The lease: this instance's pending rows are its own while it lives; a dead one's are settled now.
  const lease = new InstanceLease(db, instanceId, { ...DEFAULT_LEASE_TIMING, ...options.lease });
  if (db.kind === 'embedded') await lease.expireOthers(); // one process per embedded database
  const sweeper = new SettlementSweeper({
    lease,
    reconciler,
    log,
    sweepIntervalMs: options.sweepIntervalMs,
    reconcileAfterMs: options.reconcileAfterMs,
    afterSweep: () => monitor.checkBudget(),
  });
  await sweeper.start();

  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  // The web app signs in through Supabase Auth when the server tells it the project (GET /v1/auth/config).
  const supabaseOrigin =
    config.supabaseUrl && config.supabaseAuth.anonKey ? new URL(config.supabaseUrl).origin : undefined;
  const site = webDir === false ? undefined : staticSite(webDir, { connectTo: supabaseOrigin });
  // Chat streams are written straight to Node's response (http/node-streams.ts).
  const fetch = withDirectSse((request, env) =>
    site && isSiteRequest(request) ? site.fetch(request, env) : app.fetch(request, env),
  );

  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => {
      sweeper.stop();
      clearInterval(opsTimer);
      void sweeper.release().finally(() => db.close());
      reject(
        error.code === 'EADDRINUSE'
          ? Object.assign(
              new Error(`port ${config.port} on ${config.host} is already in use: set PORT to a free one`),
              { code: 'EADDRINUSE' },
            )
          : error,
      );
    });
  });
  answerClientErrorsInJson(server);
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    app,
    db,
    ledger,
    reconciler,
    background,
    monitor,
    instanceId,
    sweeper,
    async close() {
      // The lease stays alive while in-flight settlements finish; `release` then hands leftovers over.
      clearInterval(opsTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await background.close();
      ledger.close();
      await sweeper.release();
      await db.close();
      stdout.flushSync();
    },
  };
}
