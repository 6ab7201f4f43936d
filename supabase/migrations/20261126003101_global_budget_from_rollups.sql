-- The server's daily budget without a row every turn updates, and no third durable commit per
-- chat turn (issue 10, P3).
--
-- Until now every reservation and every settlement updated the one spend_counters row of scope
-- 'global' for the day, so concurrent turns queued on its lock, each holding it until its commit.
-- Now the global figures are read from what the ledger already keeps:
--   spent:    today's usage_rollup_daily rows (kept by triggers in the settling statement);
--   reserved: the reserved_usd of today's pending ledger rows (the partial index api_usage_pending).
-- A settlement moves a row's money from reserved to spent in one transaction, so one snapshot
-- sees each settled row on exactly one side. Without GLOBAL_DAILY_BUDGET_USD nothing global is
-- written at all; with it, a reservation takes the one budget_global_lock row, then reads spent
-- and reserved in one statement (a new snapshot, taken after the lock: every reservation that
-- held the lock before has committed its pending row, and a settlement is either wholly in it or
-- wholly out), so reservations still pass the cap one at a time and never together overshoot
-- it. Settlements never take that lock. The per-user rows of spend_counters stay as they were.

-- One row: the mutex of the global budget's reservations (its content means nothing).
create table if not exists budget_global_lock (
  id boolean primary key default true check (id)
);
insert into budget_global_lock (id) values (true) on conflict (id) do nothing;
alter table budget_global_lock enable row level security;

-- The old global counters are no longer kept; leaving them would only mislead.
delete from spend_counters where scope = 'global';

-- Reserves p_amount within the server's daily cap p_cap: true when today's settled spend plus
-- the pending reservations plus p_amount stays within it. The caller writes its pending row with
-- reserved_usd = p_amount in the same transaction; the lock is held until that transaction ends,
-- so the next reservation counts the row. Volatile: each statement below takes its own snapshot.
create or replace function crux_reserve_global_budget(p_cap numeric, p_amount numeric) returns boolean
language plpgsql volatile as $$
declare
  v_today date := (now() at time zone 'utc')::date;
  v_fits boolean;
begin
  perform 1 from budget_global_lock for update;
  if not found then
    insert into budget_global_lock (id) values (true) on conflict (id) do nothing;
    perform 1 from budget_global_lock for update;
  end if;
  select (select coalesce(sum(r.cost_usd), 0) from usage_rollup_daily r where r.day = v_today)
       + (select coalesce(sum(u.reserved_usd), 0) from api_usage u
          where u.status = 'pending'
            and u.created_at >= v_today::timestamp at time zone 'utc'
            and u.created_at < (v_today + 1)::timestamp at time zone 'utc')
       + p_amount <= p_cap
    into v_fits;
  return v_fits;
end
$$;

-- The server's spend today, as the budget counts it: settled (spent) and in flight (reserved).
create or replace function crux_global_spend_today(out spent numeric, out reserved numeric)
language sql stable as $$
  select (select coalesce(sum(r.cost_usd), 0) from usage_rollup_daily r
          where r.day = (now() at time zone 'utc')::date),
         (select coalesce(sum(u.reserved_usd), 0) from api_usage u
          where u.status = 'pending'
            and u.created_at >= ((now() at time zone 'utc')::date)::timestamp at time zone 'utc'
            and u.created_at < ((now() at time zone 'utc')::date + 1)::timestamp at time zone 'utc')
$$;

-- Records a pending row's generation id as soon as the upstream names it (so a crash can still be
-- reconciled from /generation) without waiting for its WAL to reach the disk: a turn's durable
-- commits stay two, the opening and the settlement (whose flush carries this one too). Lost only
-- if Postgres itself crashes in the moment (wal_writer_delay) before the settlement: the row is
-- then closed like one whose upstream never named a generation. Call it alone, as its own
-- statement: the setting is the transaction's.
create or replace function crux_attach_generation(p_row uuid, p_generation text) returns void
language plpgsql as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  update api_usage set generation_id = p_generation where id = p_row and status = 'pending';
end
$$;

