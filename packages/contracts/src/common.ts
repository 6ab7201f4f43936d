import { z } from 'zod';

/** A UTF-16 surrogate without its pair: Postgres refuses it in jsonb (and text would get U+FFFD). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when Postgres can store the string as it is (no NUL byte, no unpaired surrogate). */
export const isStorableText = (value: string): boolean =>
  !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL bytes (\\u0000) or unpaired surrogates';

/**
 * A string field of a request: any text the database can store.
 * @example text({ error: 'notes must be text' }).max(2000)
 */
export const text = (params?: { error: string }) =>
  z.string(params).refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE, abort: true });

/** A point in time as the API writes it: ISO 8601 in UTC with milliseconds. */
export const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-20T18:30:00.000Z' });

/** An exact amount of US dollars as a decimal string (never a float). */
export const usd = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .meta({ example: '0.0010275' });

/** Year 0 has no place in Postgres' calendar (1 BC follows AD 1); zod's formats cap years at 9999. */
const inPostgresRange = (value: string): boolean => !value.startsWith('0000');
const YEAR_RANGE_MESSAGE = 'the year must be between 0001 and 9999';

/** A calendar day in UTC, `YYYY-MM-DD`, years 0001-9999. */
export const isoDate = z.iso
  .date({ error: 'dates are YYYY-MM-DD (UTC)' })
  .refine(inPostgresRange, { error: YEAR_RANGE_MESSAGE });

/** An ISO 8601 date-time with an offset, years 0001-9999 (a range Postgres stores). */
export const isoDateTime = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time, e.g. 2026-11-20T18:30:00Z',
  })
  .refine(inPostgresRange, { error: YEAR_RANGE_MESSAGE });

/** `?limit=` as a query parameter, bounded, with a default. */
export const limitParam = (max: number, fallback: number) =>
  z.coerce.number<number>().int().min(1).max(max).default(fallback);

/** An opaque paging cursor: a page's `next_before`, passed back unchanged as `before`. */
export const pageCursor = text().max(200).meta({
  example: 'MjAyNi0xMS0yMFQxODozMDowMC4xMjM0NTZafDNmMmE5YzRlLThkMWItNGM2YS05ZTJmLTViN2QwYTFjM2U0Zg',
});
