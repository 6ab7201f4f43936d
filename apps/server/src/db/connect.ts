import { openEmbeddedDb } from './embedded.ts';
import { openPostgresDb, type PoolSettings } from './postgres.ts';
import type { Db } from './types.ts';

/** A Postgres server when `databaseUrl` is set, otherwise the embedded database in `dataDir`. */
export function openDb(
  options: { databaseUrl: string | undefined; dataDir: string } & PoolSettings,
): Promise<Db> {
  return options.databaseUrl
    ? openPostgresDb(options.databaseUrl, {
        poolSize: options.poolSize,
        queueTimeoutMs: options.queueTimeoutMs,
      })
    : openEmbeddedDb(options.dataDir);
}
