import { ConfigError } from '../config/env.ts';

/** Where a Postgres URL points, without its password: `crux@db.example.com:5432/crux`. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${user}${host}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return 'the configured server';
  }
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '?';
  }
};

const codeOf = (error: unknown) =>
  error && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/**
 * Turns a failure to reach the database at start into a configuration error naming DATABASE_URL
 * (refused, unknown host, wrong password, missing database, no answer), or undefined when it is
 * something else. Never includes the password.
 */
export function connectionProblem(error: unknown, url: string): ConfigError | undefined {
  const target = describeTarget(url);
  const message = error instanceof Error ? error.message : String(error);
  const database = target.slice(target.lastIndexOf('/') + 1);
  const problem = ((): string | undefined => {
    switch (codeOf(error)) {
      case 'ECONNREFUSED':
        return `nothing accepts connections at ${target}: is Postgres running, and on that host and port?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the host "${hostOf(url)}" is unknown (DNS found no such name): check the host name`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `${target} cannot be reached from here (a firewall, or a wrong address)`;
      case '28P01':
        return `the password was refused for ${target}: check the user and password (special characters %-encoded)`;
      case '28000':
        return `${target} refused this user (${message}): check the user name and the server's pg_hba.conf`;
      case '3D000':
        return `the database "${database}" does not exist on ${target}: create it (createdb ${database}) or fix the name`;
    }
    if (/timeout|terminated/i.test(message))
      return `${target} did not answer as a Postgres server in time (wrong port, a firewall, or another service)`;
    if (/SSL|self[- ]signed|certificate/i.test(message))
      return `the TLS connection to ${target} failed (${message}): check sslmode in the URL`;
    if (error instanceof TypeError || error instanceof URIError)
      return 'is not a URL the Postgres driver understands: postgres://user:password@host:5432/dbname';
    return undefined;
  })();
  return problem ? new ConfigError([`DATABASE_URL: ${problem}`]) : undefined;
}

/** SQLSTATE classes and codes of a fault that passes: the connection, the server's state, a conflict. */
const TRANSIENT_SQLSTATE =
  /^(08|53|57P0|40001|40P01|55P03|57014|25P03|server_busy$|E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND))/;
const TRANSIENT_MESSAGE =
  /terminated|timeout|timed out|ECONN|EPIPE|socket|closed|not queryable|connection error|Connection ended|busy/i;

/**
 * True for a database fault that may pass by itself: the connection (refused, cut, timed out, a
 * pooler dropping it), the server (starting up, shutting down, out of connections), a conflict
 * (serialization, deadlock, lock or statement timeout) or a busy pool. False for a refusal that
 * the same statement will meet again (a constraint, bad data, a bug): retrying it cannot help.
 */
export function isTransientDbError(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) return TRANSIENT_SQLSTATE.test(code);
  const message = error instanceof Error ? error.message : String(error);
  return TRANSIENT_MESSAGE.test(message);
}
