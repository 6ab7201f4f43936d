import pg from 'pg';
import { connectionProblem } from './connection-errors.ts';
import type { Db, Queryable } from './types.ts';

/**
 * A Postgres server (Supabase included) through a `pg` connection pool. `applicationName` names
 * every connection (`application_name`), in place of one the URL may carry.
 */
export async function openPostgresDb(url: string, poolSize = 10, applicationName?: string): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: applicationName ? withApplicationName(url, applicationName) : url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    ...(applicationName ? { application_name: applicationName } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionProblem(error, url) ?? error;
  }
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query(sql, [...params]);
      return result.rows as Row[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      // A connection lost between two statements is reported as an event: without a listener it
      // would crash the process. The next statement fails instead, and the client is discarded.
      let lost: Error | undefined;
      const onLost = (error: Error) => {
        lost = error;
      };
      client.on('error', onLost);
      try {
        await client.query('begin');
        const result = await work({
          async query<Row>(sql: string, params: readonly unknown[] = []) {
            return (await client.query(sql, [...params])).rows as Row[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => {
          lost ??= rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onLost);
        client.release(lost);
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

/** The URL with `application_name` set (a setting in the URL would win over the pool's option). */
function withApplicationName(url: string, name: string): string {
  try {
    const parsed = new URL(url);
    parsed.searchParams.set('application_name', name);
    return parsed.toString();
  } catch {
    return url; // not a URL the driver parses either: connectionProblem reports it
  }
}
