/** Anything that runs parameterised SQL: the database itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
}

/** The one database interface the app uses, backed by PGlite (embedded) or a Postgres server. */
export interface Db extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  /** Runs `work` in one transaction, committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
