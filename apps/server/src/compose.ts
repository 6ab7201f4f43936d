import type { Hono } from 'hono';
import { AuthService } from './auth/auth-service.ts';
import { RefreshTokens } from './auth/refresh-tokens.ts';
import { TokenCache } from './auth/token-cache.ts';
import { TokenService } from './auth/tokens.ts';
import { ChatService } from './chat/chat-service.ts';
import { IdempotentChat } from './chat/idempotent-chat.ts';
import { MessagesRepo } from './chat/messages-repo.ts';
import { TurnOpener } from './chat/turn-opener.ts';
import { ClimbsRepo } from './climbs/climbs-repo.ts';
import { ClimbsService } from './climbs/climbs-service.ts';
import { LogbookTransfer } from './climbs/logbook-transfer.ts';
import { ClimberContext } from './coach/climber-context.ts';
import { ClimberContextCache } from './coach/context-cache.ts';
import { RecommendationService } from './coach/recommendation-service.ts';
import { RecommendationsRepo } from './coach/recommendations-repo.ts';
import type { Config } from './config/env.ts';
import type { Db } from './db/types.ts';
import { createApp } from './http/app.ts';
import type { AppEnv } from './http/app-env.ts';
import { IdempotencyStore } from './idempotency/idempotency-store.ts';
import { Budgets } from './ledger/budgets.ts';
import { DatabaseSpool } from './ledger/database-spool.ts';
import { Ledger } from './ledger/ledger.ts';
import { DailyLimits } from './ledger/limits.ts';
import { MeteredCalls } from './ledger/metered-call.ts';
import { Reconciler } from './ledger/reconcile.ts';
import { FileSpool } from './ledger/spool.ts';
import { UsageQueries } from './ledger/usage-queries.ts';
import { OpenRouterAccount } from './llm/account.ts';
import type { OpenRouterClient } from './llm/openrouter-client.ts';
import { isFreeModel, maxTokensFor } from './llm/pricing.ts';
import type { CatalogModel } from './llm/types.ts';
import { Metrics } from './metrics/metrics.ts';
import { Alerts } from './ops/alerts.ts';
import { CreditMonitor } from './ops/credit.ts';
import { OpsMonitor } from './ops/monitor.ts';
import { Readiness } from './ops/readiness.ts';
import { BackgroundTasks } from './shared/background.ts';
import { AnonymousQuota } from './throttle/anonymous-quota.ts';
import { AuthThrottle } from './throttle/auth-throttle.ts';
import { RateCounters } from './throttle/rate-counters.ts';
import { AccountService } from './users/account-service.ts';
import { AdminGrants } from './users/admin-grants.ts';
import { ProfilesRepo } from './users/profiles-repo.ts';
import { UsersRepo } from './users/users-repo.ts';

/** The owner name of the scheduled reconcile (`POST /v1/ops/reconcile`): it holds no lease. */
const SCHEDULED_RECONCILE = 'crux-scheduled-reconcile';

export interface ComposeOptions {
  /** The configured model's catalog entry, when the catalog answered. */
  catalog?: CatalogModel | undefined;
  /** How long a cut stream's cost is polled from `/generation` before the reconciler takes over. */
  generationWaitMs?: number | undefined;
  /** How soon an unknown key id may refetch the Supabase JWKS (default 30 s). */
  jwksCooldownMs?: number | undefined;
  /** Access log, one line per request. */
  log?: ((line: string) => void) | undefined;
  /** Operator alerts and warnings (default: the access log, else the console). */
  opsLog?: ((line: string) => void) | undefined;
  /** A pending row older than this raises the `settlement_backlog` alert. */
  pendingAlertAfterMs?: number | undefined;
  /** After a turn is spooled (the database away), the spool is retried this often until empty (default 2 s; 0: only by the sweep). */
  spoolRetryMs?: number | undefined;
  /** Keeps the runtime alive for settlements that outlive their response (Edge Functions). */
  keepAlive?: (task: Promise<unknown>) => void;
}

export interface Composition {
  app: Hono<AppEnv>;
  ledger: Ledger;
  reconciler: Reconciler;
  background: BackgroundTasks;
  readiness: Readiness;
  credit: CreditMonitor;
  /** Low credit, settlement backlog and global budget checks (the Node server runs them every minute). */
  monitor: OpsMonitor;
  /** Operator alerts (webhook once per cause per UTC day). */
  alerts: Alerts;
  /**
   * Verified tokens (30 s at most): `tokenCache.invalidate(userId)` forgets a user's tokens.
   */
  tokenCache: TokenCache;
}

/**
 * The composition root: every service built once from the config, a database and an upstream
 * client, wired into the HTTP app. Runtime-neutral: the Node server listens on it.
 */
