-- The hold colours the climber's gym uses (colour-circuit grades and badges in the logbook).
-- The profiles_own row-level security policy already covers every column of the row.
alter table profiles add column if not exists hold_colors text[] not null default '{}'
  constraint profiles_hold_colors_max check (cardinality(hold_colors) <= 24);
