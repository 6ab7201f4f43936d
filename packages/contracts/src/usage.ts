import { z } from 'zod';
import { isoDate, limitParam, pageCursor, timestamp, usd } from './common.ts';

export const usageQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  group_by: z.enum(['day', 'endpoint', 'model']).default('day'),
});

export const adminUsageQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  group_by: z.enum(['user', 'day', 'endpoint', 'model']).default('user'),
});

const usageTotals = {
  requests: z.number().int(),
  tokens: z.number().int(),
  /** Exact sum of the ledger, as a decimal string. */
  cost_usd: usd,
};

export const usageSummarySchema = z
  .strictObject({
    total: z.strictObject(usageTotals),
    /** One row per group (`key` is the day, endpoint, model or user id). */
    rows: z.array(z.strictObject({ key: z.string(), ...usageTotals })),
  })
  .meta({ id: 'UsageSummary' });

/** The OpenRouter credit left on the account (from its `GET /credits`). */
export const creditSchema = z
  .strictObject({
    total_credits: usd,
    total_usage: usd,
    remaining_usd: usd,
    /** CREDIT_WARN_USD, when set. */
    warn_below_usd: usd.nullable(),
    /** True when `remaining_usd` is below CREDIT_WARN_USD. */
    low: z.boolean(),
  })
  .meta({ id: 'Credit' });

/** `GET /v1/admin/usage`: everyone's spend, and the credit left (`null` while OpenRouter does not say). */
export const adminUsageSchema = usageSummarySchema
  .extend({ credit: creditSchema.nullable() })
  .meta({ id: 'AdminUsage' });

const dailyCount = z.strictObject({ used: z.number().int(), limit: z.number().int(), resets_at: timestamp });

export const usageLimitsSchema = z
  .strictObject({
    chat: dailyCount,
    recommendations: dailyCount,
    budget_usd: z.strictObject({
      spent: usd,
      limit: usd.nullable(),
      resets_at: timestamp,
      /** Worst-case cost held for calls in flight (reserved before each upstream call). */
      reserved: usd,
      /** What new calls may still reserve today: limit − spent − reserved, never below 0 (`null` without a budget). */
      left: usd.nullable(),
    }),
  })
  .meta({ id: 'UsageLimits' });

export const usageRecordsQuerySchema = z.strictObject({
  limit: limitParam(500, 50),
  /** The `next_before` of the previous page (an opaque cursor). */
  before: pageCursor.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const LEDGER_STATUSES = ['pending', 'ok', 'error', 'aborted', 'invalid_output'] as const;

/** One ledger row: one upstream attempt. */
export const usageRecordSchema = z
  .strictObject({
    id: z.uuid(),
    request_id: z.string(),
    endpoint: z.enum(['chat', 'recommendations']),
    model: z.string(),
    served_model: z.string().nullable(),
    generation_id: z.string().nullable(),
    status: z.enum(LEDGER_STATUSES),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    total_tokens: z.number().int().nullable(),
    cached_tokens: z.number().int().nullable(),
    reasoning_tokens: z.number().int().nullable(),
    cost_usd: usd.nullable(),
    cost_source: z.enum(['usage', 'generation', 'none']),
    finish_reason: z.string().nullable().optional(),
    latency_ms: z.number().int().nullable(),
    ttft_ms: z.number().int().nullable(),
    error_code: z.string().nullable(),
    created_at: timestamp,
    settled_at: timestamp.nullable(),
  })
  .meta({ id: 'UsageRecord' });

export const usageRecordsSchema = z
  .strictObject({
    records: z.array(usageRecordSchema),
    /** Pass as `before` for the next (older) page, unchanged; absent on the last page. */
    next_before: pageCursor.optional(),
  })
  .meta({ id: 'UsageRecords' });

export type UsageQuery = z.input<typeof usageQuerySchema>;
export type AdminUsageQuery = z.input<typeof adminUsageQuerySchema>;
export type UsageSummary = z.output<typeof usageSummarySchema>;
export type Credit = z.output<typeof creditSchema>;
export type AdminUsage = z.output<typeof adminUsageSchema>;
export type UsageLimits = z.output<typeof usageLimitsSchema>;
export type UsageRecordsQuery = z.input<typeof usageRecordsQuerySchema>;
export type UsageRecord = z.output<typeof usageRecordSchema>;
export type UsageRecords = z.output<typeof usageRecordsSchema>;