-- Opens a chat turn in one statement, all or nothing:
--   1. the context version the caller built its prompt from must be current (else CR005, nothing done);
--   2. takes today's limit unit (else CR001);
--   3. reserves the worst-case cost within the user's and the global daily budget, exactly as
--      Budgets.reserve does: the caller's fixed part plus p_prompt_price × (the UTF-8 bytes of the
--      history returned + 8 per message), the server's cap only when there is one
--      (crux_reserve_global_budget); an unknown price runs only without any cap (else CR002);
--      the user's cap refused: CR003, the server's: CR004;
--   4. stores the user message and the pending ledger row;
--   5. returns the history that goes into the prompt (sent messages, newest p_history, oldest first).
-- A refusal raises, so the whole statement (limit unit and reservations included) is rolled back.
create or replace function crux_open_chat_turn(
  p_user uuid,
  p_context_version bigint,
  p_daily_limit integer,
  p_history integer,
  p_message_id uuid,
  p_message text,
  p_request_id uuid,
  p_row_id uuid,
  p_model text,
  p_fixed_usd numeric,
  p_prompt_price numeric,
  p_default_cap numeric,
  p_global_cap numeric
) returns table (role text, content text)
language plpgsql as $$
declare
  v_today date := (now() at time zone 'utc')::date;
  v_version bigint;
  v_user_cap numeric;
  v_amount numeric;
  v_ok integer;
  v_roles text[];
  v_contents text[];
  v_history_bytes bigint;
begin
  select coalesce((select c.version from climber_context_versions c where c.user_id = p_user), 0)
    into v_version;
  if v_version <> p_context_version then
    raise exception 'climber context changed (version %)', v_version using errcode = 'CR005';
  end if;

  v_ok := null;
  if p_daily_limit > 0 then
    insert into daily_counters as c (user_id, day, kind, used) values (p_user, v_today, 'chat', 1)
    on conflict (user_id, day, kind) do update set used = c.used + 1 where c.used < p_daily_limit
    returning 1 into v_ok;
  end if;
  if v_ok is null then
    raise exception 'daily chat limit reached' using errcode = 'CR001';
  end if;

  -- One snapshot: the reservation counts exactly the messages the prompt gets.
  select array_agg(h.role order by h.created_at, h.id), array_agg(h.content order by h.created_at, h.id),
         coalesce(sum(octet_length(h.content) + 8), 0)
    into v_roles, v_contents, v_history_bytes
  from (select m.role, m.content, m.created_at, m.id from chat_messages m
        where m.user_id = p_user and m.status = 'sent'
        order by m.created_at desc, m.id desc limit p_history) h;

  v_user_cap := coalesce((select b.daily_budget_usd from user_budgets b where b.user_id = p_user), p_default_cap);
  if p_fixed_usd is null then
    if p_global_cap is not null or v_user_cap is not null then
      raise exception 'model price unknown' using errcode = 'CR002';
    end if;
    v_amount := 0;
  else
    v_amount := p_fixed_usd + p_prompt_price * v_history_bytes;
  end if;

  v_ok := null;
  insert into spend_counters as c (scope, day, reserved)
  select p_user::text, v_today, v_amount where v_user_cap is null or v_amount <= v_user_cap
  on conflict (scope, day) do update set reserved = c.reserved + v_amount
    where v_user_cap is null or c.spent + c.reserved + v_amount <= v_user_cap
  returning 1 into v_ok;
  if v_ok is null then
    raise exception 'user budget exceeded' using errcode = 'CR003';
  end if;
  -- The server's cap only: without one, no row shared by every turn is touched.
  if p_global_cap is not null and not crux_reserve_global_budget(p_global_cap, v_amount) then
    raise exception 'global budget exceeded' using errcode = 'CR004';
  end if;

  insert into chat_messages (id, user_id, role, content, request_id)
  values (p_message_id, p_user, 'user', p_message, p_request_id);
  insert into api_usage (id, request_id, user_id, endpoint, model, status, reserved_usd)
  values (p_row_id, p_request_id, p_user, 'chat', p_model, 'pending', case when p_fixed_usd is null then null else v_amount end);

  return query select h.role, h.content from unnest(v_roles, v_contents) as h (role, content);
end
$$;

-- Server-side only: Supabase's API roles must not call these through PostgREST.
revoke all on function crux_reserve_global_budget(numeric, numeric) from public;
revoke all on function crux_global_spend_today() from public;
revoke all on function crux_attach_generation(uuid, text) from public;
revoke all on function crux_open_chat_turn(uuid, bigint, integer, integer, uuid, text, uuid, uuid, text, numeric, numeric, numeric, numeric) from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on function crux_reserve_global_budget(numeric, numeric) from anon';
    execute 'revoke all on function crux_global_spend_today() from anon';
    execute 'revoke all on function crux_attach_generation(uuid, text) from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on function crux_reserve_global_budget(numeric, numeric) from authenticated';
    execute 'revoke all on function crux_global_spend_today() from authenticated';
    execute 'revoke all on function crux_attach_generation(uuid, text) from authenticated';
  end if;
end
$$;
