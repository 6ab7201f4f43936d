import { z } from 'zod';
import { limitParam, text, timestamp, usd } from './common.ts';
import { ERROR_CODES } from './errors.ts';

export const chatRequestSchema = z
  .strictObject({
    message: text({ error: 'message is required' })
      .trim()
      .min(1, { error: 'message must not be empty' })
      .max(5000, { error: 'message must be at most 5000 characters' }),
  })
  .meta({ id: 'ChatRequest' });

/** Text as it arrives. */
export const chatDeltaEventSchema = z.strictObject({ type: z.literal('delta'), content: z.string() });

/** Sent once, after the ledger row (or its durable spool entry) is safe. */
export const chatUsageEventSchema = z.strictObject({
  type: z.literal('usage'),
  prompt_tokens: z.number().int().nullable(),
  completion_tokens: z.number().int().nullable(),
  total_tokens: z.number().int().nullable(),
  /** Exact, as OpenRouter billed it; `null` while the cost is not yet known (settled later). */
  cost_usd: usd.nullable(),
  model: z.string(),
  /** `stop`, `length` (truncated), `content_filter`, `error`, `cancelled`… when the upstream said. */
  finish_reason: z.string().nullable().optional(),
});

/** The stream failed midway; `[DONE]` follows. `request_id` is the response's `X-Request-Id`, as in every error body. */
export const chatErrorEventSchema = z.strictObject({
  type: z.literal('error'),
  error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string(), request_id: z.string() }),
});

/** One `data:` line of the `POST /v1/chat` event stream (the stream ends with `data: [DONE]`). */
export const chatEventSchema = z
  .discriminatedUnion('type', [chatDeltaEventSchema, chatUsageEventSchema, chatErrorEventSchema])
  .meta({ id: 'ChatEvent' });

/** The data of the stream's last event. */
export const CHAT_STREAM_DONE = '[DONE]';

export const chatMessageSchema = z
  .strictObject({
    id: z.uuid(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    created_at: timestamp,
  })
  .meta({ id: 'ChatMessage' });

export const chatMessagesQuerySchema = z.strictObject({ limit: limitParam(200, 50) });

export const chatMessagesSchema = z
  .strictObject({ messages: z.array(chatMessageSchema) })
  .meta({ id: 'ChatMessages' });

export type ChatRequest = z.input<typeof chatRequestSchema>;
export type ChatEvent = z.output<typeof chatEventSchema>;
export type ChatDeltaEvent = z.output<typeof chatDeltaEventSchema>;
export type ChatUsageEvent = z.output<typeof chatUsageEventSchema>;
export type ChatErrorEvent = z.output<typeof chatErrorEventSchema>;
export type ChatMessage = z.output<typeof chatMessageSchema>;
