import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import type { Db, Queryable } from './types.ts';

/** Embedded Postgres (PGlite) stored under `<dataDir>/pglite`; its one session named `applicationName`. */
export async function openEmbeddedDb(dataDir: string, applicationName?: string): Promise<Db> {
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir);
  const pg = await PGlite.create(dir).catch((error: unknown) => {
    unlock();
    throw error;
  });
  if (applicationName) await pg.query(`select set_config('application_name', $1, false)`, [applicationName]);
  return {
    kind: 'embedded',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pg.query<Row>(sql, [...params]);
      return result.rows;
    },
    transaction<T>(work: (tx: Queryable) => Promise<T>) {
      return pg.transaction((tx) =>
        work({
          async query<Row>(sql: string, params: readonly unknown[] = []) {
            return (await tx.query<Row>(sql, [...params])).rows;
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      );
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async close() {
      await pg.close();
      unlock();
    },
  };
}
