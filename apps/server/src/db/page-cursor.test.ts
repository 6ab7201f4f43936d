import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { decodeCursor, encodeCursor, olderThan, pageOf } from './page-cursor.ts';

const ID = '3f2a9c4e-8d1b-4c6a-9e2f-5b7d0a1c3e4f';
const AT = '2026-11-20T18:30:00.123456Z';

describe('page cursor', () => {
  it('round-trips (created_at to the microsecond, id) through an opaque, URL-safe string', () => {
    const cursor = encodeCursor(AT, ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ at: AT, id: ID });
  });

  it.each([
    ['a timestamp', '2026-11-20T18:30:00.123Z'],
    ['garbage', 'yesterday'],
    ['milliseconds only', Buffer.from(`2026-11-20T18:30:00.123Z|${ID}`).toString('base64url')],
    ['no id', Buffer.from(`${AT}|`).toString('base64url')],
  ])('refuses %s with a 400 AppError', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(AppError);
    expect(() => decodeCursor(cursor)).toThrow(/next_before/);
  });

  it('builds the keyset condition after the parameters already pushed', () => {
    const params: unknown[] = ['user', 51];
    expect(olderThan(params, encodeCursor(AT, ID))).toBe('(created_at, id) < ($3::timestamptz, $4::uuid)');
    expect(params).toEqual(['user', 51, AT, ID]);
  });

  it('cuts a page from limit + 1 rows, with next_before only when more remain', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `id-${n}`, cursor_at: `at-${n}`, n }));
    const full = pageOf(rows, 2);
    expect(full.items).toEqual([
      { id: 'id-1', n: 1 },
      { id: 'id-2', n: 2 },
    ]);
    expect(full.next_before).toBe(encodeCursor('at-2', 'id-2'));
    expect(pageOf(rows, 3)).toEqual({ items: rows.map(({ cursor_at: _, ...item }) => item) });
  });
});
