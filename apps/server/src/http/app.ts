import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { AuthService } from '../auth/auth-service.ts';
import type { TokenCache } from '../auth/token-cache.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { IdempotentChat } from '../chat/idempotent-chat.ts';
import type { MessagesRepo } from '../chat/messages-repo.ts';
import type { ClimbsRepo } from '../climbs/climbs-repo.ts';
import type { ClimbsService } from '../climbs/climbs-service.ts';
import { IMPORT_MAX_BYTES, type LogbookTransfer } from '../climbs/logbook-transfer.ts';
import type { ClimberContext } from '../coach/climber-context.ts';
import type { RecommendationService } from '../coach/recommendation-service.ts';
import type { Config } from '../config/env.ts';
import type { Db } from '../db/types.ts';
import type { Budgets } from '../ledger/budgets.ts';
import type { DailyLimits } from '../ledger/limits.ts';
import type { ReconcileReport } from '../ledger/reconcile.ts';
import type { UsageQueries } from '../ledger/usage-queries.ts';
import type { CatalogModel } from '../llm/types.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CreditMonitor } from '../ops/credit.ts';
import type { Readiness } from '../ops/readiness.ts';
import { AppError } from '../shared/errors.ts';
import type { AnonymousQuota } from '../throttle/anonymous-quota.ts';
import type { AccountService } from '../users/account-service.ts';
import type { AdminGrants } from '../users/admin-grants.ts';
import type { ProfilesRepo } from '../users/profiles-repo.ts';
import type { UsersRepo } from '../users/users-repo.ts';
import type { AppEnv } from './app-env.ts';
import { requireUser } from './auth-middleware.ts';
import { limitBodySize } from './body-limit.ts';
import { clientAddress } from './client-address.ts';
import { errorBody, STATUS_BY_CODE } from './error-status.ts';
import { limitRefusal } from './limit-refusal.ts';
import { accountRoutes } from './routes/account.ts';
import { authRoutes } from './routes/auth.ts';
import { chatRoutes } from './routes/chat.ts';
import { climbsRoutes } from './routes/climbs.ts';
import { coachRoutes } from './routes/coach.ts';
import { opsRoutes } from './routes/ops.ts';
import { profileRoutes } from './routes/profile.ts';
import { reconcileRoutes } from './routes/reconcile.ts';
import { usageRoutes } from './routes/usage.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  tokens: TokenService;
  auth: AuthService;
  account: AccountService;
  users: UsersRepo;
  /** Verified tokens, briefly. */
  tokenCache?: TokenCache | undefined;
  adminGrants: AdminGrants;
  profiles: ProfilesRepo;
  climbs: ClimbsService;
  climbsRepo: ClimbsRepo;
  transfer: LogbookTransfer;
  context: ClimberContext;
  recommendations: RecommendationService;
  messages: MessagesRepo;
  chat: IdempotentChat;
  /** Anonymous users' daily limits per client address. */
  anonymousQuota: AnonymousQuota;
  limits: DailyLimits;
  budgets: Budgets;
  usage: UsageQueries;
  metrics: Metrics;
  catalogEntry: () => CatalogModel | undefined;
  readiness: Readiness;
  credit: CreditMonitor;
  /** One reconcile pass, for `POST /v1/ops/reconcile` (enabled by CRUX_RECONCILE_SECRET). */
  reconcile: () => Promise<ReconcileReport>;
  /** One access-log line per request (method, path, status, time to headers). */
  log?: ((line: string) => void) | undefined;
}

const MAX_BODY_BYTES = 64 * 1024;
/** A logbook import may be larger (`IMPORT_MAX_BYTES`). */
const IMPORT_PATH = '/v1/climbs/import';

/** Network errors and Postgres' connection-class (08) and shutdown (57P) codes. */
function isDatabaseUnavailable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return /Connection terminated|connect ECONNREFUSED/.test(error.message);
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(code) ||
    code.startsWith('08') ||
    code.startsWith('57P')
  );
}

