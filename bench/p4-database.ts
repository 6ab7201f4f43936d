/**
 * A Postgres database for the P4 scale bench: a fresh database on BENCH_DATABASE_URL's server,
 * or, without it, a throwaway cluster started from Debian's `postgresql` package (fsync on),
 * removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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

async function startCluster(): Promise<{ url: string; stop: () => void }> {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (!bin)
    throw new Error(
      'P4 needs Postgres: set BENCH_DATABASE_URL or install one (apt-get install -y postgresql).',
    );
  const dir = mkdtempSync(join(tmpdir(), 'crux-bench-pg-'));
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(dir, uid, uid);
  }
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
    ...['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB`, 'start'],
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
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
