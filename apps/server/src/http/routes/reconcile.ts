import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReconcileReport as ReconcileBody } from '@crux/contracts';
import { Hono } from 'hono';
import type { ReconcileReport } from '../../ledger/reconcile.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppEnv } from '../app-env.ts';

/** Equal secrets, compared in constant time (digests have one length whatever the input). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `POST /v1/ops/reconcile`: one reconcile pass, for a scheduler where no process lives between
 * requests (Supabase Edge Functions, called by pg_cron through pg_net). Only with
 * `Authorization: Bearer <CRUX_RECONCILE_SECRET>`; absent (404) while the secret is unset.
 */
export function reconcileRoutes(deps: {
  secret: string | undefined;
  reconcile: () => Promise<ReconcileReport>;
}) {
  const app = new Hono<AppEnv>();
  app.post('/v1/ops/reconcile', async (c) => {
    if (!deps.secret)
      throw new AppError('not_found', 'The reconcile route is off: set CRUX_RECONCILE_SECRET to enable it.');
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!given || !sameSecret(given, deps.secret))
      throw new AppError(
        'unauthorized',
        'The reconcile route needs Authorization: Bearer <CRUX_RECONCILE_SECRET>.',
      );
    const report = await deps.reconcile();
    return c.json({
      settled: report.settled,
      closed_without_generation: report.closedWithoutGeneration,
      replayed_from_spool: report.replayedFromSpool,
      waiting: report.waiting,
      waiting_by_reason: report.waitingByReason,
    } satisfies ReconcileBody);
  });
  return app;
}
