import { z } from 'zod';

/**
 * How the simulator answers one request. Tests and demos queue scenarios; a request takes the
 * next one (or the defaults). Every field is optional.
 */
export const scenarioSchema = z.strictObject({
  /** Refuse before streaming with this HTTP status (400, 401, 402, 403, 408, 429, 502, 503). */
  status: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** Delay before the response headers. */
  latencyMs: z.number().int().nonnegative().optional(),
  /** Streams only: time between the headers and the first chunk, filled with keep-alive comments. */
  processingMs: z.number().int().nonnegative().optional(),
  /** Delay between chunks. */
  chunkDelayMs: z.number().int().nonnegative().optional(),
  /** Keep-alive comment lines sent before the first chunk and between chunks. */
  keepAlives: z.number().int().nonnegative().optional(),
  /** The reply text (chat) or raw content (JSON requests). */
  content: z.string().optional(),
  /** The billed amount, as decimal text (e.g. "0.0000004"); otherwise tokens × catalog price. */
  cost: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .optional(),
  /** Send an error chunk after this many content chunks, then end the stream. */
  failAfterChunks: z.number().int().nonnegative().optional(),
  /** Drop the connection after this many content chunks. */
  cutAfterChunks: z.number().int().nonnegative().optional(),
  /** Leave the usage chunk out (an older or non-OpenRouter upstream). */
  omitUsage: z.boolean().optional(),
  /** How long `/generation` answers 404 for this request (three times longer after an interrupted stream). */
  generationDelayMs: z.number().int().nonnegative().optional(),
  /** For JSON requests: a valid coach answer, text that is not JSON, or JSON that breaks the schema. */
  output: z.enum(['valid', 'invalid_json', 'schema_invalid']).optional(),

  // Wire shapes seen from the real service (see ../shared/OPENROUTER.md); combine freely.
  /** The last text, the finish reason and the usage arrive in one chunk (instead of a `choices: []` usage chunk). */
  usageInFinalChunk: z.boolean().optional(),
  /** The usage object has no `cost`, `is_byok` or `cost_details`: the cost is only in `/generation`. */
  omitCost: z.boolean().optional(),
  /** Every usage detail is `null` (`cached_tokens`, `reasoning_tokens`, `cost_details` values). */
  nullDetails: z.boolean().optional(),
  /** Costs written as JSON numbers in exponent form (`1.5e-7`). */
  exponentCost: z.boolean().optional(),
  /** The mid-stream error chunk: a choice with `finish_reason: "error"`, or `choices: []` with `error.metadata`. */
  errorShape: z.enum(['choice', 'no_choices']).optional(),
  /** The mid-stream error's `code`: a number (default 502) or a string. */
  errorCode: z.union([z.number().int(), z.string()]).optional(),
  /** The finish reason of a completed answer (`length` is also set when `max_tokens` cuts it). */
  finishReason: z.enum(['stop', 'length', 'content_filter']).optional(),
});

/** Request header carrying one scenario as JSON, for clients that cannot reach `/__scenarios`. */
export const SCENARIO_HEADER = 'x-crux-simulator-scenario';

export type Scenario = z.output<typeof scenarioSchema>;
