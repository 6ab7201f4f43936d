-- One database round trip before the model for a chat turn (issue 10, P1).
--
-- climber_context_versions: a per-user counter bumped in the same transaction as any write to the
-- user's climbs or profile (triggers), so a server instance may cache the climber's prompt context
-- and learn from crux_open_chat_turn whether its copy is still current, whichever instance wrote.
create table if not exists climber_context_versions (
  user_id uuid primary key references users (id) on delete cascade,
  version bigint not null default 0
);
alter table climber_context_versions enable row level security;

-- Security definer: a Supabase user editing their own profile through the API (RLS) still bumps
-- their version, in a table no API role may touch directly.
create or replace function crux_bump_context_version() returns trigger
language plpgsql security definer set search_path from current as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    insert into climber_context_versions as v (user_id, version) values (old.user_id, 1)
    on conflict (user_id) do update set version = v.version + 1;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.user_id is distinct from old.user_id) then
    insert into climber_context_versions as v (user_id, version) values (new.user_id, 1)
    on conflict (user_id) do update set version = v.version + 1;
  end if;
  return null;
end
$$;

drop trigger if exists climbs_context_version on climbs;
create trigger climbs_context_version after insert or update or delete on climbs
  for each row execute function crux_bump_context_version();
drop trigger if exists profiles_context_version on profiles;
create trigger profiles_context_version after insert or update on profiles
  for each row execute function crux_bump_context_version();

-- Opens a chat turn in one statement, all or nothing:
--   1. the context version the caller built its prompt from must be current (else CR005, nothing done);
--   2. takes today's limit unit (else CR001);
--   3. reserves the worst-case cost within the user's and the global daily budget, exactly as
--      Budgets.reserve does: the caller's fixed part plus p_prompt_price × (the UTF-8 bytes of the
--      history returned + 8 per message); an unknown price runs only without any cap (else CR002);
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
  v_ok := null;
  insert into spend_counters as c (scope, day, reserved)
  select 'global', v_today, v_amount where p_global_cap is null or v_amount <= p_global_cap
  on conflict (scope, day) do update set reserved = c.reserved + v_amount
    where p_global_cap is null or c.spent + c.reserved + v_amount <= p_global_cap
  returning 1 into v_ok;
  if v_ok is null then
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
revoke all on function crux_open_chat_turn(uuid, bigint, integer, integer, uuid, text, uuid, uuid, text, numeric, numeric, numeric, numeric) from public;
revoke all on function crux_bump_context_version() from public;
