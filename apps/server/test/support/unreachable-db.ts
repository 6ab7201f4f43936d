import type { Db } from '../../src/db/types.ts';

/**
 * The real database, except that every UPDATE (alone, or opening a `with … as (update …)`, in a
 * transaction or not) and every one-statement settlement (`crux_settle_turn`) fails as if the
 * server were unreachable: a settlement cannot land.
 */
export function unreachableForUpdates(db: Db): Db {
  const refuseUpdates =
    (query: Db['query']): Db['query'] =>
    (sql, params) =>
      /^\s*((with\s+\w+\s+as\s+\(\s*)?update|select\s+crux_settle_turn)\b/i.test(sql)
        ? Promise.reject(new Error('connect ECONNREFUSED'))
        : query(sql, params);
  return {
    ...db,
    kind: db.kind,
    query: refuseUpdates((sql, params) => db.query(sql, params)),
    transaction: (work) =>
      db.transaction((tx) => work({ ...tx, query: refuseUpdates((sql, params) => tx.query(sql, params)) })),
  };
}
