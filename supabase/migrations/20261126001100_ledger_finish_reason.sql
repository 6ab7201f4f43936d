-- Why each upstream attempt ended (stop, length, content_filter, error, cancelled), so a
-- truncated answer is visible in the ledger.
alter table api_usage add column if not exists finish_reason text;
