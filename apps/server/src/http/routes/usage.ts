import { adminUsageQuerySchema, usageQuerySchema, usageRecordsQuerySchema } from '@crux/contracts';
import { Hono } from 'hono';
import type { Config } from '../../config/env.ts';
import type { Budgets } from '../../ledger/budgets.ts';
import { type DailyLimits, nextUtcMidnight, tighter } from '../../ledger/limits.ts';
import type { UsageQueries } from '../../ledger/usage-queries.ts';
import type { CreditMonitor } from '../../ops/credit.ts';
import type { AnonymousQuota } from '../../throttle/anonymous-quota.ts';
import type { AdminGrants } from '../../users/admin-grants.ts';
import { requireAdmin } from '../admin-middleware.ts';
import type { AppEnv } from '../app-env.ts';
import { readQuery } from '../body.ts';

const JSON_TYPE = { 'content-type': 'application/json' };

export function usageRoutes(deps: {
  config: Pick<Config, 'limits'>;
  limits: DailyLimits;
  budgets: Budgets;
  usage: UsageQueries;
  adminGrants: AdminGrants;
  credit: CreditMonitor;
  anonymousQuota: AnonymousQuota;
}) {
  const app = new Hono<AppEnv>();

  app.get('/usage', async (c) => {
    const query = readQuery(c, usageQuerySchema);
    const summary = await deps.usage.summaryJson({
      userId: c.var.user.id,
      groupBy: query.group_by,
      from: query.from,
      to: query.to,
    });
    return c.body(summary, 200, JSON_TYPE);
  });

  app.get('/usage/limits', async (c) => {
    const { id: userId, anonymous } = c.var.user;
    const [used, budget, guest] = await Promise.all([
      deps.limits.used(userId),
      deps.budgets.status(userId),
      anonymous ? deps.anonymousQuota.today(c.var.clientAddress) : undefined,
    ]);
    const resetsAt = nextUtcMidnight().toISOString();
    const { dailyChat, dailyRecommendations } = deps.config.limits;
    let chat = { used: used.chat, limit: dailyChat };
    let recommendations = { used: used.recommendations, limit: dailyRecommendations };
    // A guest is also limited per network (a new anonymous sign-in cannot reset it): whichever binds first.
    if (guest) {
      chat = tighter(chat, guest.chat);
      recommendations = tighter(recommendations, guest.recommendations);
    }
    return c.json({
      chat: { ...chat, resets_at: resetsAt },
      recommendations: { ...recommendations, resets_at: resetsAt },
      // spent (settled), reserved (worst case of calls in flight), left for new calls
      budget_usd: { ...budget, resets_at: resetsAt },
    });
  });

  app.get('/usage/records', async (c) => {
    return c.json(await deps.usage.records(c.var.user.id, readQuery(c, usageRecordsQuerySchema)));
  });

  app.get('/admin/usage', requireAdmin(deps.adminGrants), async (c) => {
    const query = readQuery(c, adminUsageQuerySchema);
    const [summary, credit] = await Promise.all([
      deps.usage.summaryJson({ userId: null, groupBy: query.group_by, from: query.from, to: query.to }),
      deps.credit.current(),
    ]);
    // credit: the OpenRouter credit left (null while the upstream does not say), added to the
    // summary's JSON object as its last member (the summary is sent as the database wrote it).
    return c.body(`${summary.slice(0, -1)},"credit":${JSON.stringify(credit ?? null)}}`, 200, JSON_TYPE);
  });

  return app;
}
