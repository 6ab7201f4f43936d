import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresDb } from '../src/db/postgres.ts';
import type { Db } from '../src/db/types.ts';
import { proxyDatabase, type TcpProxy } from './support/tcp-proxy.ts';

// pg reports a connection cut while a client is checked out as an 'error' event on that client:
// without a listener it crashed the whole server (found by npm run chaos:cluster, both instances
// died at the outage). Here every kind of statement is in flight when the network goes away.
describe.runIf(process.env.CRUX_TEST_DB === 'postgres')('a connection cut mid-statement', () => {
  let proxy: TcpProxy;
  let db: Db;
  beforeAll(async () => {
    const proxied = await proxyDatabase(inject('postgresAdminUrl'));
    proxy = proxied.proxy;
    db = await openPostgresDb(proxied.url, { poolSize: 12 });
  });
  afterAll(async () => {
    await db.close();
    await proxy.stop();
  });

  it('fails the statements, not the process, and the pool reconnects once the network is back', async () => {
    const inFlight = [
      ...Array.from({ length: 4 }, () => db.query('select pg_sleep(2)')),
      ...Array.from({ length: 4 }, () => db.exec('select pg_sleep(2)')),
      ...Array.from({ length: 4 }, () =>
        db.transaction(async (tx) => {
          await tx.query('select 1');
          await new Promise((resolve) => setTimeout(resolve, 2_000)); // between two statements
          await tx.query('select 2');
        }),
      ),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.cut();
    const settled = await Promise.allSettled(inFlight);
    expect(settled.map((s) => s.status)).toEqual(inFlight.map(() => 'rejected'));
    proxy.restore();
    expect(await db.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }]);
    expect(await db.transaction((tx) => tx.query<{ n: number }>('select 2 as n'))).toEqual([{ n: 2 }]);
  });
});
