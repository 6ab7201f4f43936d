import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

/**
 * Global setup of the `postgres` test project: uses TEST_DATABASE_URL when set, otherwise starts
 * a throwaway Postgres cluster from Debian's `postgresql` package on a free loopback port.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresAdminUrl', process.env.TEST_DATABASE_URL);
    return () => {};
  }
  const cluster = await startPostgresCluster({
    directoryPrefix: 'crux-pg-',
    settings: '-c fsync=off -c max_connections=200',
    missing:
      'The postgres tests need a Postgres server: install one (apt-get install -y postgresql) or set TEST_DATABASE_URL=postgres://…',
  });
  project.provide('postgresAdminUrl', cluster.url);
  return () => cluster.stop();
}
