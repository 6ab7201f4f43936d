-- A question whose upstream call was refused before any token is kept, marked failed, and left
-- out of the next prompt's history.
alter table chat_messages add column if not exists status text not null default 'sent'
  check (status in ('sent', 'failed'));
