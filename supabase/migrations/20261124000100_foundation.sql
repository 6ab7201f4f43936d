-- Crux foundation: users, profiles, chat history, the usage ledger and daily counters.
-- Plain SQL, applied by `crux migrate` and by `supabase db push`.

create table if not exists users (
  id uuid primary key,
  email text not null,
  password_hash text,
  created_at timestamptz not null default now()
);
create unique index if not exists users_email_key on users (lower(email));

create table if not exists profiles (
  user_id uuid primary key references users (id) on delete cascade,
  preferred_discipline text,
  preferred_grade_scale text,
  home_gym text,
  climbing_context text not null default '' check (char_length(climbing_context) <= 2000),
  updated_at timestamptz not null default now()
);

create table if not exists chat_messages (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('user', 'assistant')),
  content text not null,
  request_id uuid,
  created_at timestamptz not null default clock_timestamp()
);
create index if not exists chat_messages_user_created on chat_messages (user_id, created_at desc);

-- One row per upstream attempt. cost_usd is an unconstrained numeric: every billed digit is kept.
create table if not exists api_usage (
  id uuid primary key,
  request_id uuid not null,
  user_id uuid not null references users (id) on delete cascade,
  endpoint text not null check (endpoint in ('chat', 'recommendations')),
  model text not null,
  served_model text,
  generation_id text,
  status text not null default 'pending'
    check (status in ('pending', 'ok', 'error', 'aborted', 'invalid_output')),
  prompt_tokens integer,
  completion_tokens integer,
  total_tokens integer,
  cached_tokens integer,
  reasoning_tokens integer,
  cost_usd numeric,
  cost_source text not null default 'none' check (cost_source in ('usage', 'generation', 'none')),
  latency_ms integer,
  ttft_ms integer,
  error_code text,
  created_at timestamptz not null default now(),
  settled_at timestamptz
);
create unique index if not exists api_usage_generation_id_key on api_usage (generation_id)
  where generation_id is not null;
create index if not exists api_usage_user_created on api_usage (user_id, created_at desc);
create index if not exists api_usage_created on api_usage (created_at);
create index if not exists api_usage_pending on api_usage (created_at) where status = 'pending';

-- Daily per-user counters; a limit is enforced by one atomic upsert on these rows.
create table if not exists daily_counters (
  user_id uuid not null references users (id) on delete cascade,
  day date not null,
  kind text not null check (kind in ('chat', 'recommendations')),
  used integer not null default 0 check (used >= 0),
  primary key (user_id, day, kind)
);

-- A repeated Idempotency-Key returns the stored result without calling the LLM again.
create table if not exists idempotency_keys (
  user_id uuid not null references users (id) on delete cascade,
  endpoint text not null,
  key text not null,
  request_id uuid not null,
  result jsonb,
  created_at timestamptz not null default now(),
  primary key (user_id, endpoint, key)
);

-- Row-level security: each user reads only their own rows through Supabase's APIs.
-- The Crux server connects as the table owner and filters by user itself.
alter table users enable row level security;
alter table profiles enable row level security;
alter table chat_messages enable row level security;
alter table api_usage enable row level security;
alter table daily_counters enable row level security;
alter table idempotency_keys enable row level security;

do $$
begin
  if exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'auth' and p.proname = 'uid') then
    execute 'create policy users_own on users for select using (id = auth.uid())';
    execute 'create policy profiles_own on profiles for all using (user_id = auth.uid()) with check (user_id = auth.uid())';
    execute 'create policy chat_messages_own on chat_messages for select using (user_id = auth.uid())';
    execute 'create policy api_usage_own on api_usage for select using (user_id = auth.uid())';
    execute 'create policy daily_counters_own on daily_counters for select using (user_id = auth.uid())';
  end if;
end
$$;
