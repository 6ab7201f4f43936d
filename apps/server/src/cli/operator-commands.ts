import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/password.ts';
import { TokenService } from '../auth/tokens.ts';
import { type DatabaseSettings, envParts, type UpstreamSettings } from '../config/env.ts';
import { checkModelAgainstCatalog } from '../config/startup-check.ts';
import { openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import type { Db } from '../db/types.ts';
import { Budgets } from '../ledger/budgets.ts';
import { OpenRouterClient } from '../llm/openrouter-client.ts';
import { UsersRepo } from '../users/users-repo.ts';
import { CliError } from './errors.ts';
import { credentialsProblem } from './options.ts';
import { settingIfSet, settings } from './settings.ts';

/** Opens the database (migrated), runs `work`, and closes it. */
export async function withDb<T>(database: DatabaseSettings, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(database);
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

const clientFor = (upstream: UpstreamSettings) =>
  new OpenRouterClient({ baseUrl: upstream.baseUrl, apiKey: upstream.apiKey });

/** `crux migrate`: needs only the database. */
export async function runMigrate(): Promise<number> {
  const db = await openDb(settings({ database: envParts.database }).database);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    return 0;
  } finally {
    await db.close();
  }
}

/** `crux user create`: checks the e-mail and password as sign-up does; a token when AUTH_JWT_SECRET is set. */
export function runUserCreate(email: string, password: string | undefined): Promise<number> {
  const chosen = password ?? randomBytes(12).toString('base64url');
  const problem = credentialsProblem(email, chosen);
  if (problem) throw new CliError(problem.startsWith('password') ? `--${problem}` : problem);
  const { database } = settings({ database: envParts.database });
  const secret = settingIfSet('AUTH_JWT_SECRET', 'auth');
  return withDb(database, async (db) => {
    const user = await new UsersRepo(db).create(email, await hashPassword(chosen));
    if (!user) throw new CliError(`a user with the e-mail ${email} already exists.`, 1);
    console.log(`Created ${user.email} (${user.id})`);
    if (!password) console.log(`Password: ${chosen}`);
    if (secret)
      console.log(
        `Access token (7 days): ${await new TokenService({ secret, lifetime: 7 * 24 * 3600 }).sign(user.id, user.email)}`,
      );
    else console.log('No access token printed: AUTH_JWT_SECRET is not set (log in with the password).');
    return 0;
  });
}

/** `crux user budget <email> <usd|default>`: the user's own daily USD cap, or back to DAILY_BUDGET_USD. */
export function runUserBudget(email: string, amount: string | null): Promise<number> {
  const { database, limits } = settings({ database: envParts.database, limits: envParts.limits });
  return withDb(database, async (db) => {
    const user = await new UsersRepo(db).findByEmail(email);
    if (!user) throw new CliError(`no user with the e-mail ${email}.`, 1);
    await new Budgets(db).setUserLimit(user.id, amount);
    const fallback = limits.dailyBudgetUsd ? `DAILY_BUDGET_USD (${limits.dailyBudgetUsd} USD)` : 'no cap';
    console.log(
      amount === null
        ? `${email}: daily budget back to ${fallback}.`
        : `${email}: daily budget ${amount} USD per UTC day.`,
    );
    return 0;
  });
}

/** `crux model check`: the model and the upstream, no database. */
export async function runModelCheck(): Promise<number> {
  const { upstream, model } = settings({ upstream: envParts.upstream, model: envParts.model });
  const entry = await checkModelAgainstCatalog(clientFor(upstream), model, (line) => console.error(line));
  if (!entry) {
    console.log(`${model}: format OK; the catalog could not confirm it.`);
    return model === 'openrouter/auto' ? 0 : 1;
  }
  console.log(`${entry.id}: ${entry.name}`);
  console.log(`  context length: ${entry.contextLength ?? 'unknown'}`);
  for (const [kind, price] of Object.entries(entry.pricing)) console.log(`  ${kind}: ${price} USD per unit`);
  return 0;
}
