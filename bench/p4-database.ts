/**
 * A Postgres database for the P4 scale bench: a fresh database on BENCH_DATABASE_URL's server,
 * or, without it, a throwaway cluster started from Debian's `postgresql` package (fsync on),
 * removed afterwards. BENCH_P4_KEEP=name (with BENCH_DATABASE_URL) keeps the database under that
 * name instead, and a later run with the same name reuses its generated ledger.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgresCluster } from '../apps/server/test/support/postgres-cluster.ts';

export interface BenchDatabase {
  url: string;
  /** What it runs on, for the report. */
  description: string;
  /** A kept database made by an earlier run (its ledger may already be there). */
  reused: boolean;
  drop(): Promise<void>;
}

export async function createBenchDatabase(
  serverUrl: string | undefined,
  keep: string | undefined,
): Promise<BenchDatabase> {
  if (keep && !serverUrl) throw new Error('BENCH_P4_KEEP needs BENCH_DATABASE_URL');
  if (keep && !/^[a-z_][a-z0-9_]{0,62}$/.test(keep))
    throw new Error('BENCH_P4_KEEP must be a lower-case SQL name (letters, digits, _)');
  const server = serverUrl ? { url: serverUrl, stop: () => {} } : await startCluster();
  const name = keep ?? `crux_bench_p4_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const [version] = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows;
  const reused =
    keep !== undefined &&
    (await admin.query('select 1 from pg_database where datname = $1', [keep])).rowCount === 1;
  if (!reused) await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `Postgres ${version?.v ?? '?'} (${serverUrl ? 'BENCH_DATABASE_URL' : 'throwaway cluster, fsync on'}${keep ? `, kept as ${keep}` : ''})`,
    reused,
    drop: async () => {
      if (!keep) {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      }
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
