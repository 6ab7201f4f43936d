/**
 * A Postgres database for the P4 scale bench: a fresh database on BENCH_DATABASE_URL's server,
 * or, without it, a throwaway cluster started from Debian's `postgresql` package (fsync on),
 * removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgresCluster } from '../apps/server/test/support/postgres-cluster.ts';

export interface BenchDatabase {
  url: string;
  /** What it runs on, for the report. */
  description: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  const server = serverUrl ? { url: serverUrl, stop: () => {} } : await startCluster();
  const name = `crux_bench_p4_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const [version] = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `Postgres ${version?.v ?? '?'} (${serverUrl ? 'BENCH_DATABASE_URL' : 'throwaway cluster, fsync on'})`,
    drop: async () => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      server.stop();
    },
  };
}

function startCluster() {
  return startPostgresCluster({
    directoryPrefix: 'crux-bench-pg-',
    settings: '-c shared_buffers=256MB -c max_wal_size=8GB -c checkpoint_timeout=30min',
    missing: 'P4 needs Postgres: set BENCH_DATABASE_URL or install one (apt-get install -y postgresql).',
  });
}
