import { ConfigError, envParts, type UpstreamSettings } from '../config/env.ts';
import { type GroupBy, UsageQueries } from '../ledger/usage-queries.ts';
import { OpenRouterAccount } from '../llm/account.ts';
import { type CreditStatus, creditStatus, describeCredit } from '../ops/credit.ts';
import { UsersRepo } from '../users/users-repo.ts';
import { CliError } from './errors.ts';
import { withDb } from './operator-commands.ts';
import { settings } from './settings.ts';

export interface UsageOptions {
  by: GroupBy;
  from?: string | undefined;
  to?: string | undefined;
  csv: boolean;
}

/** The credit left, or why it is unknown: `crux usage` needs only the database, the credit is a bonus. */
async function creditLine(
  warnBelowUsd: string | undefined,
): Promise<{ status?: CreditStatus; note: string }> {
  let upstream: UpstreamSettings;
  try {
    upstream = settings({ upstream: envParts.upstream }).upstream;
  } catch (error) {
    if (error instanceof ConfigError)
      return { note: `OpenRouter credit: unknown (${error.problems.join('; ')})` };
    throw error;
  }
  try {
    const status = creditStatus(await new OpenRouterAccount(upstream).credits(), warnBelowUsd);
    return { status, note: describeCredit(status) };
  } catch (error) {
    return { note: `OpenRouter credit: unknown (${error instanceof Error ? error.message : String(error)})` };
  }
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** `crux usage`: spend from the ledger (exact sums), by day, model, endpoint or user (e-mails), and the credit left. */
export function runUsage(options: UsageOptions): Promise<number> {
  if (options.from && options.to && options.from > options.to)
    throw new CliError(`--from (${options.from}) is after --to (${options.to}).`);
  const { database, ops } = settings({ database: envParts.database, ops: envParts.ops });
  return withDb(database, async (db) => {
    const summary = await new UsageQueries(db).summary({
      userId: null,
      groupBy: options.by,
      from: options.from,
      to: options.to,
    });
    const emails =
      options.by === 'user' ? await new UsersRepo(db).emailsByIds(summary.rows.map((r) => r.key)) : undefined;
    const label = (key: string) => (emails ? (emails.get(key) ?? `(deleted user ${key})`) : key);
    const header = [options.by === 'user' ? 'user' : options.by, 'requests', 'tokens', 'cost_usd'];
    const rows = summary.rows.map((r) => [label(r.key), String(r.requests), String(r.tokens), r.cost_usd]);
    const { requests, tokens, cost_usd } = summary.total;
    const table = [header, ...rows, ['TOTAL', String(requests), String(tokens), cost_usd]];
    const credit = await creditLine(ops.creditWarnUsd);
    if (options.csv) {
      for (const row of table) console.log(row.map(csvCell).join(','));
      // The CSV stays a table; the credit goes to stderr.
      console.error(credit.note);
    } else {
      const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table)
        console.log(
          row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
        );
      console.log(`\n${credit.note}`);
    }
    return 0;
  });
}
