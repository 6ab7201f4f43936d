-- Less database work per chat turn (issue 10, P1/P3/P4): what the opening and the settlement
-- write, and how many round trips they take.
--
-- The per-user counters are updated several times a turn (the daily unit and the reservation on
-- opening, the settlement after the stream) and the per-day rollup once per settlement: with
-- room left on their pages those updates stay HOT (the new row version on the same page, no new
-- index entry, no index to clean up after). Existing pages fill up as before; new ones keep the room.
alter table daily_counters set (fillfactor = 50);
alter table spend_counters set (fillfactor = 50);
alter table usage_rollup_daily set (fillfactor = 70);

-- Nothing reads the ledger by its creation time alone any more (the reports read the rollups,
-- the pending rows have their partial indexes), and every ledger row version wrote an entry here:
-- on opening, on the generation id note and on the settlement.
drop index if exists api_usage_created;

-- crux_open_chat_turn as in 20261126003101, with the context version and the user's cap read by
-- one statement instead of two.
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
  select coalesce((select c.version from climber_context_versions c where c.user_id = p_user), 0),
         coalesce((select b.daily_budget_usd from user_budgets b where b.user_id = p_user), p_default_cap)
    into v_version, v_user_cap;
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

-- Settles a pending ledger row and stores the turn's answer beside it, in one statement (one
-- round trip, its plans kept by the session) where it took four (begin, settlement, answer,
-- commit). Exactly what Ledger.write does for a turn with only an answer beside it: only a
-- pending row changes (a replay after success changes nothing); its reservation leaves its
-- user's counter for the day and its cost joins it (a row detached from its user changes no
-- counter); the server's spend is the rollups' (triggers on the update). The answer (all four
-- p_answer_* given, or none) is inserted once: a replay leaves the stored one.
create or replace function crux_settle_turn(
  p_row uuid,
  p_status text,
  p_served_model text,
  p_generation_id text,
  p_prompt_tokens integer,
  p_completion_tokens integer,
  p_total_tokens integer,
  p_cached_tokens integer,
  p_reasoning_tokens integer,
  p_cost_usd numeric,
  p_cost_source text,
  p_latency_ms integer,
  p_ttft_ms integer,
  p_error_code text,
  p_finish_reason text,
  p_answer_id uuid,
  p_answer_user uuid,
  p_answer text,
  p_answer_request uuid
) returns void
language plpgsql as $$
begin
  -- One statement, as Ledger's SETTLE: the row, then its user's counter, then (the triggers, at
  -- the statement's end) the rollups. Every settlement takes these locks in this order, so
  -- concurrent settlements of one user (this one and Ledger's) never deadlock.
  with settled as (
    update api_usage set
      status = p_status, served_model = coalesce(p_served_model, served_model),
      generation_id = coalesce(p_generation_id, generation_id),
      prompt_tokens = p_prompt_tokens, completion_tokens = p_completion_tokens, total_tokens = p_total_tokens,
      cached_tokens = p_cached_tokens, reasoning_tokens = p_reasoning_tokens,
      cost_usd = p_cost_usd, cost_source = p_cost_source, latency_ms = coalesce(p_latency_ms, latency_ms),
      ttft_ms = coalesce(p_ttft_ms, ttft_ms), error_code = coalesce(p_error_code, error_code),
      finish_reason = coalesce(p_finish_reason, finish_reason), settled_at = now()
    where id = p_row and status = 'pending'
    returning user_id, created_at, reserved_usd, cost_usd)
  insert into spend_counters as c (scope, day, spent)
  select s.user_id::text, (s.created_at at time zone 'utc')::date, coalesce(s.cost_usd, 0)
  from settled s where s.user_id is not null
  on conflict (scope, day) do update
    set reserved = greatest(c.reserved - coalesce((select s.reserved_usd from settled s), 0), 0),
        spent = c.spent + excluded.spent;
  if p_answer_id is not null then
    insert into chat_messages (id, user_id, role, content, request_id)
    values (p_answer_id, p_answer_user, 'assistant', p_answer, p_answer_request)
    on conflict (id) do nothing;
  end if;
end
$$;

-- Server-side only: Supabase's API roles must not call these through PostgREST.
revoke all on function crux_open_chat_turn(uuid, bigint, integer, integer, uuid, text, uuid, uuid, text, numeric, numeric, numeric, numeric) from public;
revoke all on function crux_settle_turn(uuid, text, text, text, integer, integer, integer, integer, integer, numeric, text, integer, integer, text, text, uuid, uuid, text, uuid) from public;
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on function crux_settle_turn(uuid, text, text, text, integer, integer, integer, integer, integer, numeric, text, integer, integer, text, text, uuid, uuid, text, uuid) from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on function crux_settle_turn(uuid, text, text, text, integer, integer, integer, integer, integer, numeric, text, integer, integer, text, text, uuid, uuid, text, uuid) from authenticated';
  end if;
end
$$;
