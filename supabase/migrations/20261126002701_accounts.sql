-- Accounts: where each account comes from, users without an e-mail, deletion, refresh tokens.

-- An account is keyed by (issuer, sub): `crux` for Crux's own sign-ups, the Supabase project's
-- `<SUPABASE_URL>/auth/v1` for Supabase Auth users. Accounts made before this migration without a
-- password came from Supabase Auth; their issuer is set by the first token that uses them.
alter table users add column if not exists issuer text;
update users set issuer = 'crux' where issuer is null and password_hash is not null;

-- Phone sign-ins have no e-mail: null, not a made-up address.
alter table users alter column email drop not null;
update users set email = null where email like '%@users.invalid';

-- Only Crux's own accounts need a unique address (it is their login); an external identity with
-- the same address is a separate account, never merged into the Crux one.
drop index if exists users_email_key;
create unique index if not exists users_crux_email_key on users (lower(email)) where issuer = 'crux';

-- A deleted account keeps only this row (no e-mail, no password): the ledger rows still point at it,
-- and its tokens, Crux's or Supabase's, are refused.
alter table users add column if not exists deleted_at timestamptz;

-- Refresh tokens: opaque, stored as SHA-256 hashes, rotated on every use. Reusing a rotated one
-- revokes its whole family (every token descended from the same sign-in).
create table if not exists refresh_tokens (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  family_id uuid not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index if not exists refresh_tokens_user on refresh_tokens (user_id) where revoked_at is null;
create index if not exists refresh_tokens_family on refresh_tokens (family_id);

-- No policy: no API role (anon, authenticated) reads or writes refresh tokens through Supabase's APIs.
alter table refresh_tokens enable row level security;
