-- Operator alerts (low credit, rows waiting for settlement, global budget): one per cause per UTC day,
-- across every instance. The instance whose insert wins sends the webhook.
create table if not exists ops_alerts (
  cause text not null,
  day date not null,
  message text not null,
  sent_at timestamptz not null default now(),
  primary key (cause, day)
);
-- No policy: Supabase's API roles read nothing here.
alter table ops_alerts enable row level security;
