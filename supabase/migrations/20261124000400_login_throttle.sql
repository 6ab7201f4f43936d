-- Online password guessing: after 10 wrong passwords an account is locked for 15 minutes.
alter table users add column if not exists failed_logins integer not null default 0;
alter table users add column if not exists locked_until timestamptz;
