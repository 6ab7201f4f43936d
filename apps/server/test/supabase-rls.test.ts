import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { openPostgresDb } from '../src/db/postgres.ts';
import type { Db } from '../src/db/types.ts';
import { createTestDatabase } from './support/harness.ts';

/** What a Supabase project has before our migrations run: the auth schema, auth.uid(), the API roles and their default grants. */
const SUPABASE_LIKE = `
  do $$ begin
    if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin; end if;
    if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  end $$;
  create schema if not exists auth;
  create or replace function auth.uid() returns uuid language sql stable as
    $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
  grant usage on schema auth to anon, authenticated;
  grant usage on schema public to anon, authenticated;
  alter default privileges in schema public grant all on tables to anon, authenticated;
`;

describe.runIf(process.env.CRUX_TEST_DB === 'postgres')(
  'row-level security through Supabase-style API roles',
  () => {
    let db: Db;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const alice = randomUUID();
    const bob = randomUUID();

    beforeAll(async () => {
      database = await createTestDatabase();
      db = await openPostgresDb(database.url, 2);
      await db.exec(SUPABASE_LIKE);
      await migrate(db);
      for (const [id, email] of [
        [alice, 'alice@example.com'],
        [bob, 'bob@example.com'],
      ] as const) {
        await db.query(`insert into users (id, email, password_hash) values ($1, $2, 'scrypt$secret')`, [
          id,
          email,
        ]);
        await db.query(
          `insert into climbs (id, user_id, location, climb_type, grade_scale, grade_value, grade_rank, outcome)
         values ($1, $2, 'Crag', 'boulder', 'v_scale', 'V3', 3, 'Sent')`,
          [randomUUID(), id],
        );
        await db.query(
          `insert into api_usage (id, request_id, user_id, endpoint, model, status, cost_usd)
         values ($1, $2, $3, 'chat', 'x/y', 'ok', 0.01)`,
          [randomUUID(), randomUUID(), id],
        );
      }
    });
    afterAll(async () => {
      await db.close();
      await database.drop();
    });

    /** Runs `sql` as Supabase's API would for the user `sub`. */
    const asUser = (sub: string, sql: string) =>
      db.transaction(async (tx) => {
        await tx.query('set local role authenticated');
        await tx.query(`select set_config('request.jwt.claim.sub', $1, true)`, [sub]);
        return tx.query<Record<string, unknown>>(sql);
      });

    it('shows each user only their own climbs, ledger rows and user row', async () => {
      expect(await asUser(alice, 'select user_id from climbs')).toEqual([{ user_id: alice }]);
      expect(await asUser(bob, 'select user_id from api_usage')).toEqual([{ user_id: bob }]);
      expect(await asUser(alice, 'select id, email from users')).toEqual([
        { id: alice, email: 'alice@example.com' },
      ]);
    });

    it('shows each user only their own usage rollups, and no one the everyone-per-day rollup', async () => {
      expect(await asUser(alice, 'select user_id, requests from usage_rollup_user_daily')).toEqual([
        { user_id: alice, requests: '1' },
      ]);
      expect(await asUser(bob, 'select distinct user_id from usage_rollup_user_blocks')).toEqual([
        { user_id: bob },
      ]);
      expect(await asUser(bob, 'select * from usage_rollup_daily')).toEqual([]);
      await expect(asUser(bob, 'select usage_rollups_rebuild()')).rejects.toThrow(/permission denied/);
      await expect(
        asUser(
          bob,
          `insert into usage_rollup_user_daily values ('${bob}', '2026-01-01', 'chat', 'x/y', 1, 1, 1)`,
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('keeps instance leases and the reconcile scheduler out of the API roles’ reach', async () => {
      await db.query(
        `insert into instance_leases (instance_id, host, pid, expires_at) values ('crux-x', 'h', 1, now())`,
      );
      expect(await asUser(alice, 'select * from instance_leases')).toEqual([]);
      await expect(asUser(alice, 'select crux_schedule_reconcile()')).rejects.toThrow(/permission denied/);
      // Without pg_cron and pg_net (plain Postgres) the migration scheduled nothing, and says so when asked.
      const [row] = await db.query<{ result: string }>('select crux_schedule_reconcile() as result');
      expect(row!.result).toMatch(/^not scheduled: enable the pg_cron and pg_net extensions/);
    });

    it('keeps the turn spool (users’ answers waiting to be written) out of the API roles’ reach', async () => {
      await db.query(
        `insert into turn_spool (row_id, record) values ('r1', '{"rowId": "r1", "message": {"content": "secret"}}')`,
      );
      await expect(asUser(alice, 'select * from turn_spool')).rejects.toThrow(/permission denied/);
      const [row] = await db.query<{ rls: boolean }>(
        `select relrowsecurity as rls from pg_class where relname = 'turn_spool'`,
      );
      expect(row).toEqual({ rls: true });
    });

    it('never lets an API role read password hashes or write another user’s climbs', async () => {
      await expect(asUser(alice, 'select password_hash from users')).rejects.toThrow(/permission denied/);
      const changed = await asUser(
        alice,
        `update climbs set notes = 'mine' where user_id = '${bob}' returning id`,
      );
      expect(changed).toEqual([]);
    });

    it('lets a user keep their own profile (hold colours included) and no one else’s', async () => {
      await asUser(alice, `insert into profiles (user_id, hold_colors) values ('${alice}', '{red,blue}')`);
      expect(await asUser(bob, `update profiles set hold_colors = '{black}' returning user_id`)).toEqual([]);
      expect(await asUser(bob, 'select hold_colors from profiles')).toEqual([]);
      expect(await asUser(alice, 'select hold_colors from profiles')).toEqual([
        { hold_colors: ['red', 'blue'] },
      ]);
    });

    it('gives the anonymous role nothing', async () => {
      const rows = await db.transaction(async (tx) => {
        await tx.query('set local role anon');
        return tx.query('select * from climbs');
      });
      expect(rows).toEqual([]);
    });
  },
);
