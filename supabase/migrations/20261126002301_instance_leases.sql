-- Instance leases: every running server holds a row here and renews it (a heartbeat); a row whose
-- lease expired belongs to an instance that died. Its pending ledger rows are then settled at once by
-- a live instance instead of waiting for a fixed age.
create table if not exists instance_leases (
  instance_id text primary key,
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index if not exists instance_leases_expires on instance_leases (expires_at);
-- No policy: Supabase's API roles read nothing here.
alter table instance_leases enable row level security;

-- The instance that opened a pending row: each server names its connections after itself
-- (application_name), so the column default records the owner without any insert naming it.
-- Connections of other clients (psql, Edge Functions) leave their own name or none.
alter table api_usage add column if not exists instance_id text
  default nullif(current_setting('application_name', true), '');
create index if not exists api_usage_pending_instance on api_usage (instance_id, created_at)
  where status = 'pending';
