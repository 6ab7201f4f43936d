import { openEmbeddedDb } from './embedded.ts';
import { openPostgresDb, type PoolSettings } from './postgres.ts';
import type { Db } from './types.ts';

/**
 * A Postgres server when `databaseUrl` is set, otherwise the embedded database in `dataDir`.
 * `applicationName` names every connection (a server's instance id: see ops/instance-lease.ts).
 */
export function openDb(
  options: { databaseUrl: string | undefined; dataDir: string } & Omit<PoolSettings, 'applicationName'>,
  applicationName?: string,
): Promise<Db> {
  return options.databaseUrl
    ? openPostgresDb(options.databaseUrl, {
        poolSize: options.poolSize,
        queueTimeoutMs: options.queueTimeoutMs,
        preparedStatements: options.preparedStatements,
        applicationName,
      })
    : openEmbeddedDb(options.dataDir, applicationName);
}
