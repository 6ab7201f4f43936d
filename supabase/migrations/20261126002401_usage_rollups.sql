-- Usage rollups: the reports read these small tables instead of scanning the ledger.
--
-- A ledger row counts in the rollups once it is settled (status other than 'pending'): triggers
-- on api_usage add its contribution (1 request, total_tokens, cost_usd) when a row is inserted
-- settled or leaves 'pending', and move it when a settled row changes (its user detached by an
-- account deletion, say) or leaves (deleted). They run inside the statement that settles the
-- row, so a rollup is never ahead of or behind the committed ledger. Pending rows stay out; the
-- reports add them from the ledger (few, on the partial index api_usage_pending).
--
-- All amounts are sums of exact numerics. Rows detached from a deleted user (user_id null) are
-- kept under user_id null, as the ledger keeps them; a row whose counts fall to 0 is removed.

-- Everyone's usage per UTC day, endpoint and model (the admin reports by day, endpoint, model).
-- Each day/endpoint/model is split in 16 shards (by ledger row id) so concurrent settlements
-- rarely wait for the same row; the reports sum the shards.
create table if not exists usage_rollup_daily (
  day date not null,
  endpoint text not null,
  model text not null,
  shard smallint not null,
  requests bigint not null,
  tokens bigint not null,
  cost_usd numeric not null,
  primary key (day, endpoint, model, shard)
);

-- One user's usage per UTC day, endpoint and model (the user's own reports).
create table if not exists usage_rollup_user_daily (
  user_id uuid,
  day date not null,
  endpoint text not null,
  model text not null,
  requests bigint not null,
  tokens bigint not null,
  cost_usd numeric not null,
  constraint usage_rollup_user_daily_key unique nulls not distinct (user_id, day, endpoint, model)
    include (requests, tokens, cost_usd)
);

-- One user's usage per aligned block of 2^level days (level 0 to 8: 1 to 256 days, blocks start
-- at multiples of 2^level days since 1970-01-01). Any day range is a handful of blocks (at most
-- two per level), so the admin report by user reads a few rows per user, whatever the range.
-- The keys include the sums, so the reports read them by index-only scans.
create table if not exists usage_rollup_user_blocks (
  level smallint not null check (level between 0 and 8),
  start_day date not null,
  user_id uuid,
  requests bigint not null,
  tokens bigint not null,
  cost_usd numeric not null,
  constraint usage_rollup_user_blocks_key unique nulls not distinct (level, start_day, user_id)
    include (requests, tokens, cost_usd)
);

-- Adds (sign 1) or removes (sign -1) one ledger row's contribution to every rollup.
create or replace function usage_rollup_apply(
  p_id uuid, p_user uuid, p_created timestamptz, p_endpoint text, p_model text,
  p_tokens integer, p_cost numeric, p_sign integer
) returns void language plpgsql as $$
declare
  d date := (p_created at time zone 'utc')::date;
  n integer := d - date '1970-01-01';
  t bigint := p_sign * coalesce(p_tokens, 0);
  c numeric := p_sign * coalesce(p_cost, 0);
  s smallint := hashtext(p_id::text) & 15;
begin
  insert into usage_rollup_daily as r (day, endpoint, model, shard, requests, tokens, cost_usd)
  values (d, p_endpoint, p_model, s, p_sign, t, c)
  on conflict on constraint usage_rollup_daily_pkey do update
    set requests = r.requests + excluded.requests, tokens = r.tokens + excluded.tokens,
        cost_usd = r.cost_usd + excluded.cost_usd;
  insert into usage_rollup_user_daily as r (user_id, day, endpoint, model, requests, tokens, cost_usd)
  values (p_user, d, p_endpoint, p_model, p_sign, t, c)
  on conflict on constraint usage_rollup_user_daily_key do update
    set requests = r.requests + excluded.requests, tokens = r.tokens + excluded.tokens,
        cost_usd = r.cost_usd + excluded.cost_usd;
  insert into usage_rollup_user_blocks as r (level, start_day, user_id, requests, tokens, cost_usd)
  select l, date '1970-01-01' + ((n >> l) << l), p_user, p_sign, t, c from generate_series(0, 8) l
  on conflict on constraint usage_rollup_user_blocks_key do update
    set requests = r.requests + excluded.requests, tokens = r.tokens + excluded.tokens,
        cost_usd = r.cost_usd + excluded.cost_usd;
  if p_sign < 0 then
    delete from usage_rollup_daily r
      where r.day = d and r.endpoint = p_endpoint and r.model = p_model and r.shard = s and r.requests = 0;
    delete from usage_rollup_user_daily r
      where r.user_id is not distinct from p_user and r.day = d and r.endpoint = p_endpoint
        and r.model = p_model and r.requests = 0;
    delete from usage_rollup_user_blocks r
      where r.user_id is not distinct from p_user and r.requests = 0
        and (r.level, r.start_day) in (select l, date '1970-01-01' + ((n >> l) << l) from generate_series(0, 8) l);
  end if;
