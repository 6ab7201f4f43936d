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
