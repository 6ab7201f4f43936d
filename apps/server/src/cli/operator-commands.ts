import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/password.ts';
import { TokenService } from '../auth/tokens.ts';
import type { Config } from '../config/env.ts';
import { checkModelAgainstCatalog } from '../config/startup-check.ts';
import { openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import type { Db } from '../db/types.ts';
import { Budgets } from '../ledger/budgets.ts';
import { Ledger } from '../ledger/ledger.ts';
import { Reconciler } from '../ledger/reconcile.ts';
import { SettlementSpool } from '../ledger/spool.ts';
import { type GroupBy, UsageQueries } from '../ledger/usage-queries.ts';
import { OpenRouterClient } from '../llm/openrouter-client.ts';
import { UsersRepo } from '../users/users-repo.ts';

async function withDb<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(config);
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

const clientFor = (config: Config) =>
  new OpenRouterClient({ baseUrl: config.openRouter.baseUrl, apiKey: config.openRouter.apiKey });

export async function runMigrate(config: Config): Promise<number> {
  const db = await openDb(config);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    return 0;
  } finally {
    await db.close();
  }
}

export function runReconcile(config: Config, olderThanSeconds: number): Promise<number> {
  return withDb(config, async (db) => {
    const ledger = new Ledger(db, new SettlementSpool(config.dataDir));
    const report = await new Reconciler(db, ledger, clientFor(config)).run(olderThanSeconds * 1000);
    console.log(
      `Settled ${report.settled} pending row(s) from generation stats; ${report.waiting} still waiting; ` +
        `${report.closedWithoutGeneration} closed without a generation; ${report.replayedFromSpool} applied from the spool.`,
    );
    return 0;
  });
}

export function runUsage(
  config: Config,
  options: { by?: string; from?: string; to?: string; csv: boolean },
): Promise<number> {
  const groupBy = (options.by ?? 'day') as GroupBy;
  if (!['day', 'model', 'endpoint', 'user'].includes(groupBy)) {
    console.error('--by must be one of: day, model, endpoint, user');
    return Promise.resolve(1);
  }
  return withDb(config, async (db) => {
    const summary = await new UsageQueries(db).summary({
      userId: null,
      groupBy,
      from: options.from,
      to: options.to,
    });
    const rows = summary.rows.map((r) => [r.key, String(r.requests), String(r.tokens), r.cost_usd]);
    const total = [
      'TOTAL',
      String(summary.total.requests),
      String(summary.total.tokens),
      summary.total.cost_usd,
    ];
    const header = [groupBy, 'requests', 'tokens', 'cost_usd'];
    if (options.csv) {
      for (const row of [header, ...rows]) console.log(row.join(','));
    } else {
      const table = [header, ...rows, total];
      const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table)
        console.log(
          row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
        );
    }
    return 0;
  });
}

export function runUserCreate(config: Config, email: string, password: string | undefined): Promise<number> {
  return withDb(config, async (db) => {
    const chosen = password ?? randomBytes(12).toString('base64url');
    const user = await new UsersRepo(db).create(email, await hashPassword(chosen));
    if (!user) {
      console.error(`A user with the e-mail ${email} already exists.`);
      return 1;
    }
    const token = await new TokenService(config.jwtSecret).sign(user.id, user.email);
    console.log(`Created ${user.email} (${user.id})`);
    if (!password) console.log(`Password: ${chosen}`);
    console.log(`Access token (7 days): ${token}`);
    return 0;
  });
}

/** `crux user budget <email> <usd|default>`: the user's own daily USD cap, or back to DAILY_BUDGET_USD. */
export function runUserBudget(config: Config, email: string, amount: string | undefined): Promise<number> {
  if (!amount || !(amount === 'default' || /^\d+(\.\d+)?$/.test(amount))) {
    console.error(
      'Usage: crux user budget <email> <usd|default>   e.g. crux user budget ana@example.com 0.50',
    );
    return Promise.resolve(1);
  }
  return withDb(config, async (db) => {
    const user = await new UsersRepo(db).findByEmail(email);
    if (!user) {
      console.error(`No user with the e-mail ${email}.`);
      return 1;
    }
    await new Budgets(db).setUserLimit(user.id, amount === 'default' ? null : amount);
    const fallback = config.limits.dailyBudgetUsd
      ? `DAILY_BUDGET_USD (${config.limits.dailyBudgetUsd} USD)`
      : 'no cap';
    console.log(
      amount === 'default'
        ? `${email}: daily budget back to ${fallback}.`
        : `${email}: daily budget ${amount} USD per UTC day.`,
    );
    return 0;
  });
}

export async function runModelCheck(config: Config): Promise<number> {
  const entry = await checkModelAgainstCatalog(clientFor(config), config.openRouter.model, (line) =>
    console.error(line),
  );
  if (!entry) {
    console.log(`${config.openRouter.model}: format OK; the catalog could not confirm it.`);
    return config.openRouter.model === 'openrouter/auto' ? 0 : 1;
  }
  console.log(`${entry.id}: ${entry.name}`);
  console.log(`  context length: ${entry.contextLength ?? 'unknown'}`);
  for (const [kind, price] of Object.entries(entry.pricing)) console.log(`  ${kind}: ${price} USD per unit`);
  return 0;
}
