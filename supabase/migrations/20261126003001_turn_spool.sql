-- The turn spool in the database (CRUX_SPOOL=database, the default on Supabase Edge Functions, whose
-- /tmp dies with the worker): a finished turn whose commit failed (a serialization failure, a lock or
-- statement timeout, a pooler dropping the transaction, a constraint) is kept here whole, and written
-- in order by the spool retry, the periodic sweep and POST /v1/ops/reconcile. An entry the database
-- refuses for good is moved aside (status 'quarantined'), never deleted, and an operator is alerted.
create table if not exists turn_spool (
  seq bigint generated always as identity primary key,
  row_id text not null,
  record jsonb not null,
  spooled_at timestamptz not null default now(),
  status text not null default 'queued' check (status in ('queued', 'quarantined')),
  attempts integer not null default 0,
  last_error text,
  quarantined_at timestamptz
);
create index if not exists turn_spool_status on turn_spool (status, seq);
-- No policy: Supabase's API roles read nothing here (it holds users' answers).
alter table turn_spool enable row level security;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on turn_spool from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on turn_spool from authenticated';
  end if;
end
$$;
