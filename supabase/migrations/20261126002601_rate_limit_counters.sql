-- Throttles and per-address limits (signups, failed logins, anonymous users' daily use): one
-- counter per scope and fixed time window, taken by one conditional upsert so concurrent
-- requests and instances never pass a limit. A scope is a limit's name and a hash of what it
-- counts (a client address, an e-mail and address): no address or e-mail is stored in clear.
create table if not exists rate_limit_counters (
  scope text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  primary key (scope, window_start)
);

create index if not exists rate_limit_counters_window_start on rate_limit_counters (window_start);

-- No policy: no API role (anon, authenticated) reads or writes counters through Supabase's APIs.
alter table rate_limit_counters enable row level security;
