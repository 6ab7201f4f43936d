import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** The cluster's `postgres` database, as its superuser. */
  url: string;
  stop(): void;
}

/**
 * A throwaway Postgres cluster from Debian's `postgresql` package on a free loopback port (run as
 * the `postgres` user when we are root), removed by `stop`. Used by the postgres test project and
 * the P4 bench. `settings` are extra server options (`-c name=value …`); `missing` is the error
 * shown when no Postgres is installed.
 */
export async function startPostgresCluster(options: {
  directoryPrefix: string;
  settings: string;
  missing: string;
}): Promise<PostgresCluster> {
  const bin = findPostgresBin(options.missing);
  const dir = mkdtempSync(join(tmpdir(), options.directoryPrefix));
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) chownSync(dir, uid('postgres'), uid('postgres'));
  const run = (tool: string, args: string[]) =>
    execFileSync(
      asPostgres ? 'runuser' : join(bin, tool),
      asPostgres ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args,
      { stdio: 'pipe' },
    );
  const port = await freePort();
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  run('pg_ctl', [
    ...['-D', data, '-l', join(dir, 'server.log'), '-w'],
    ...['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options.settings}`, 'start'],
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function findPostgresBin(missing: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error(missing);
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}
