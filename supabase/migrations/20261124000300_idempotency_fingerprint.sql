-- A repeated Idempotency-Key must carry the same request: keep a fingerprint to compare.
alter table idempotency_keys add column if not exists fingerprint text not null default '';
