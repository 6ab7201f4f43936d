/**
 * Hot statements (the few every chat turn runs) carry a name in a trailing comment (so each still
 * starts as it reads). With `DATABASE_PREPARED_STATEMENTS` on, the Postgres pool prepares each
 * once per connection (a named statement: the server parses and plans it once, not on every
 * call); everywhere else (the embedded database, the setting off, as behind a transaction-mode
 * pooler that cannot keep them) the comment is only a comment and the statement runs as before.
 */
const MARK = /\/\* crux:([a-z_]+) \*\/$/;

/** `text` marked as the hot statement `name` (lowercase letters and underscores). */
export function prepared(name: string, text: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad statement name: ${name}`);
  return `${text} /* crux:${name} */`;
}

/** The name `sql` was marked with by `prepared`, if any. */
export function preparedName(sql: string): string | undefined {
  return MARK.exec(sql)?.[1];
}