/** The Crux HTTP API as a Hono app: no globals, every dependency passed in. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const log = deps.log ?? (() => {});
  const accessLog = deps.log;
  // X-Request-Id from the client (1-64 of A-Z a-z 0-9 _ - =) or a new UUID; echoed on every response.
  app.use(requestId({ limitLength: 64 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.metrics.request(c.req.method, c.req.routePath, c.res.status);
    // Headers are sent here; a stream's body may still be flowing. No line is formatted without a log.
    // (`c.get`, not `c.var`, on every request's path: Hono builds a new object for each `c.var` read.)
    accessLog?.(
      `${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms request_id=${c.get('requestId')}`,
    );
  });
  app.use(
    clientAddress({
      trustProxy: deps.config.network.trustProxy,
      header: deps.config.network.clientAddressHeader,
    }),
  );
  if (deps.config.corsOrigins.length > 0) {
    app.use(
      '/v1/*',
      cors({
        origin: deps.config.corsOrigins,
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
        exposeHeaders: ['retry-after', 'x-request-id', 'content-disposition'],
        maxAge: 600,
      }),
    );
  }
  const limitBody = (maxSize: number) =>
    // The rest of the body is never read: the connection cannot carry another request.
    limitBodySize(maxSize, (c) =>
      c.json(
        errorBody('payload_too_large', `Request bodies are limited to ${maxSize} bytes.`, c.var.requestId),
        413,
        { connection: 'close' },
      ),
    );
  const anyBody = limitBody(MAX_BODY_BYTES);
  const importBody = limitBody(IMPORT_MAX_BYTES);
  // The path may sit under a prefix (the Edge Function serves the app under /crux).
  app.use('/v1/*', (c, next) => (c.req.path.endsWith(IMPORT_PATH) ? importBody(c, next) : anyBody(c, next)));

  app.route(
    '/',
    opsRoutes({
      db: deps.db,
      model: deps.config.openRouter.model,
      metrics: deps.metrics,
      catalogEntry: deps.catalogEntry,
      readiness: deps.readiness,
    }),
  );
  const userRequired = requireUser(deps.tokens, deps.users, {
    allowAnonymous: deps.config.anonymous.allowed,
    log,
    cache: deps.tokenCache,
  });
  app.route(
    '/v1/auth',
    authRoutes({
      auth: deps.auth,
      requireUser: userRequired,
      authConfig: {
        supabase_url: deps.config.supabaseAuth.anonKey ? (deps.config.supabaseUrl ?? null) : null,
        supabase_anon_key: deps.config.supabaseUrl ? (deps.config.supabaseAuth.anonKey ?? null) : null,
      },
    }),
  );
  app.route('/', reconcileRoutes({ secret: deps.config.ops.reconcileSecret, reconcile: deps.reconcile }));

  const authed = new Hono<AppEnv>();
  authed.use(userRequired);
  authed.route('/', accountRoutes(deps));
  authed.route('/', profileRoutes(deps));
  authed.route('/', climbsRoutes(deps));
  authed.route('/', coachRoutes(deps));
  authed.route('/', chatRoutes(deps));
  authed.route('/', usageRoutes(deps));
  app.route('/v1', authed);

  app.notFound((c) =>
    c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`, c.var.requestId), 404),
  );
  app.onError((error, c) => {
    const id = c.var.requestId;
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      const refusal = limitRefusal(error);
      if (refusal) {
        deps.metrics.limitRefused(refusal.limit);
        c.header('retry-after', refusal.retryAfter);
      }
      return c.json(errorBody(error.code, error.message, id, error.details), STATUS_BY_CODE[error.code]);
    }
    if (isDatabaseUnavailable(error)) {
      console.error(`[crux] request_id=${id} database unavailable:`, error.message);
      return c.json(
        errorBody('service_unavailable', 'The database is unreachable; try again shortly.', id),
        503,
      );
    }
    console.error(`[crux] request_id=${id} unhandled error:`, error);
    return c.json(
      errorBody('internal_error', 'Something failed on the server; it has been logged.', id),
      500,
    );
  });
  return app;
}
