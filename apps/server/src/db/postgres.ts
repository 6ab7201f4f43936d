import pg from 'pg';
import { AppError } from '../shared/errors.ts';
import { connectionProblem } from './connection-errors.ts';
import { preparedName } from './prepared.ts';
import type { Db, Queryable } from './types.ts';

export interface PoolSettings {
  /** Connections at most (`DATABASE_POOL_SIZE`). */
  poolSize?: number | undefined;
  /** How long a query waits for a free connection before the request gets 503 (`DATABASE_QUEUE_TIMEOUT_MS`). */
  queueTimeoutMs?: number | undefined;
  /** Names every connection (`application_name`, in place of one the URL may carry): the instance id. */
  applicationName?: string | undefined;
  /**
   * Statements marked by `prepared` are prepared once per connection (`DATABASE_PREPARED_STATEMENTS`):
   * only for a direct connection or a session-mode pooler, which keep a connection's statements.
   */
  preparedStatements?: boolean | undefined;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_QUEUE_TIMEOUT_MS = 5_000;

/** What pg-pool says when no connection became free (or could be made) in time. */
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;

/**
 * Every connection stayed busy for the whole queue wait: the request is refused with 503 and
 * Retry-After before it changed anything.
 */
export function serverBusy(): AppError {
  return new AppError(
    'server_busy',
    'The server is busy (every database connection is in use); try again in a moment.',
    { 'retry-after': '1' },
  );
}

/**
 * An error the server answered (a refusal, a constraint) leaves the connection usable; anything
 * else (a cut connection) throws the connection away rather than back into the pool.
 */
const discardFor = (error: unknown) => (error instanceof pg.DatabaseError ? undefined : (error as Error));

/** A Postgres server (Supabase included) through a `pg` connection pool. */
export async function openPostgresDb(url: string, settings: PoolSettings | number = {}): Promise<Db> {
  const { poolSize, queueTimeoutMs, applicationName, preparedStatements }: PoolSettings =
    typeof settings === 'number' ? { poolSize: settings } : settings;
  /** One statement on `client`, named when it is a marked one and the setting is on. */
  const run = (client: pg.ClientBase, sql: string, params: readonly unknown[]) => {
    const name = preparedStatements ? preparedName(sql) : undefined;
    return name ? client.query({ name, text: sql, values: [...params] }) : client.query(sql, [...params]);
  };
  const pool = new pg.Pool({
    connectionString: applicationName ? withApplicationName(url, applicationName) : url,
    max: poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS,
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
  /** A connection from the pool, or 503 `server_busy` once the queue wait is over. */
  const connect = async () => {
    try {
      return await pool.connect();
    } catch (error) {
      throw error instanceof Error && POOL_TIMEOUT.test(error.message) ? serverBusy() : error;
    }
  };
  /**
   * One statement on a pooled connection. The connection lost while the statement runs is also
   * reported as an event, which would crash the process without a listener: the statement fails
   * instead and the connection is discarded.
   */
  const oneStatement = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await connect();
    const onLost = () => {};
    client.on('error', onLost);
    try {
      const result = await work(client);
      client.off('error', onLost);
      client.release();
      return result;
    } catch (error) {
      client.off('error', onLost);
      client.release(discardFor(error));
      throw error;
    }
  };
  return {
    kind: 'postgres',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await oneStatement((client) => run(client, sql, params))).rows as Row[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      const client = await connect();
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
            return (await run(client, sql, params)).rows as Row[];
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
      await oneStatement((client) => client.query(sql));
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
