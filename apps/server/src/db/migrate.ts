import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../supabase/migrations', import.meta.url));

/** Any number fits: it only keeps two instances from migrating at once. */
const MIGRATION_LOCK = 7_314_002;

/**
 * Applies every `supabase/migrations/*.sql` not applied yet, in name order, each in its own
 * transaction. Returns the names applied now. Safe to run from several instances at once.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  await db.exec(`create table if not exists crux_migrations (
    name text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const done = new Set(
      (await tx.query<{ name: string }>('select name from crux_migrations')).map((r) => r.name),
    );
    for (const name of files) {
      if (done.has(name)) continue;
      await tx.exec(readFileSync(join(dir, name), 'utf8'));
      await tx.query('insert into crux_migrations (name) values ($1)', [name]);
      applied.push(name);
    }
  });
  return applied;
}
