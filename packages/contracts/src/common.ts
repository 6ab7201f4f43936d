import { z } from 'zod';

/** A point in time as the API writes it: ISO 8601 in UTC with milliseconds. */
export const timestamp = z.string().meta({ format: 'date-time', example: '2026-11-20T18:30:00.000Z' });

/** An exact amount of US dollars as a decimal string (never a float). */
export const usd = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .meta({ example: '0.0010275' });

/** A calendar day in UTC, `YYYY-MM-DD`. */
export const isoDate = z.iso.date({ error: 'dates are YYYY-MM-DD (UTC)' });

export const isoDateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time, e.g. 2026-11-20T18:30:00Z',
});

/** `?limit=` as a query parameter, bounded, with a default. */
export const limitParam = (max: number, fallback: number) =>
  z.coerce.number<number>().int().min(1).max(max).default(fallback);

/** An opaque paging cursor: a page's `next_before`, passed back unchanged as `before`. */
export const pageCursor = z.string().max(200).meta({
  example: 'MjAyNi0xMS0yMFQxODozMDowMC4xMjM0NTZafDNmMmE5YzRlLThkMWItNGM2YS05ZTJmLTViN2QwYTFjM2U0Zg',
});
