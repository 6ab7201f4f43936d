import type { AccountExport } from '@crux/contracts';
import type { RefreshTokens } from '../auth/refresh-tokens.ts';
import type { MessagesRepo } from '../chat/messages-repo.ts';
import type { ClimbsRepo } from '../climbs/climbs-repo.ts';
import type { RecommendationsRepo } from '../coach/recommendations-repo.ts';
import type { Db } from '../db/types.ts';
import type { UsageQueries, UsageRecord } from '../ledger/usage-queries.ts';
import type { ProfilesRepo } from './profiles-repo.ts';
import type { UsersRepo } from './users-repo.ts';

export interface AccountServiceDeps {
  db: Db;
  users: UsersRepo;
  profiles: ProfilesRepo;
  climbs: ClimbsRepo;
  messages: MessagesRepo;
  recommendations: RecommendationsRepo;
  usage: UsageQueries;
  refreshTokens: RefreshTokens;
}

/** Tables of personal data, deleted with the account (the ledger, `api_usage`, is kept). */
const PERSONAL_TABLES = [
  'climbs',
  'chat_messages',
  'recommendations',
  'profiles',
  'refresh_tokens',
  'idempotency_keys',
  'daily_counters',
  'user_budgets',
  'admin_grants',
] as const;

const USAGE_PAGE = 1000;

/**
 * The account's owner rights: a copy of everything held about them, and deletion. A deleted account
 * keeps one tombstone row (its id, no e-mail, no password, `deleted_at`): its ledger rows still
 * point there, so usage reports keep their totals, while nothing left names the person and every
 * token of the account is refused.
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  async export(userId: string): Promise<AccountExport> {
    const { db, profiles, climbs, messages, recommendations } = this.deps;
    const [account] = await db.query<AccountExport['account']>(
      `select id, email, issuer, to_char(created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
       from users where id = $1`,
      [userId],
    );
    if (!account) throw new Error(`no account ${userId}`);
    return {
      exported_at: new Date().toISOString(),
      account,
      profile: await profiles.get(userId),
      climbs: await climbs.all(userId),
      chat_messages: await messages.recent(userId, 2 ** 31 - 1),
      recommendations: await recommendations.all(userId),
      usage: await this.usage(userId),
    };
  }

  /** Deletes the account's personal data in one transaction; its tokens stop working at once here, within 30 s elsewhere. */
  async delete(userId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      for (const table of PERSONAL_TABLES)
        await tx.query(`delete from ${table} where user_id = $1`, [userId]);
      await tx.query('delete from spend_counters where scope = $1', [userId]);
      await tx.query(
        `update users set email = null, password_hash = null, failed_logins = 0, locked_until = null,
           deleted_at = coalesce(deleted_at, now())
         where id = $1`,
        [userId],
      );
    });
    this.deps.users.invalidate(userId);
  }

  /** Every ledger row, newest first (the table's check constraints hold the contract's enums). */
  private async usage(userId: string): Promise<AccountExport['usage']> {
    const rows: UsageRecord[] = [];
    let before: string | undefined;
    do {
      const page = await this.deps.usage.records(userId, { limit: USAGE_PAGE, before });
      rows.push(...page.records);
      before = page.next_before;
    } while (before);
    return rows as AccountExport['usage'];
  }
}