export function composeApp(
  config: Config,
  db: Db,
  client: OpenRouterClient,
  options: ComposeOptions = {},
): Composition {
  const metrics = new Metrics({ defaultMetrics: true });
  const background = new BackgroundTasks(options.keepAlive);
  const budgets = new Budgets(db, {
    dailyUsd: config.limits.dailyBudgetUsd,
    globalDailyUsd: config.limits.globalDailyBudgetUsd,
  });
  const opsLog = options.opsLog ?? options.log ?? ((line: string) => console.warn(line));
  const alerts = new Alerts(db, { webhookUrl: config.ops.alertWebhookUrl, log: opsLog });
  const ledger = new Ledger(
    db,
    config.spool === 'database' ? new DatabaseSpool(db) : new FileSpool(config.dataDir),
    (attempt, settlement) => metrics.settled(attempt.endpoint, attempt.model, settlement),
    budgets,
    {
      spoolRetryMs: options.spoolRetryMs,
      // Edge Functions on the same database spool there; a file-spool server drains it too.
      alsoDrain: config.spool === 'database' ? [] : [new DatabaseSpool(db)],
      onQuarantined: (turns, where) => {
        metrics.spoolQuarantined(turns.length);
        for (const turn of turns)
          opsLog(`[crux] spooled turn of ledger row ${turn.rowId} moved aside in ${where}: ${turn.reason}`);
        void alerts.spoolQuarantined(turns, where).catch(() => {});
      },
    },
  );
  const reconciler = new Reconciler(db, ledger, client);
  const account = new OpenRouterAccount(config.openRouter);
  const readiness = new Readiness(db, account);
  const credit = new CreditMonitor(account, config.ops.creditWarnUsd);
  metrics.trackCredit(() => credit.current());
  const monitor = new OpsMonitor({
    db,
    credit,
    alerts,
    creditWarnUsd: config.ops.creditWarnUsd,
    pendingAlertAfterMs: options.pendingAlertAfterMs,
    globalDailyBudgetUsd: config.limits.globalDailyBudgetUsd,
  });
  const limits = new DailyLimits(db);
  const tokenCache = new TokenCache();
  const users = new UsersRepo(db);
  const tokens = new TokenService({
    secret: config.jwtSecret,
    supabaseUrl: config.supabaseUrl,
    supabaseIssuer: config.supabaseAuth.issuer,
    jwksCooldownMs: options.jwksCooldownMs,
    lifetime: config.sessions.accessTokenSeconds,
  });
  const rateCounters = new RateCounters(db);
  const refreshTokens = new RefreshTokens(db, config.sessions.refreshTokenSeconds);
  const profiles = new ProfilesRepo(db);
  const messages = new MessagesRepo(db);
  const climbsRepo = new ClimbsRepo(db);
  const idempotency = new IdempotencyStore(db);
  const usage = new UsageQueries(db);
  const context = new ClimberContext(climbsRepo, profiles);
  const maxTokens = maxTokensFor(options.catalog, config.openRouter.maxTokens);
  const metered = new MeteredCalls({
    client,
    ledger,
    background,
    model: config.openRouter.model,
    pseudonymKey: config.jwtSecret,
    catalog: options.catalog,
    maxTokens,
    freeModel: isFreeModel(options.catalog),
    generationWaitMs: options.generationWaitMs,
  });
  const climberCache = new ClimberContextCache(db, context);
  const turns = new TurnOpener({
    db,
    model: config.openRouter.model,
    catalog: options.catalog,
    maxTokens,
    dailyLimit: config.limits.dailyChat,
    budgets: { dailyUsd: config.limits.dailyBudgetUsd, globalDailyUsd: config.limits.globalDailyBudgetUsd },
    inDoubt: ledger.inDoubt,
  });
  const chat = new ChatService({ metered, turns, messages, background, context: climberCache });
  const recommendationsRepo = new RecommendationsRepo(db);
  const recommendations = new RecommendationService({
    config,
    metered,
    limits,
    context,
    recommendations: recommendationsRepo,
    idempotency,
  });
  const app = createApp({
    config,
    db,
    tokens,
    auth: new AuthService(users, tokens, new AuthThrottle(rateCounters, config.throttles), refreshTokens),
    account: new AccountService({
      db,
      users,
      profiles,
      climbs: climbsRepo,
      messages,
      recommendations: recommendationsRepo,
      usage,
      refreshTokens,
    }),
    users,
    tokenCache,
    adminGrants: new AdminGrants(db),
    profiles,
    climbs: new ClimbsService(climbsRepo, idempotency),
    climbsRepo,
    transfer: new LogbookTransfer(climbsRepo),
    context,
    recommendations,
    messages,
    chat: new IdempotentChat(chat, idempotency),
    anonymousQuota: new AnonymousQuota(rateCounters, config.anonymous),
    limits,
    budgets,
    usage,
    metrics,
    catalogEntry: () => options.catalog,
    readiness,
    credit,
    // Rows of dead instances, and rows with no live owner (Edge Functions hold no lease) a minute old.
    reconcile: () =>
      reconciler.run(
        { instanceId: SCHEDULED_RECONCILE, unownedAfterMs: 60_000, ownAfterMs: 60_000 },
        { budgetMs: 20_000 },
      ),
    log: options.log,
  });

  return { app, ledger, reconciler, background, readiness, credit, monitor, alerts, tokenCache };
}
