import { describe, expect, inject, it } from 'vitest';
import { ConfigError } from '../src/config/env.ts';
import { openPostgresDb } from '../src/db/postgres.ts';

/** A real Postgres server refusing a connection: the start must say which part of DATABASE_URL is wrong. */
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('DATABASE_URL against a real server', () => {
  const withPath = (change: (url: URL) => void) => {
    const url = new URL(inject('postgresAdminUrl'));
    change(url);
    return url.toString();
  };

  it('a missing database is a configuration error naming it', async () => {
    const url = withPath((u) => {
      u.pathname = '/crux_no_such_database';
    });
    const opened = openPostgresDb(url);
    await expect(opened).rejects.toBeInstanceOf(ConfigError);
    await expect(opened).rejects.toThrow(/DATABASE_URL: the database "crux_no_such_database" does not exist/);
  });

  it('an unknown user is a configuration error naming it', async () => {
    const url = withPath((u) => {
      u.username = 'nobody_here';
      u.password = 'secret-pw';
    });
    const opened = openPostgresDb(url);
    await expect(opened).rejects.toBeInstanceOf(ConfigError);
    await expect(opened).rejects.toThrow(/DATABASE_URL: .*refused this user .*nobody_here/);
    await expect(opened).rejects.not.toThrow(/secret-pw/);
  });
});
