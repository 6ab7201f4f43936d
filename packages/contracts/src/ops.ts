import { z } from 'zod';

export const healthSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    db: z.enum(['embedded', 'postgres']),
    model: z.string(),
  })
  .meta({ id: 'Health' });

const check = z.strictObject({ ok: z.boolean(), error: z.string().optional() });

/** `GET /readyz`: 200 when the database answers and the upstream accepts the key, else 503 saying which not. */
export const readinessSchema = z
  .strictObject({ status: z.enum(['ready', 'not_ready']), database: check, upstream: check })
  .meta({ id: 'Readiness' });

/** Prices per token (or per request/image), as the catalog writes them: decimal strings. */
const price = z.string();

export const modelInfoSchema = z
  .strictObject({
    model: z.string(),
    name: z.string().nullable(),
    context_length: z.number().int().nullable(),
    pricing: z.record(z.string(), price).nullable(),
    pricing_source: z.enum(['catalog', 'unknown']),
  })
  .meta({ id: 'ModelInfo' });

/** `POST /v1/ops/reconcile`: what one scheduled reconcile pass did. */
export const reconcileReportSchema = z
  .strictObject({
    settled: z.number().int(),
    closed_without_generation: z.number().int(),
    replayed_from_spool: z.number().int(),
    /** Rows still pending after this pass, and why (e.g. `not_reported_yet`, `upstream_timeout`). */
    waiting: z.number().int(),
    waiting_by_reason: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'ReconcileReport' });

export type Health = z.output<typeof healthSchema>;
export type ReconcileReport = z.output<typeof reconcileReportSchema>;
export type Readiness = z.output<typeof readinessSchema>;
export type ModelInfo = z.output<typeof modelInfoSchema>;