end
$$;

create or replace function usage_rollup_trigger() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.status <> 'pending' then
    perform usage_rollup_apply(old.id, old.user_id, old.created_at, old.endpoint, old.model,
      old.total_tokens, old.cost_usd, -1);
  end if;
  if tg_op in ('UPDATE', 'INSERT') and new.status <> 'pending' then
    perform usage_rollup_apply(new.id, new.user_id, new.created_at, new.endpoint, new.model,
      new.total_tokens, new.cost_usd, 1);
  end if;
  return null;
end
$$;

drop trigger if exists api_usage_rollup_insert on api_usage;
create trigger api_usage_rollup_insert after insert on api_usage
  for each row when (new.status <> 'pending') execute function usage_rollup_trigger();

-- Fires when a row is settled, or when a settled row's counted fields change; never for the
-- updates of a pending row (its generation id, its annotations).
drop trigger if exists api_usage_rollup_update on api_usage;
create trigger api_usage_rollup_update after update on api_usage
  for each row when (
    (old.status <> 'pending' or new.status <> 'pending') and (
      (old.status = 'pending') <> (new.status = 'pending')
      or old.user_id is distinct from new.user_id or old.created_at <> new.created_at
      or old.endpoint <> new.endpoint or old.model <> new.model
      or old.total_tokens is distinct from new.total_tokens or old.cost_usd is distinct from new.cost_usd))
  execute function usage_rollup_trigger();

drop trigger if exists api_usage_rollup_delete on api_usage;
create trigger api_usage_rollup_delete after delete on api_usage
  for each row when (old.status <> 'pending') execute function usage_rollup_trigger();

-- Rebuilds every rollup from the ledger, set-based: the backfill below, and after a bulk load
-- made with the triggers disabled (the scale bench).
create or replace function usage_rollups_rebuild() returns void language plpgsql as $$
begin
  delete from usage_rollup_daily;
  delete from usage_rollup_user_daily;
  delete from usage_rollup_user_blocks;
  insert into usage_rollup_daily (day, endpoint, model, shard, requests, tokens, cost_usd)
  select (created_at at time zone 'utc')::date, endpoint, model, hashtext(id::text) & 15,
         count(*), coalesce(sum(total_tokens), 0), coalesce(sum(cost_usd), 0)
  from api_usage where status <> 'pending' group by 1, 2, 3, 4;
  insert into usage_rollup_user_daily (user_id, day, endpoint, model, requests, tokens, cost_usd)
  select user_id, (created_at at time zone 'utc')::date, endpoint, model,
         count(*), coalesce(sum(total_tokens), 0), coalesce(sum(cost_usd), 0)
  from api_usage where status <> 'pending' group by 1, 2, 3, 4;
  insert into usage_rollup_user_blocks (level, start_day, user_id, requests, tokens, cost_usd)
  select 0, day, user_id, sum(requests), sum(tokens), sum(cost_usd) from usage_rollup_user_daily group by 2, 3;
  for l in 1..8 loop
    insert into usage_rollup_user_blocks (level, start_day, user_id, requests, tokens, cost_usd)
    select l, date '1970-01-01' + (((start_day - date '1970-01-01') >> l) << l), user_id,
           sum(requests), sum(tokens), sum(cost_usd)
    from usage_rollup_user_blocks where level = l - 1 group by 2, 3;
  end loop;
end
$$;

select usage_rollups_rebuild();

-- Row-level security: through Supabase's APIs a user reads only their own rollup rows; the
-- everyone-per-day rollup has no policy (admins read it through Crux). Nobody writes them but
-- the triggers, and the functions are not callable through the API.
alter table usage_rollup_daily enable row level security;
alter table usage_rollup_user_daily enable row level security;
alter table usage_rollup_user_blocks enable row level security;

revoke all on function usage_rollup_apply(uuid, uuid, timestamptz, text, text, integer, numeric, integer) from public;
revoke all on function usage_rollups_rebuild() from public;

do $$
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid') then
    execute 'create policy usage_rollup_user_daily_own on usage_rollup_user_daily for select using (user_id = auth.uid())';
    execute 'create policy usage_rollup_user_blocks_own on usage_rollup_user_blocks for select using (user_id = auth.uid())';
  end if;
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on function usage_rollup_apply(uuid, uuid, timestamptz, text, text, integer, numeric, integer) from anon';
    execute 'revoke all on function usage_rollups_rebuild() from anon';
    execute 'revoke all on function usage_rollup_trigger() from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on function usage_rollup_apply(uuid, uuid, timestamptz, text, text, integer, numeric, integer) from authenticated';
    execute 'revoke all on function usage_rollups_rebuild() from authenticated';
    execute 'revoke all on function usage_rollup_trigger() from authenticated';
  end if;
end
$$;
