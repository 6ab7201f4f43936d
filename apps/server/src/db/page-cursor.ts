import { Buffer } from 'node:buffer';
import { isoDateTime } from '@crux/contracts';
import { AppError } from '../shared/errors.ts';

/**
 * Keyset paging on `(created_at, id)`, newest first, shared by every paged list (climbs, ledger
 * records). The cursor is opaque to clients: `created_at` to the microsecond and the row id, so
 * rows sharing a timestamp (an import, a burst of writes) are never skipped or repeated.
 */

/** Select this as `cursor_at` beside `id`: the row's `created_at` with every stored digit. */
export const CURSOR_AT = `to_char(created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f-]{36})$/;

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

/** Throws a 400 `validation_failed` for anything this API did not hand out. */
export function decodeCursor(cursor: string): { at: string; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || !isoDateTime.safeParse(match[1]).success)
    throw new AppError('validation_failed', 'before: not a cursor this API gave out (use next_before)');
  return { at: match[1]!, id: match[2]! };
}

/** The condition "older than the cursor", pushing its two parameters. */
export function olderThan(params: unknown[], cursor: string): string {
  const { at, id } = decodeCursor(cursor);
  params.push(at, id);
  return `(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}

/**
 * One page from rows fetched with `limit + 1` (ordered `created_at desc, id desc`, selecting
 * `CURSOR_AT`): at most `limit` items, and `next_before` when older rows remain.
 * @example
 * const rows = await db.query(`select id, …, ${CURSOR_AT} from t where … limit ${limit + 1}`);
 * const { items, next_before } = pageOf(rows, limit);
 */
export function pageOf<Row extends { id: string; cursor_at: string }>(
  rows: readonly Row[],
  limit: number,
): { items: Array<Omit<Row, 'cursor_at'>>; next_before?: string } {
  const page = rows.slice(0, limit);
  const items = page.map(({ cursor_at: _, ...item }) => item);
  const last = page.at(-1);
  return rows.length > limit && last
    ? { items, next_before: encodeCursor(last.cursor_at, last.id) }
    : { items };
}
