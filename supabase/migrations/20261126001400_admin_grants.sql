-- Admin rights by explicit grant (`crux admin grant EMAIL|ID`), never by an e-mail address:
-- Crux's own sign-ups are not verified, so whoever signs up first with an address would get them.
create table if not exists admin_grants (
  user_id uuid primary key references users (id) on delete cascade,
  granted_at timestamptz not null default now()
);

-- No policy: no API role (anon, authenticated) reads or writes grants through Supabase's APIs.
alter table admin_grants enable row level security;
