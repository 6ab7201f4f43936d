-- Supabase Edge Functions keep no process between requests, so nothing sweeps the ledger there:
-- pg_cron calls the function's protected reconcile route (POST /v1/ops/reconcile) every minute
-- through pg_net. The route's URL and secret live in Supabase Vault (see the README):
--   select vault.create_secret('https://<project>.supabase.co/functions/v1/crux/v1/ops/reconcile', 'crux_reconcile_url');
--   select vault.create_secret('<CRUX_RECONCILE_SECRET>', 'crux_reconcile_secret');
-- The job is scheduled here when pg_cron, pg_net and Vault are enabled; otherwise (plain Postgres,
-- the embedded database, a project without them yet) nothing happens, and
-- `select crux_schedule_reconcile();` schedules it once they are.
create or replace function crux_schedule_reconcile() returns text
language plpgsql
as $fn$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron')
     or not exists (select 1 from pg_extension where extname = 'pg_net')
     or not exists (select 1 from pg_namespace where nspname = 'vault') then
    return 'not scheduled: enable the pg_cron and pg_net extensions (and Vault) first';
  end if;
  execute $sql$
    select cron.schedule('crux-reconcile', '* * * * *', $job$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'crux_reconcile_url'),
        headers := jsonb_build_object(
          'content-type', 'application/json',
          'authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'crux_reconcile_secret')),
        body := '{}'::jsonb,
        timeout_milliseconds := 30000)
    $job$)
  $sql$;
  return 'scheduled: crux-reconcile runs every minute';
end
$fn$;

-- Only the owner (migrations, the SQL editor) may call it: not Supabase's API roles.
revoke all on function crux_schedule_reconcile() from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on function crux_schedule_reconcile() from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on function crux_schedule_reconcile() from authenticated';
  end if;
end
$$;

select crux_schedule_reconcile();
