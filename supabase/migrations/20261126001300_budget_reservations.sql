-- Budgets that hold before money is spent. Each upstream attempt reserves its worst-case cost
-- (reserved_usd on its ledger row) before the call; settling the row moves the reservation to
-- the actual cost. spend_counters keeps, per UTC day, the spent and reserved amounts of each
-- user (scope = the user id) and of everyone (scope = 'global'); a reservation is one
-- conditional upsert on these rows, so concurrent requests and instances never overshoot.
alter table api_usage add column if not exists reserved_usd numeric;

create table if not exists spend_counters (
  scope text not null,
  day date not null,
  spent numeric not null default 0,
  reserved numeric not null default 0,
  primary key (scope, day)
);

-- Settled spend before this migration, so today's budget counts it.
insert into spend_counters (scope, day, spent)
select scope, day, sum(cost) from (
  select user_id::text as scope, (created_at at time zone 'utc')::date as day, cost_usd as cost
  from api_usage where cost_usd is not null
  union all
  select 'global', (created_at at time zone 'utc')::date, cost_usd from api_usage where cost_usd is not null
) spend group by scope, day
on conflict (scope, day) do nothing;

-- Per-user daily budgets set by the operator (`crux user budget`), overriding DAILY_BUDGET_USD.
create table if not exists user_budgets (
  user_id uuid primary key references users (id) on delete cascade,
  daily_budget_usd numeric not null check (daily_budget_usd >= 0),
  updated_at timestamptz not null default now()
);

alter table spend_counters enable row level security;
alter table user_budgets enable row level security;

do $$
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid') then
    execute 'create policy user_budgets_own on user_budgets for select using (user_id = auth.uid())';
  end if;
end
$$;
