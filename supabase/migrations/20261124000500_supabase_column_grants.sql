-- On Supabase, API roles get every column of public tables by default. Row-level security keeps
-- each user to their own rows; this also keeps password hashes and lockout state out of reach.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'anon') then
    execute 'revoke all on users from anon';
  end if;
  if exists (select 1 from pg_roles where rolname = 'authenticated') then
    execute 'revoke all on users from authenticated';
    execute 'grant select (id, email, created_at) on users to authenticated';
  end if;
end
$$;
