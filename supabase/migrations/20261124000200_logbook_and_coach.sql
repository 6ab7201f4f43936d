-- The climbing logbook and the coach's recommendations.

create table if not exists climbs (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  location text not null,
  climb_type text not null check (climb_type in ('boulder', 'sport')),
  grade_scale text not null check (grade_scale in ('font', 'v_scale', 'color_circuit')),
  grade_value text not null,
  -- One difficulty ordering across the three scales (V-scale equivalent), so progress compares.
  grade_rank numeric not null,
  outcome text not null check (outcome in ('Sent', 'Fail')),
  awkwardness smallint check (awkwardness between 1 and 5),
  style text[] not null default '{}',
  failure_reasons text[] not null default '{}',
  notes text not null default '' check (char_length(notes) <= 2000),
  hold_color text,
  redemption_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists climbs_user_created on climbs (user_id, created_at desc, id desc);

create table if not exists recommendations (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  request_id uuid not null,
  model text not null,
  content jsonb not null,
  created_at timestamptz not null default now()
);
create index if not exists recommendations_user_created on recommendations (user_id, created_at desc);

alter table climbs enable row level security;
alter table recommendations enable row level security;

do $$
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid') then
    execute 'create policy climbs_own on climbs for all using (user_id = auth.uid()) with check (user_id = auth.uid())';
    execute 'create policy recommendations_own on recommendations for select using (user_id = auth.uid())';
  end if;
end
$$;
